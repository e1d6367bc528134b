"""A deadline in a year whose State Council notice has not been entered (2027) was counted on a
provisional calendar, and the pages staff see it on say so: the case page beside the deadline, the
workbench above its list. A deadline in 2026, or in 2027 once the notice is in, carries no note."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.core.holiday_notice import enter_holiday_notice

from .conftest import FakeNow, at, report_in
from .test_pages_support import signed_in

pytestmark = pytest.mark.django_db

NOTE = "Counted on a provisional calendar (the State Council's holiday notice for 2027"
WORKBENCH_NOTE = "Deadlines in 2027 are counted on a provisional calendar"


def reported_on_new_years_eve(cast: Cast, now: FakeNow) -> Case:
    # Thursday 16:00: four office hours run past New Year's Day (a statutory holiday) into 2027.
    now.set(at(2026, 12, 31, 16, 0))
    case = report_in(cast.resident, cast.grid).case
    assert case.step_due_at is not None and case.step_due_at.year == 2027
    return case


def test_the_case_page_notes_a_2027_deadline_and_not_a_2026_one(
    cast: Cast, categories: None, now: FakeNow
) -> None:
    early = report_in(cast.resident, cast.grid, description="楼道灯不亮了").case  # due in 2026
    late = reported_on_new_years_eve(cast, now)
    client = signed_in(cast.grid_worker)

    page = client.get(f"/cases/{late.number}/").content.decode()
    assert 'id="provisional-calendar"' in page and NOTE in page

    page = client.get(f"/cases/{early.number}/").content.decode()
    assert early.step_due_at is not None and early.step_due_at.year == 2026
    assert "This step due" in page
    assert 'id="provisional-calendar"' not in page


def test_the_workbench_notes_the_provisional_year_above_its_list(
    cast: Cast, categories: None, now: FakeNow
) -> None:
    reported_on_new_years_eve(cast, now)
    client = signed_in(cast.grid_worker)

    page = client.get("/workbench/").content.decode()

    assert WORKBENCH_NOTE in page


def test_once_the_notice_is_entered_the_notes_go(
    cast: Cast, categories: None, now: FakeNow
) -> None:
    case = reported_on_new_years_eve(cast, now)
    enter_holiday_notice(cast.administrator, 2027, "2027-01-01\n2027-02-05至2027-02-11")
    client = signed_in(cast.grid_worker)

    assert 'id="provisional-calendar"' not in client.get(f"/cases/{case.number}/").content.decode()
    assert WORKBENCH_NOTE not in client.get("/workbench/").content.decode()
