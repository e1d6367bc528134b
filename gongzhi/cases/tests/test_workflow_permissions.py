"""Who may take each action: the person the case is with (or a tier above), and no one else — not
the wrong role, not the same role in another community or street, not another department, not an
anonymous visitor. A refusal is a 403 and changes nothing: status, timeline, counters, audit log,
notifications. What the case page offers (`workflow.may`) is exactly what the action allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from gongzhi.cases import actions, workflow
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    OtherDepartment,
    department_of,
    move,
    report_in,
    snapshot,
)
from gongzhi.conftest import Cast
from gongzhi.core.errors import NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


@dataclass(frozen=True)
class Rule:
    prepare: Callable[[Cast, Case], Case]  # brings a fresh report to the state the action needs
    act: Callable[[Any, Case], object]
    allowed: tuple[str, ...]
    refused: tuple[str, ...]
    may_name: str = ""  # the workflow action name when it differs from the key


def to(status: Status) -> Callable[[Cast, Case], Case]:
    return lambda cast, case: move(cast, case, status)


def with_extension_asked(cast: Cast, case: Case) -> Case:
    case = move(cast, case, Status.HANDLING)
    return actions.request_extension(cast.department_staff, case.pk, days=2, reason="等材料")


def shelved(cast: Cast, case: Case) -> Case:
    case = move(cast, case, Status.HANDLING)
    return actions.shelve(cast.street_staff, case.pk, reason="暂缓")


EVERYONE_ELSE = ("resident", "anonymous")

RULES: dict[str, Rule] = {
    "confirm": Rule(
        to(Status.REPORTED),
        lambda who, case: actions.confirm(who, case.pk),
        ("grid_worker", "community_worker", "street_staff", "command_centre", "administrator"),
        (
            "department_staff",
            "other_grid_worker",
            "other_community_worker",
            "other_street_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "register": Rule(
        to(Status.CONFIRMED),
        lambda who, case: actions.register(who, case.pk),
        ("grid_worker", "community_secretary"),
        ("department_staff", "other_grid_worker", "other_community_worker", *EVERYONE_ELSE),
    ),
    "decline": Rule(
        to(Status.REPORTED),
        lambda who, case: actions.decline(who, case.pk, reason="不属实"),
        ("grid_worker", "community_worker"),
        ("department_staff", "other_community_worker", *EVERYONE_ELSE),
    ),
    "dispatch": Rule(
        to(Status.REGISTERED),
        lambda who, case: actions.dispatch(who, case.pk, tier="street", unit=department_of(case)),
        ("community_worker", "street_staff", "command_centre"),
        (
            "department_staff",
            "other_community_worker",
            "other_street_staff",
            "other_department_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "accept": Rule(
        to(Status.DISPATCHED),
        lambda who, case: actions.accept(who, case.pk),
        ("department_staff", "street_staff"),
        (
            "other_department_staff",
            "grid_worker",
            "community_worker",
            "other_street_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "respond": Rule(
        to(Status.HANDLING),
        lambda who, case: actions.respond(who, case.pk, note="已处理"),
        ("department_staff",),
        ("other_department_staff", "grid_worker", "community_secretary", *EVERYONE_ELSE),
    ),
    "return": Rule(
        to(Status.HANDLING),
        lambda who, case: actions.return_case(who, case.pk, reason="非本部门职责"),
        ("department_staff",),
        ("other_department_staff", "community_worker", *EVERYONE_ELSE),
    ),
    "escalate": Rule(
        to(Status.REGISTERED),
        lambda who, case: actions.escalate(who, case.pk, reason="超出能力"),
        ("grid_worker", "community_worker"),
        ("other_grid_worker", "other_community_worker", "department_staff", *EVERYONE_ELSE),
    ),
    "request_extension": Rule(
        to(Status.HANDLING),
        lambda who, case: actions.request_extension(who, case.pk, days=2, reason="等材料"),
        ("department_staff",),
        ("other_department_staff", "community_worker", *EVERYONE_ELSE),
    ),
    "decide_extension": Rule(
        with_extension_asked,
        lambda who, case: actions.decide_extension(who, case.pk, approve=True),
        ("street_staff", "command_centre"),
        (
            "department_staff",
            "other_department_staff",
            "grid_worker",
            "other_street_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "verify": Rule(
        to(Status.RESPONDED),
        lambda who, case: actions.verify(who, case.pk, passed=True),
        ("grid_worker", "community_worker"),
        ("department_staff", "other_grid_worker", "other_community_worker", *EVERYONE_ELSE),
    ),
    "rework": Rule(
        to(Status.RESPONDED),
        lambda who, case: actions.verify(who, case.pk, passed=False, note="未修好"),
        ("grid_worker",),
        ("department_staff", "other_community_worker", *EVERYONE_ELSE),
    ),
    "close": Rule(
        to(Status.VERIFIED),
        lambda who, case: actions.close(who, case.pk, public_answer="已办结"),
        ("community_worker", "grid_worker"),
        ("department_staff", "other_community_worker", "other_grid_worker", *EVERYONE_ELSE),
    ),
    "rate": Rule(
        to(Status.CLOSED),
        lambda who, case: actions.rate(who, case.pk, rating="satisfied"),
        ("resident",),
        ("other_resident", "grid_worker", "community_worker", "command_centre", "anonymous"),
    ),
    "follow_up": Rule(
        to(Status.CLOSED),
        lambda who, case: actions.follow_up(who, case.pk, note="居民满意"),
        ("community_worker",),
        ("department_staff", "other_community_worker", *EVERYONE_ELSE),
    ),
    "shelve": Rule(
        to(Status.HANDLING),
        lambda who, case: actions.shelve(who, case.pk, reason="暂无条件"),
        ("street_staff", "command_centre"),
        (
            "community_secretary",
            "grid_worker",
            "department_staff",
            "other_street_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "unshelve": Rule(
        shelved,
        lambda who, case: actions.unshelve(who, case.pk),
        ("command_centre", "street_staff"),
        ("community_worker", "department_staff", "other_street_staff", *EVERYONE_ELSE),
    ),
    "supervise": Rule(
        to(Status.REGISTERED),
        lambda who, case: actions.supervise(who, case.pk, note="请加快"),
        ("command_centre", "street_staff"),
        (
            "community_secretary",
            "grid_worker",
            "department_staff",
            "other_street_staff",
            *EVERYONE_ELSE,
        ),
    ),
    "void": Rule(
        to(Status.REPORTED),
        lambda who, case: actions.void(who, case.pk, reason="测试"),
        ("grid_worker",),
        ("department_staff", "other_community_worker", *EVERYONE_ELSE),
    ),
    "summon": Rule(
        to(Status.REGISTERED),
        lambda who, case: actions.summon(
            who,
            case.pk,
            departments=[department_of(case)],
            hours=2,
        ),
        ("street_staff", "command_centre"),
        ("community_secretary", "department_staff", "other_street_staff", *EVERYONE_ELSE),
    ),
}


@pytest.fixture
def people(
    cast: Cast, other_department: OtherDepartment, other_street_staff: User
) -> dict[str, Any]:
    everyone = {name: getattr(cast, name) for name in cast.__dataclass_fields__}
    everyone["other_department_staff"] = other_department.staff
    everyone["other_street_staff"] = other_street_staff
    return everyone


def prepared(cast: Cast, rule: Rule) -> Case:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    return Case.objects.select_related("rule__department").get(pk=rule.prepare(cast, case).pk)


@pytest.mark.parametrize("action", RULES)
def test_the_person_the_case_is_with_may_act(
    cast: Cast, people: dict[str, Any], action: str
) -> None:
    rule = RULES[action]
    for who in rule.allowed:
        case = prepared(cast, rule)
        person = people[who]
        assert workflow.may(person, action, case), who
        steps, audits = case.steps.count(), AuditEntry.objects.count()
        rule.act(person, case)
        assert case.steps.count() > steps, who
        assert AuditEntry.objects.count() > audits, who


@pytest.mark.parametrize("action", RULES)
def test_anyone_else_is_refused_and_nothing_changes(
    cast: Cast, people: dict[str, Any], action: str
) -> None:
    rule = RULES[action]
    case = prepared(cast, rule)
    assert workflow.state_allows(action, case)  # it is the person, not the state, that is wrong
    before = snapshot(case.pk)
    for who in rule.refused:
        person = people[who]
        assert not workflow.may(person, action, case), who
        assert action not in workflow.available_actions(person, case), who
        with pytest.raises(NotAllowed) as refused:
            rule.act(person, case)
        assert refused.value.status == 403, who
        assert case.number in refused.value.message, who
        assert snapshot(case.pk) == before, who


def test_an_anonymous_visitor_cannot_report(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(NotAllowed) as refused:
        report_in(cast.anonymous, cast.grid)
    assert refused.value.status == 403
    assert snapshot() == before
