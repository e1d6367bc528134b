"""Entering the State Council's notice never recomputes an open case's deadlines, not silently and
not at all: each keeps the deadlines it was given, and the form's message says how many open cases
have a deadline in the notice's year."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases.models import Case, Status
from gongzhi.conftest import Cast
from gongzhi.core.clock import Clock, add_time

from .conftest import STREET_CATEGORY, FakeNow, at, move, report_in
from .test_pages_support import signed_in

pytestmark = pytest.mark.django_db


def deadlines(case: Case) -> tuple[dt.datetime | None, ...]:
    case.refresh_from_db()
    return (
        case.step_due_at,
        case.step_warn_at,
        case.handle_due_at,
        case.close_due_at,
    )


def test_a_case_handled_across_new_year_keeps_its_deadlines_and_the_message_says_so(
    cast: Cast, categories: None, now: FakeNow
) -> None:
    in_2026 = report_in(cast.resident, cast.grid, description="楼道灯不亮了").case
    dispatched = at(2026, 12, 30, 10, 0)  # a Wednesday
    now.set(dispatched)
    reported = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, reported, Status.HANDLING)
    # Five working days on the provisional calendar: 12-31, then 01-04 to 01-07 (01-01 is off).
    assert case.handle_due_at == at(2027, 1, 7, 10, 0)
    given = deadlines(case)
    client = signed_in(cast.administrator)

    response = client.post(
        "/admin/core/holiday/notice/",
        # The notice closes the offices on Monday 4 January too.
        {"year": "2027", "holidays": "元旦：2027-01-01至2027-01-04", "workdays": ""},
        follow=True,
    )

    page = response.content.decode()
    assert "1 open case has a deadline in 2027; it keeps the deadline it was given." in page
    assert deadlines(case) == given
    # The other open case is due in 2026 only, hence "1 open case".
    assert {d.year for d in deadlines(in_2026) if d is not None} == {2026}
    # The calendar did change: the same handling time given now would end a day later.
    assert add_time(dispatched, 5, Clock.WORKING_DAYS) == at(2027, 1, 8, 10, 0)


def test_cases_closed_or_due_in_another_year_are_not_counted(
    cast: Cast, categories: None, now: FakeNow
) -> None:
    report_in(cast.resident, cast.grid, description="楼道灯不亮了")  # due in 2026
    now.set(at(2026, 12, 31, 16, 0))
    closed = move(cast, report_in(cast.resident, cast.grid).case, Status.CLOSED)
    assert not closed.is_open

    response = signed_in(cast.administrator).post(
        "/admin/core/holiday/notice/",
        {"year": "2027", "holidays": "2027-01-01", "workdays": ""},
        follow=True,
    )

    assert "No open case has a deadline in 2027." in response.content.decode()
