"""延期: the handler asks for more working days; the supervisor approves (the handling and closing
deadlines move by that many working days, across holidays) or refuses (nothing moves)."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, workflow
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    FakeNow,
    at,
    counter_totals,
    move,
    report_in,
    snapshot,
    told,
)
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def handling_case(cast: Cast) -> Case:
    """基础设施损毁 (handle in 5 working days) reported, registered, dispatched to 城管局 and
    accepted on Monday 2026-09-28 at 10:00."""
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    return move(cast, case, Status.HANDLING)


def test_deadlines_before_the_holiday_run_past_national_day_to_the_make_up_saturday(
    cast: Cast, now: FakeNow
) -> None:
    case = handling_case(cast)
    # 9-29, 9-30, (10-01..07 off), 10-08, 10-09, and Saturday 10-10, a make-up working day.
    assert case.handle_due_at == at(2026, 10, 10, 10, 0)
    assert case.step_due_at == case.handle_due_at
    # Dispatch 4 office hours (→ 9-28 15:30), handle 5 working days (→ 10-10 15:30), verify 2
    # (→ 10-13, Sunday 10-11 off), close 1 (→ 10-14 15:30).
    assert case.close_due_at == at(2026, 10, 14, 15, 30)


def test_an_approved_extension_moves_both_deadlines_by_working_days(
    cast: Cast, now: FakeNow
) -> None:
    case = handling_case(cast)
    now.set(at(2026, 9, 30, 9, 0))
    case = actions.request_extension(
        cast.department_staff, case.pk, days=3, reason="需协调产权单位"
    )
    assert case.pending_extension == 3
    assert case.handle_due_at == at(2026, 10, 10, 10, 0)  # nothing moves until it is approved
    assert not workflow.may(cast.department_staff, "request_extension", case)
    assert not workflow.may(cast.department_staff, "decide_extension", case)
    assert workflow.may(cast.street_staff, "decide_extension", case)

    case = actions.decide_extension(cast.street_staff, case.pk, approve=True, note="同意")
    # 10-10 (Sat, make-up) + 3: Sunday 10-11 is off → 10-12, 10-13, 10-14.
    assert case.handle_due_at == at(2026, 10, 14, 10, 0)
    assert case.step_due_at == at(2026, 10, 14, 10, 0)
    # 10-14 15:30 + 3 → 10-15, 10-16, (weekend), 10-19.
    assert case.close_due_at == at(2026, 10, 19, 15, 30)
    assert case.pending_extension is None
    assert case.status == Status.HANDLING
    assert [(s.action, s.data.get("days")) for s in case.steps.all()][-2:] == [
        ("request_extension", 3),
        ("approve_extension", 3),
    ]
    assert told(cast.department_staff, "Extension of case %(number)s approved", number=case.number)
    assert counter_totals(unit=f"org:{cast.department.pk}")["extended"] == 1

    # A response after the first deadline but within the extension is on time.
    now.set(at(2026, 10, 13, 16, 0))
    case = actions.respond(cast.department_staff, case.pk, note="已修复")
    assert case.steps.last().on_time is True  # type: ignore[union-attr]
    assert counter_totals()["handled_on_time"] == 1


def test_a_refused_extension_leaves_the_deadlines_where_they_were(cast: Cast, now: FakeNow) -> None:
    case = handling_case(cast)
    due = (case.handle_due_at, case.close_due_at, case.step_due_at)
    actions.request_extension(cast.department_staff, case.pk, days=10, reason="需要采购材料")
    case = actions.decide_extension(cast.command_centre, case.pk, approve=False, note="不予延期")
    assert (case.handle_due_at, case.close_due_at, case.step_due_at) == due
    assert case.pending_extension is None
    assert case.steps.last().action == "reject_extension"  # type: ignore[union-attr]
    assert told(cast.department_staff, "Extension of case %(number)s refused", number=case.number)
    assert counter_totals()["extended"] == 0
    # The handler may ask again.
    assert workflow.may(cast.department_staff, "request_extension", case)

    # Past the deadline, the response is late.
    now.set(at(2026, 10, 12, 9, 0))
    actions.respond(cast.department_staff, case.pk, note="已修复")
    assert counter_totals()["handled"] == 1 and counter_totals()["handled_on_time"] == 0


def test_an_extension_is_one_to_ten_working_days_with_a_reason(cast: Cast, now: FakeNow) -> None:
    case = handling_case(cast)
    before = snapshot(case.pk)
    for days, reason in ((0, "原因"), (11, "原因"), (3, "")):
        with pytest.raises(ActionError):
            actions.request_extension(cast.department_staff, case.pk, days=days, reason=reason)
    assert snapshot(case.pk) == before


def test_only_a_supervisor_decides_and_only_on_a_pending_request(cast: Cast, now: FakeNow) -> None:
    case = handling_case(cast)
    with pytest.raises(Conflict):
        actions.decide_extension(cast.street_staff, case.pk, approve=True)
    actions.request_extension(cast.department_staff, case.pk, days=2, reason="等待配件")
    before = snapshot(case.pk)
    for who in (cast.department_staff, cast.grid_worker, cast.resident, cast.anonymous):
        with pytest.raises(NotAllowed):
            actions.decide_extension(who, case.pk, approve=True)
    with pytest.raises(Conflict):
        actions.request_extension(cast.department_staff, case.pk, days=3, reason="再延")
    assert snapshot(case.pk) == before
