"""Reminders by the sweep: at 80 % of a step's working time the holders are told it is nearly due,
and at its deadline the street and the command centre are told it is overdue — once per step, and
only while the case is still in that step, with that deadline."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status, Tier
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    FakeNow,
    at,
    move,
    new_staff,
    report_in,
    titles,
    told,
)
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]

NEARLY = "Case %(number)s is nearly due"
OVERDUE = "Case %(number)s is overdue"


def sweep(now: FakeNow, moment: dt.datetime) -> actions.RemindersSent:
    now.set(moment)
    return actions.send_reminders()


def close_to(a: dt.datetime | None, b: dt.datetime) -> bool:
    return a is not None and abs(a - b) < dt.timedelta(seconds=1)


def test_a_new_report_is_nearly_due_at_80_percent_of_its_office_hours(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid).case
    # 4 office hours from Monday 10:00: 2 h to noon, 2 h after lunch → due 15:30; 80 % is 3.2 h
    # of office time → 14:42 (not 80 % of the 5.5 h on the wall clock).
    assert case.step_due_at == at(2026, 9, 28, 15, 30)
    assert close_to(case.step_warn_at, at(2026, 9, 28, 14, 42))
    assert case.light(at(2026, 9, 28, 14, 41)) == "green"
    assert case.light(at(2026, 9, 28, 14, 43)) == "yellow"
    assert case.light(at(2026, 9, 28, 15, 31)) == "red"

    assert sweep(now, at(2026, 9, 28, 14, 41)) == actions.RemindersSent(0, 0)
    assert not told(cast.grid_worker, NEARLY, number=case.number)
    assert sweep(now, at(2026, 9, 28, 14, 43)) == actions.RemindersSent(1, 0)
    assert told(cast.grid_worker, NEARLY, number=case.number)
    assert not told(cast.other_grid_worker, NEARLY, number=case.number)
    # Once: the next sweeps say nothing more about this step until its deadline.
    assert sweep(now, at(2026, 9, 28, 14, 50)) == actions.RemindersSent(0, 0)
    assert titles(cast.grid_worker).count(titles(cast.grid_worker)[-1]) == 1

    other_street = new_staff("gangcheng_staff", Role.STREET_STAFF, "130803002")
    assert sweep(now, at(2026, 9, 28, 15, 31)) == actions.RemindersSent(0, 1)
    assert told(cast.street_staff, OVERDUE, number=case.number)
    assert told(cast.command_centre, OVERDUE, number=case.number)
    assert not told(other_street, OVERDUE, number=case.number)
    assert not told(cast.grid_worker, OVERDUE, number=case.number)
    assert sweep(now, at(2026, 9, 29, 9, 0)) == actions.RemindersSent(0, 0)
    logged = AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="cases.remind_")
    assert sorted(logged.values_list("action", flat=True)) == [
        "cases.remind_nearly_due",
        "cases.remind_overdue",
    ]


def test_a_sweep_after_the_deadline_sends_only_the_overdue_word(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid).case
    assert sweep(now, at(2026, 9, 28, 16, 0)) == actions.RemindersSent(0, 1)
    assert told(cast.street_staff, OVERDUE, number=case.number)
    assert not told(cast.grid_worker, NEARLY, number=case.number)


def test_once_the_case_has_moved_on_the_old_step_raises_nothing(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid).case
    now.advance(minutes=20)
    case = actions.confirm(cast.grid_worker, case.pk)
    # The confirm step has its own clock from 10:20 (4 office hours: due 15:50, yellow at 15:02),
    # so the report step's moments (yellow 14:42, due 15:30) no longer apply.
    assert case.step_due_at == at(2026, 9, 28, 15, 50)
    assert close_to(case.step_warn_at, at(2026, 9, 28, 15, 2))
    before = {u.pk: titles(u) for u in (cast.grid_worker, cast.street_staff, cast.command_centre)}
    assert sweep(now, at(2026, 9, 28, 14, 43)) == actions.RemindersSent(0, 0)
    assert sweep(now, at(2026, 9, 28, 15, 1)) == actions.RemindersSent(0, 0)
    actions.decline(cast.grid_worker, case.pk, reason="不属实")
    # A declined case has no step to remind of, however late it gets.
    assert sweep(now, at(2026, 12, 31, 12, 0)) == actions.RemindersSent(0, 0)
    after = {u.pk: titles(u) for u in (cast.grid_worker, cast.street_staff, cast.command_centre)}
    assert after == before


def test_handling_across_national_day_is_nearly_due_on_the_last_working_days(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    case = actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    # Due Saturday 10-10 10:00 (a make-up day). 80 % of 5 working days is 4 days of working time:
    # 9-28 from 10:00, 9-29, 9-30, 10-08, and 10 h of 10-09 — not a day inside the holiday.
    assert case.step_due_at == at(2026, 10, 10, 10, 0)
    assert close_to(case.step_warn_at, at(2026, 10, 9, 10, 0))

    # Accepting the case does not restart the handling time: the dispatch's moments stand.
    now.set(at(2026, 9, 29, 9, 0))
    case = actions.accept(cast.department_staff, case.pk)
    assert close_to(case.step_warn_at, at(2026, 10, 9, 10, 0))
    assert sweep(now, at(2026, 10, 5, 12, 0)) == actions.RemindersSent(0, 0)  # the holiday
    assert sweep(now, at(2026, 10, 9, 10, 1)) == actions.RemindersSent(1, 0)
    assert told(cast.department_staff, NEARLY, number=case.number)
    assert not told(cast.grid_worker, NEARLY, number=case.number)
    assert sweep(now, at(2026, 10, 10, 10, 1)) == actions.RemindersSent(0, 1)
    assert told(cast.street_staff, OVERDUE, number=case.number)


def test_after_an_extension_the_old_deadline_raises_no_alarm_and_the_new_one_does(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    assert sweep(now, at(2026, 10, 9, 10, 1)) == actions.RemindersSent(1, 0)
    actions.request_extension(cast.department_staff, case.pk, days=3, reason="等材料")
    case = actions.decide_extension(cast.street_staff, case.pk, approve=True)
    assert case.step_due_at == at(2026, 10, 14, 10, 0)
    # The warning moves with the deadline, and the holders are warned again before the new one.
    assert case.step_warn_at is not None and case.step_warn_at > at(2026, 10, 10, 10, 0)
    assert sweep(now, at(2026, 10, 10, 10, 1)) == actions.RemindersSent(0, 0)
    assert not told(cast.street_staff, OVERDUE, number=case.number)
    assert sweep(now, case.step_warn_at + dt.timedelta(minutes=1)) == actions.RemindersSent(1, 0)
    assert sweep(now, at(2026, 10, 14, 10, 1)) == actions.RemindersSent(0, 1)
    assert told(cast.street_staff, OVERDUE, number=case.number)


def test_a_closed_case_gets_no_reminders(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.RESPONDED)
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.community_worker, case.pk, public_answer="已修复")
    assert case.step_due_at is None and case.step_warn_at is None and case.light(now()) == ""
    before = {u.pk: titles(u) for u in (cast.community_worker, cast.street_staff)}
    assert sweep(now, at(2026, 12, 31, 12, 0)) == actions.RemindersSent(0, 0)
    assert {u.pk: titles(u) for u in (cast.community_worker, cast.street_staff)} == before


def test_the_command_sweeps_once_and_says_what_it_sent(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid).case
    now.set(at(2026, 9, 28, 14, 43))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "reminders: 1 nearly due, 0 overdue"
    assert told(cast.grid_worker, NEARLY, number=case.number)
    assert Case.objects.get(pk=case.pk).reminders_sent == 1


def test_a_result_waiting_for_verification_reminds_the_grid_not_the_department(
    cast: Cast, now: FakeNow
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.RESPONDED)
    assert case.assigned_unit_id == cast.department.pk  # the department still holds it
    assert case.step_warn_at is not None
    assert sweep(now, case.step_warn_at + dt.timedelta(seconds=1)) == actions.RemindersSent(1, 0)
    assert told(cast.grid_worker, NEARLY, number=case.number)
    assert not told(cast.department_staff, NEARLY, number=case.number)


def test_a_failed_verification_starts_the_reminders_again(cast: Cast, now: FakeNow) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.RESPONDED)
    assert case.step_due_at is not None
    assert sweep(now, case.step_due_at + dt.timedelta(minutes=1)) == actions.RemindersSent(0, 1)
    case = actions.verify(cast.grid_worker, case.pk, passed=False, note="井盖仍松动")
    assert (case.status, case.reminders_sent) == (Status.HANDLING, 0)
    assert case.step_warn_at is not None
    assert sweep(now, case.step_warn_at + dt.timedelta(seconds=1)) == actions.RemindersSent(1, 0)
    assert told(cast.department_staff, NEARLY, number=case.number)
