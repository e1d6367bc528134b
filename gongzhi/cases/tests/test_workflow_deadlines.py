"""Deadlines: each status runs on its step's limit from the category's rule, on that step's clock,
across the National Day holiday and its make-up Saturday; the traffic light follows the time used;
a case follows the rule in force when it was registered, whatever an administrator changes later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status, Tier
from gongzhi.cases.tests.conftest import STREET_CATEGORY, FakeNow, at, category, report_in
from gongzhi.conftest import Cast
from gongzhi.core.clock import traffic_light
from gongzhi.core.errors import ActionError


def light(case: Case, moment: dt.datetime) -> str:
    assert case.step_due_at is not None
    return traffic_light(case.step_started_at, case.step_due_at, moment, case.step_clock)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_each_status_runs_on_its_steps_limit_and_clock_across_national_day(
    cast: Cast, now: FakeNow
) -> None:
    # 基础设施损毁: confirm and dispatch 4 office hours, handle 5, verify 2, close 1 working days.
    now.set(at(2026, 9, 30, 16, 0))
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    # 1.5 office hours left on Wednesday 9-30, then the holiday; the rest on Thursday 10-08.
    assert (case.status, case.step_clock) == (Status.REPORTED, "office_hours")
    assert case.step_due_at == at(2026, 10, 8, 11, 0)

    now.set(at(2026, 10, 8, 9, 0))
    case = actions.confirm(cast.grid_worker, case.pk)
    assert case.step_due_at == at(2026, 10, 8, 14, 30)  # 3 h before lunch, 1 h after

    now.set(at(2026, 10, 8, 10, 0))
    case = actions.register(cast.grid_worker, case.pk)
    assert (case.step_due_at, case.step_clock) == (at(2026, 10, 8, 15, 30), "office_hours")
    # Dispatch by 10-08 15:30, handle 5 working days (10-09, Saturday 10-10, 10-12, 10-13, 10-14),
    # verify 2 (10-15, 10-16), close 1 (Monday 10-19).
    assert case.close_due_at == at(2026, 10, 19, 15, 30)

    now.set(at(2026, 10, 8, 11, 0))
    case = actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    assert (case.step_due_at, case.step_clock) == (at(2026, 10, 14, 11, 0), "working_days")
    assert case.handle_due_at == case.step_due_at

    # Accepting does not restart the handling time (nor its light).
    now.set(at(2026, 10, 9, 9, 0))
    case = actions.accept(cast.department_staff, case.pk)
    assert case.step_due_at == at(2026, 10, 14, 11, 0)
    assert case.step_started_at == at(2026, 10, 8, 11, 0)

    # Responded on Saturday 10-10, a make-up working day: verify within 10-12 and 10-13.
    now.set(at(2026, 10, 10, 10, 0))
    case = actions.respond(cast.department_staff, case.pk, note="已修复")
    assert (case.step_due_at, case.step_clock) == (at(2026, 10, 13, 10, 0), "working_days")

    now.set(at(2026, 10, 12, 10, 0))
    case = actions.verify(cast.grid_worker, case.pk, passed=True)
    assert case.step_due_at == at(2026, 10, 13, 10, 0)

    now.set(at(2026, 10, 12, 11, 0))
    case = actions.close(cast.community_worker, case.pk, public_answer="已修复")
    assert (case.step_due_at, case.step_clock) == (None, "")
    assert case.steps.get(action="close").on_time is True
    assert case.steps.get(action="respond").on_time is True


def test_a_step_begun_on_a_holiday_counts_from_the_next_working_day(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    now.set(at(2026, 10, 4, 15, 0))  # Sunday inside the holiday
    case = actions.respond(cast.department_staff, case.pk, note="节日加班修复")
    # Day 1 is Thursday 10-08, day 2 Friday 10-09, due by its end.
    assert case.step_due_at == at(2026, 10, 9, 23, 59, 59)


def test_urgent_hours_run_through_the_holiday(cast: Cast, now: FakeNow) -> None:
    now.set(at(2026, 10, 3, 22, 30))
    case = report_in(
        cast.resident, cast.grid, category_name="路面塌陷", description="路面塌了一个大坑"
    ).case
    assert (case.step_due_at, case.step_clock) == (at(2026, 10, 3, 23, 30), "urgent_hours")
    now.set(at(2026, 10, 3, 22, 45))
    case = actions.confirm(cast.command_centre, case.pk)
    assert case.step_due_at == at(2026, 10, 3, 23, 45)


def test_the_traffic_light_follows_the_working_time_used(cast: Cast, now: FakeNow) -> None:
    now.set(at(2026, 10, 8, 11, 0))
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    case = actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    # 5 working days = 120 h of working-day clock from 10-08 11:00 to 10-14 11:00.
    assert light(case, at(2026, 10, 9, 12, 0)) == "green"  # 25 h used
    assert light(case, at(2026, 10, 11, 20, 0)) == "green"  # Sunday: still 61 h
    assert light(case, at(2026, 10, 13, 8, 0)) == "green"  # 93 h: 77 %
    assert light(case, at(2026, 10, 13, 11, 0)) == "yellow"  # 96 h: 80 %
    assert light(case, at(2026, 10, 14, 11, 0)) == "yellow"  # due now
    assert light(case, at(2026, 10, 14, 11, 1)) == "red"


def test_a_rule_change_applies_from_registration_and_not_to_a_registered_case(
    cast: Cast, now: FakeNow
) -> None:
    infrastructure = category(STREET_CATEGORY)
    old = actions.rule_in_force(infrastructure)
    registered = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    actions.confirm(cast.grid_worker, registered.pk)
    registered = actions.register(cast.grid_worker, registered.pk)
    close_due = registered.close_due_at
    # Reported and confirmed under the old rule, but not yet registered.
    pending = report_in(
        cast.other_resident, cast.grid, category_name=STREET_CATEGORY, description="井盖松动"
    ).case
    pending = actions.confirm(cast.grid_worker, pending.pk)
    assert pending.rule == old

    change_at = timezone.now()
    new = actions.change_rule(
        cast.administrator,
        infrastructure,
        effective_from=change_at,
        lowest_tier=Tier.GRID,
        deadlines={
            "confirm": [1, "urgent_hours"],
            "dispatch": [1, "urgent_hours"],
            "handle": [1, "working_days"],
            "verify": [1, "working_days"],
            "close": [1, "working_days"],
        },
        note="缩短时限",
    )
    assert actions.rule_in_force(infrastructure) == new != old

    # The registered case keeps its rule: still a street matter, still 5 working days to handle.
    with pytest.raises(ActionError):
        actions.dispatch(cast.grid_worker, registered.pk, tier=Tier.GRID)
    case = actions.dispatch(
        cast.community_worker, registered.pk, tier=Tier.STREET, unit=cast.department
    )
    assert case.rule == old
    assert case.handle_due_at == at(2026, 10, 10, 10, 0)
    assert Case.objects.get(pk=case.pk).close_due_at == close_due

    # Once the change is in force, registering the pending case puts it under the new rule.
    later = change_at + dt.timedelta(minutes=1)
    now.set(later)
    pending = actions.register(cast.grid_worker, pending.pk)
    assert pending.rule == new
    assert pending.step_due_at == later + dt.timedelta(hours=1)  # dispatch: 1 urgent hour
    assert actions.dispatch(cast.grid_worker, pending.pk, tier=Tier.GRID).tier == Tier.GRID
    assert Case.objects.get(pk=registered.pk).rule == old

    # A case reported now runs on the new rule from its first step.
    fresh = report_in(
        cast.other_resident, cast.grid, category_name=STREET_CATEGORY, description="护栏断了"
    ).case
    assert fresh.rule == new
    assert (fresh.step_due_at, fresh.step_clock) == (later + dt.timedelta(hours=1), "urgent_hours")
