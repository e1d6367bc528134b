"""A step that no longer applies: an action from the wrong status, or from a form opened before
someone else changed the case, is a 409 that names where the case stands now, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gongzhi.cases import actions, workflow
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    department_of,
    move,
    report_in,
    snapshot,
)
from gongzhi.conftest import Cast
from gongzhi.core.errors import Conflict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]

# (action, the status the case is in, who tries, how): each from a status it does not start from.
WRONG_STATUS: list[tuple[str, Status, str, Callable[[Any, Case], object]]] = [
    ("confirm", Status.CONFIRMED, "grid_worker", lambda who, c: actions.confirm(who, c.pk)),
    ("register", Status.REPORTED, "grid_worker", lambda who, c: actions.register(who, c.pk)),
    ("register", Status.REGISTERED, "grid_worker", lambda who, c: actions.register(who, c.pk)),
    (
        "decline",
        Status.REGISTERED,
        "grid_worker",
        lambda who, c: actions.decline(who, c.pk, reason="不属实"),
    ),
    (
        "dispatch",
        Status.DISPATCHED,
        "street_staff",
        lambda who, c: actions.dispatch(who, c.pk, tier="street", unit=c.assigned_unit),
    ),
    ("accept", Status.HANDLING, "department_staff", lambda who, c: actions.accept(who, c.pk)),
    (
        "respond",
        Status.RESPONDED,
        "department_staff",
        lambda who, c: actions.respond(who, c.pk, note="再次反馈"),
    ),
    (
        "return",
        Status.RESPONDED,
        "department_staff",
        lambda who, c: actions.return_case(who, c.pk, reason="退回"),
    ),
    (
        "request_extension",
        Status.RESPONDED,
        "department_staff",
        lambda who, c: actions.request_extension(who, c.pk, days=2, reason="延期"),
    ),
    (
        "verify",
        Status.HANDLING,
        "grid_worker",
        lambda who, c: actions.verify(who, c.pk, passed=True),
    ),
    (
        "rework",
        Status.VERIFIED,
        "grid_worker",
        lambda who, c: actions.verify(who, c.pk, passed=False, note="未修好"),
    ),
    (
        "close",
        Status.RESPONDED,
        "community_worker",
        lambda who, c: actions.close(who, c.pk, public_answer="已办结"),
    ),
    (
        "rate",
        Status.VERIFIED,
        "resident",
        lambda who, c: actions.rate(who, c.pk, rating="satisfied"),
    ),
    (
        "shelve",
        Status.RESPONDED,
        "street_staff",
        lambda who, c: actions.shelve(who, c.pk, reason="挂账"),
    ),
    ("unshelve", Status.HANDLING, "street_staff", lambda who, c: actions.unshelve(who, c.pk)),
    (
        "void",
        Status.CLOSED,
        "grid_worker",
        lambda who, c: actions.void(who, c.pk, reason="作废"),
    ),
    (
        "summon",
        Status.VERIFIED,
        "street_staff",
        lambda who, c: actions.summon(who, c.pk, departments=[department_of(c)], hours=2),
    ),
    (
        "supervise",
        Status.CLOSED,
        "command_centre",
        lambda who, c: actions.supervise(who, c.pk, note="督办"),
    ),
]


@pytest.mark.parametrize(
    ("action", "status", "who", "act"),
    WRONG_STATUS,
    ids=[f"{a}-from-{s.value}" for a, s, _w, _f in WRONG_STATUS],
)
def test_an_action_from_the_wrong_status_is_a_conflict_naming_the_status(
    cast: Cast, action: str, status: Status, who: str, act: Callable[[Any, Case], object]
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = Case.objects.select_related("rule__department", "assigned_unit").get(
        pk=move(cast, case, status).pk
    )
    person = getattr(cast, who)
    assert workflow.person_may(person, action, case)  # the right person, the wrong moment
    assert not workflow.may(person, action, case)
    before = snapshot(case.pk)
    with pytest.raises(Conflict) as conflict:
        act(person, case)
    assert conflict.value.status == 409
    assert case.number in conflict.value.message
    assert str(status.label) in conflict.value.message
    assert snapshot(case.pk) == before


def test_a_stale_form_is_a_conflict_after_someone_else_acted(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    # Two grid staff open the case page at version 0; one confirms first.
    opened = case.version
    actions.confirm(cast.grid_worker, case.pk, seen_version=opened)
    before = snapshot(case.pk)
    with pytest.raises(Conflict) as conflict:
        actions.decline(cast.community_worker, case.pk, reason="不属实", seen_version=opened)
    assert conflict.value.status == 409
    assert str(Status.CONFIRMED.label) in conflict.value.message
    assert snapshot(case.pk) == before
    # With the page reloaded, the same step goes through.
    current = Case.objects.get(pk=case.pk).version
    assert current > opened
    case = actions.decline(cast.community_worker, case.pk, reason="不属实", seen_version=current)
    assert case.status == Status.DECLINED


def test_a_stale_form_is_refused_even_when_the_status_is_the_same_again(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    opened = case.version
    # Meanwhile the extension is asked and refused: the case is HANDLING again, but not as it was.
    actions.request_extension(cast.department_staff, case.pk, days=2, reason="等材料")
    actions.decide_extension(cast.street_staff, case.pk, approve=False)
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING
    before = snapshot(case.pk)
    with pytest.raises(Conflict):
        actions.respond(cast.department_staff, case.pk, note="已处理", seen_version=opened)
    assert snapshot(case.pk) == before


def test_the_second_of_two_identical_clicks_is_a_conflict(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    actions.confirm(cast.grid_worker, case.pk, seen_version=0)
    before = snapshot(case.pk)
    with pytest.raises(Conflict):
        actions.confirm(cast.grid_worker, case.pk, seen_version=0)
    with pytest.raises(Conflict):
        actions.confirm(cast.grid_worker, case.pk)
    assert snapshot(case.pk) == before
    assert list(case.steps.values_list("action", flat=True)) == ["report", "confirm"]
