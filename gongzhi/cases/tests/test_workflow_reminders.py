"""Reminders as background tasks: at 80 % of a step's working time the holders are told it is nearly
due, and at its deadline the street and the command centre are told it is overdue — only while the
case is still in that step, with that deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status, Tier
from gongzhi.cases.tasks import step_due, step_nearly_due
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
from gongzhi.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]

NEARLY = "Case %(number)s is nearly due"
OVERDUE = "Case %(number)s is overdue"


def scheduled(case: Case, task: str) -> list[tuple[dt.datetime, list[Any]]]:
    """(run after, arguments) of each `task` enqueued for the case, oldest first."""
    rows = DBTaskResult.objects.filter(task_path__endswith=f".{task}").order_by("enqueued_at")
    found = [(r.run_after, r.args_kwargs["args"]) for r in rows]
    return [(when, args) for when, args in found if args[0] == case.pk]


def close_to(a: dt.datetime, b: dt.datetime) -> bool:
    return abs(a - b) < dt.timedelta(seconds=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run an action and what it does after its transaction commits (enqueueing the reminders)."""

    def run(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def test_a_new_report_is_nearly_due_at_80_percent_of_its_office_hours(
    cast: Cast, now: FakeNow, committed: Callable[..., Any]
) -> None:
    case = committed(report_in, cast.resident, cast.grid).case
    # 4 office hours from Monday 10:00: 2 h to noon, 2 h after lunch → due 15:30; 80 % is 3.2 h
    # of office time → 14:42 (not 80 % of the 5.5 h on the wall clock).
    [(warn_at, warn_args)] = scheduled(case, "step_nearly_due")
    [(due_at, due_args)] = scheduled(case, "step_due")
    assert close_to(warn_at, at(2026, 9, 28, 14, 42))
    assert due_at == case.step_due_at == at(2026, 9, 28, 15, 30)

    assert step_nearly_due.call(*warn_args) is True
    assert told(cast.grid_worker, NEARLY, number=case.number)
    assert not told(cast.other_grid_worker, NEARLY, number=case.number)

    other_street = new_staff("gangcheng_staff", Role.STREET_STAFF, "130803002")
    assert step_due.call(*due_args) is True
    assert told(cast.street_staff, OVERDUE, number=case.number)
    assert told(cast.command_centre, OVERDUE, number=case.number)
    assert not told(other_street, OVERDUE, number=case.number)
    assert not told(cast.grid_worker, OVERDUE, number=case.number)


def test_once_the_case_has_moved_on_the_old_reminders_say_nothing(
    cast: Cast, now: FakeNow, committed: Callable[..., Any]
) -> None:
    case = committed(report_in, cast.resident, cast.grid).case
    [(_w, warn_args)] = scheduled(case, "step_nearly_due")
    [(_d, due_args)] = scheduled(case, "step_due")
    now.advance(minutes=20)
    committed(actions.confirm, cast.grid_worker, case.pk)
    before = {u.pk: titles(u) for u in (cast.grid_worker, cast.street_staff, cast.command_centre)}
    assert step_nearly_due.call(*warn_args) is False
    assert step_due.call(*due_args) is False
    # The confirm step's own reminders still apply.
    assert len(scheduled(case, "step_due")) == 2
    actions.decline(cast.grid_worker, case.pk, reason="不属实")
    _w, confirm_args = scheduled(case, "step_due")[-1]
    assert step_due.call(*confirm_args) is False
    after = {u.pk: titles(u) for u in (cast.grid_worker, cast.street_staff, cast.command_centre)}
    assert after == before


def test_handling_across_national_day_is_nearly_due_on_the_last_working_days(
    cast: Cast, now: FakeNow, committed: Callable[..., Any]
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    committed(
        actions.dispatch, cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department
    )
    # Due Saturday 10-10 10:00 (a make-up day). 80 % of 5 working days is 4 days of working time:
    # 9-28 from 10:00, 9-29, 9-30, 10-08, and 10 h of 10-09 — not a day inside the holiday.
    [(warn_at, warn_args)] = scheduled(case, "step_nearly_due")
    assert close_to(warn_at, at(2026, 10, 9, 10, 0))
    [(due_at, due_args)] = scheduled(case, "step_due")
    assert due_at == at(2026, 10, 10, 10, 0)

    # Accepting the case does not restart the handling time: the dispatch's reminders stand.
    now.set(at(2026, 9, 29, 9, 0))
    committed(actions.accept, cast.department_staff, case.pk)
    assert step_nearly_due.call(*warn_args) is True
    assert told(cast.department_staff, NEARLY, number=case.number)
    assert not told(cast.grid_worker, NEARLY, number=case.number)
    assert step_due.call(*due_args) is True
    assert told(cast.street_staff, OVERDUE, number=case.number)


def test_after_an_extension_the_old_deadline_raises_no_alarm_and_the_new_one_does(
    cast: Cast, now: FakeNow, committed: Callable[..., Any]
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    committed(
        actions.dispatch, cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department
    )
    [(_d, old_due_args)] = scheduled(case, "step_due")
    actions.request_extension(cast.department_staff, case.pk, days=3, reason="等材料")
    committed(actions.decide_extension, cast.street_staff, case.pk, approve=True)
    assert step_due.call(*old_due_args) is False
    assert not told(cast.street_staff, OVERDUE, number=case.number)
    new_due_at, new_due_args = scheduled(case, "step_due")[-1]
    assert new_due_at == at(2026, 10, 14, 10, 0) == Case.objects.get(pk=case.pk).step_due_at
    assert step_due.call(*new_due_args) is True
    assert told(cast.street_staff, OVERDUE, number=case.number)


def test_a_closed_case_gets_no_reminders(
    cast: Cast, now: FakeNow, committed: Callable[..., Any]
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.RESPONDED)
    committed(actions.verify, cast.grid_worker, case.pk, passed=True)
    [(_w, warn_args)] = scheduled(case, "step_nearly_due")
    [(_d, due_args)] = scheduled(case, "step_due")
    committed(actions.close, cast.community_worker, case.pk, public_answer="已修复")
    assert len(scheduled(case, "step_due")) == 1  # a closed case has no step to remind of
    before = {u.pk: titles(u) for u in (cast.community_worker, cast.street_staff)}
    assert step_nearly_due.call(*warn_args) is False
    assert step_due.call(*due_args) is False
    assert {u.pk: titles(u) for u in (cast.community_worker, cast.street_staff)} == before
