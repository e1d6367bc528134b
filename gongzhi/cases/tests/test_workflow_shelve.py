"""挂账: a supervisor records a registered case as not solvable now; taken up again, it waits for
dispatch at its tier."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Status, Tier
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    FakeNow,
    at,
    counter_totals,
    move,
    report_in,
    snapshot,
)
from gongzhi.conftest import STREET, Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_a_shelved_case_stops_its_clock_and_leaves_the_inboxes(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    reason = "需纳入明年道路改造计划统一实施"
    case = actions.shelve(cast.street_staff, case.pk, reason=reason)

    assert case.status == Status.SHELVED and not case.is_open
    assert (case.step_due_at, case.step_clock) == (None, "")
    assert case not in queries.inbox(cast.department_staff)
    assert case not in queries.overdue(cast.street_staff)
    assert case.steps.last().note == reason  # type: ignore[union-attr]
    assert counter_totals()["shelved"] == 1
    assert counter_totals(unit=f"org:{cast.department.pk}")["shelved"] == 1
    assert workflow.available_actions(cast.department_staff, case) == []


def test_an_unshelved_case_waits_for_dispatch_by_its_tier_not_by_the_old_department(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    actions.shelve(cast.street_staff, case.pk, reason="资金未落实")
    now.set(at(2026, 10, 12, 9, 0))
    case = actions.unshelve(cast.command_centre, case.pk, note="资金已到位")

    assert case.status == Status.REGISTERED and case.is_open
    assert (case.tier, case.assigned_scope, case.assigned_unit_id) == (Tier.STREET, STREET, None)
    # Dispatch within 4 office hours from Monday 09:00: 3 h to noon, the fourth after lunch.
    assert case.step_due_at == at(2026, 10, 12, 14, 30)
    assert case in queries.inbox(cast.street_staff)
    assert case not in queries.inbox(cast.department_staff)
    assert not workflow.may(cast.department_staff, "dispatch", case)
    case = actions.dispatch(cast.street_staff, case.pk, tier=Tier.STREET, unit=cast.department)
    assert case.status == Status.DISPATCHED
    # A fresh 5 working days from the new dispatch.
    assert case.handle_due_at == at(2026, 10, 19, 9, 0)
    assert counter_totals()["dispatched"] == 2


def test_only_registered_cases_are_shelved_and_only_with_a_reason(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid).case
    actions.confirm(cast.grid_worker, case.pk)
    before = snapshot(case.pk)
    # A confirmed case is registered or declined, not shelved: it never was taken on.
    with pytest.raises(Conflict):
        actions.shelve(cast.street_staff, case.pk, reason="暂不处理")
    actions.register(cast.grid_worker, case.pk)
    before = snapshot(case.pk)
    with pytest.raises(ActionError) as refused:
        actions.shelve(cast.street_staff, case.pk, reason="")
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed):
        actions.shelve(cast.community_secretary, case.pk, reason="社区无力解决")
    assert snapshot(case.pk) == before
    with pytest.raises(Conflict):
        actions.unshelve(cast.street_staff, case.pk)
    assert snapshot(case.pk) == before
