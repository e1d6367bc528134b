"""退回: a handler sends a case back, with the reason, to the tier of whoever dispatched it."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Status, Tier
from gongzhi.cases.tests.conftest import (
    GRID_CATEGORY,
    STREET_CATEGORY,
    counter_totals,
    move,
    report_in,
    told,
)
from gongzhi.conftest import STREET, YUXIANGYUAN, Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_a_department_returns_a_case_to_the_community_that_dispatched_it(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    # The community worker dispatches a case the grid registered (it still sits at the grid tier).
    case = move(cast, case, Status.HANDLING)
    assert case.assigned_unit_id == cast.department.pk
    reason = "该栏杆属交通局管养，不属本局职责"
    case = actions.return_case(cast.department_staff, case.pk, reason=reason)

    assert (case.status, case.tier, case.assigned_scope, case.assigned_unit_id) == (
        Status.REGISTERED,
        Tier.COMMUNITY,
        YUXIANGYUAN,
        None,
    )
    assert case.handle_due_at is None
    assert case in queries.inbox(cast.community_worker)
    assert case not in queries.inbox(cast.department_staff)
    assert told(cast.community_worker, "Case %(number)s was returned", number=case.number)
    assert not workflow.may(cast.department_staff, "respond", case)
    assert workflow.may(cast.community_worker, "dispatch", case)
    step = case.steps.last()
    assert step is not None and (step.action, step.note) == ("return", reason)
    # Counted against the unit that sent it back.
    assert counter_totals(unit=f"org:{cast.department.pk}")["returned"] == 1
    assert counter_totals()["returned"] == 1


def test_a_case_the_street_dispatched_goes_back_to_the_street(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    actions.escalate(cast.grid_worker, case.pk, reason="需街道协调")
    actions.escalate(cast.community_worker, case.pk, reason="超出社区能力")
    actions.dispatch(cast.street_staff, case.pk, tier=Tier.STREET, unit=cast.department)
    case = actions.return_case(cast.department_staff, case.pk, reason="信息不全")
    assert (case.tier, case.assigned_scope) == (Tier.STREET, STREET)
    assert told(cast.street_staff, "Case %(number)s was returned", number=case.number)


def test_a_case_settled_in_the_grid_goes_back_to_the_grid(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=GRID_CATEGORY).case
    case = move(cast, case, Status.DISPATCHED, to_department=False)
    case = actions.return_case(cast.grid_worker, case.pk, reason="需要更多人手")
    assert (case.status, case.tier, case.assigned_scope) == (
        Status.REGISTERED,
        Tier.GRID,
        cast.grid.code,
    )
