"""The three ways a case goes the whole way: settled in the grid, settled by the community, handled
by a department. At each step the case sits with the people who must act, and only they may."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Case, Status, Tier
from gongzhi.cases.tests.conftest import (
    COMMUNITY_CATEGORY,
    GRID_CATEGORY,
    STREET_CATEGORY,
    counter_totals,
    nonzero,
    report_in,
    told,
)
from gongzhi.conftest import YUXIANGYUAN, Cast
from gongzhi.core.errors import ActionError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def timeline(case: Case) -> list[tuple[str, str, str]]:
    return [(s.action, s.actor.username if s.actor else "", s.to_status) for s in case.steps.all()]


def test_a_small_matter_is_settled_in_the_grid_by_its_grid_worker(cast: Cast) -> None:
    case = report_in(
        cast.resident, cast.grid, category_name=GRID_CATEGORY, description="楼下垃圾堆放三天了"
    ).case
    assert case in queries.inbox(cast.grid_worker)
    assert case not in queries.inbox(cast.other_grid_worker)
    assert told(cast.grid_worker, "New case %(number)s in your grid", number=case.number)

    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    case = actions.dispatch(cast.grid_worker, case.pk, tier=Tier.GRID, note="本网格处理")
    assert (case.status, case.tier, case.assigned_scope, case.assigned_unit_id) == (
        Status.DISPATCHED,
        Tier.GRID,
        cast.grid.code,
        None,
    )
    assert workflow.available_actions(cast.grid_worker, case)[:2] == ["accept", "respond"]
    assert not workflow.may(cast.department_staff, "accept", case)
    assert not workflow.may(cast.other_grid_worker, "accept", case)

    actions.accept(cast.grid_worker, case.pk)
    actions.respond(cast.grid_worker, case.pk, note="已清运")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.grid_worker, case.pk, public_answer="垃圾已清运")
    assert case.status == Status.CLOSED and not case.is_open
    assert told(cast.resident, "Case %(number)s is closed: please rate it", number=case.number)
    case = actions.rate(cast.resident, case.pk, rating="satisfied")

    assert timeline(case) == [
        ("report", "resident", "reported"),
        ("confirm", "grid_worker", "confirmed"),
        ("register", "grid_worker", "registered"),
        ("dispatch", "grid_worker", "dispatched"),
        ("accept", "grid_worker", "handling"),
        ("respond", "grid_worker", "responded"),
        ("verify", "grid_worker", "verified"),
        ("close", "grid_worker", "closed"),
        ("rate", "resident", "closed"),
    ]
    assert nonzero(counter_totals()) == {
        "reported": 1,
        "valid": 1,
        "registered": 1,
        "dispatched": 1,
        "responded": 1,
        "handled": 1,
        "handled_on_time": 1,
        "closed": 1,
        "closed_on_time": 1,
        "rated_satisfied": 1,
    }
    # Everything after the report is counted under the grid itself as the handling unit.
    assert counter_totals(unit=f"grid:{cast.grid.code}")["closed"] == 1
    assert case in queries.echo_wall()


def test_a_community_matter_goes_up_from_the_grid_and_is_settled_by_the_community(
    cast: Cast,
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=COMMUNITY_CATEGORY).case
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    # The grid may not keep a community matter, and may not send it up by dispatching.
    with pytest.raises(ActionError, match=COMMUNITY_CATEGORY):
        actions.dispatch(cast.grid_worker, case.pk, tier=Tier.GRID)
    with pytest.raises(ActionError) as refused:
        actions.dispatch(cast.grid_worker, case.pk, tier=Tier.COMMUNITY)
    assert refused.value.field == "tier"
    case = actions.escalate(cast.grid_worker, case.pk, reason="涉及物业公司，需社区协调")
    assert (case.status, case.tier, case.assigned_scope) == (
        Status.REGISTERED,
        Tier.COMMUNITY,
        YUXIANGYUAN,
    )
    assert case in queries.inbox(cast.community_worker)
    assert case not in queries.inbox(cast.grid_worker)
    assert not workflow.may(cast.grid_worker, "dispatch", case)
    assert told(
        cast.community_secretary, "Case %(number)s was reported up to you", number=case.number
    )

    case = actions.dispatch(cast.community_secretary, case.pk, tier=Tier.COMMUNITY)
    assert (case.tier, case.assigned_scope, case.assigned_unit_id) == (
        Tier.COMMUNITY,
        YUXIANGYUAN,
        None,
    )
    assert not workflow.may(cast.grid_worker, "respond", case)
    assert not workflow.may(cast.other_community_worker, "accept", case)
    actions.accept(cast.community_worker, case.pk)
    actions.respond(cast.community_worker, case.pk, note="已约谈物业，电梯修复")
    # Verification on site is the grid's job again, whoever handled the case.
    assert case in queries.inbox(cast.grid_worker)
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.community_secretary, case.pk, public_answer="电梯已修复")
    actions.rate(cast.resident, case.pk, rating="basically_satisfied")

    assert [a for a, _who, _to in timeline(case)] == [
        "report",
        "confirm",
        "register",
        "escalate",
        "dispatch",
        "accept",
        "respond",
        "verify",
        "close",
        "rate",
    ]
    community = counter_totals(unit=f"community:{YUXIANGYUAN}")
    assert (community["dispatched"], community["handled"], community["closed"]) == (1, 1, 1)
    assert counter_totals(unit=f"grid:{cast.grid.code}")["escalated"] == 1
    assert counter_totals()["rated_basically_satisfied"] == 1


def test_a_street_matter_is_dispatched_to_a_department_which_handles_it(cast: Cast) -> None:
    case = report_in(
        cast.resident, cast.grid, category_name=STREET_CATEGORY, description="路边栏杆被撞坏"
    ).case
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    case = actions.dispatch(
        cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department, note="请城管处理"
    )
    assert (case.status, case.tier, case.assigned_unit_id) == (
        Status.DISPATCHED,
        Tier.STREET,
        cast.department.pk,
    )
    assert case in queries.inbox(cast.department_staff)
    assert told(cast.department_staff, "Case %(number)s dispatched to you", number=case.number)
    assert workflow.may(cast.department_staff, "accept", case)
    assert not workflow.may(cast.grid_worker, "accept", case)

    actions.accept(cast.department_staff, case.pk)
    case = actions.respond(cast.department_staff, case.pk, note="栏杆已更换")
    assert case.status == Status.RESPONDED and case.responded_at is not None
    assert told(cast.grid_worker, "Case %(number)s is ready to verify", number=case.number)
    assert case not in queries.inbox(cast.department_staff)
    actions.verify(cast.grid_worker, case.pk, passed=True)
    actions.close(cast.community_worker, case.pk, public_answer="栏杆已更换")
    case = actions.rate(cast.resident, case.pk, rating="satisfied", comment="很快")
    assert case.rating == "satisfied" and case.rating_comment == "很快"
    assert not workflow.may(cast.resident, "rate", case)

    unit = counter_totals(unit=f"org:{cast.department.pk}")
    assert (unit["dispatched"], unit["responded"], unit["handled"], unit["closed"]) == (1, 1, 1, 1)
    follow = actions.follow_up(cast.community_worker, case.pk, note="居民表示满意")
    assert follow.steps.last().action == "follow_up"  # type: ignore[union-attr]
