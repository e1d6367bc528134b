"""The back office's holiday list says, for this year and the next, whether the working calendar
is the package's, the State Council's notice as entered, or provisional; its form enters a notice
and says what became of the year."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.core.clock import calendar_is_provisional, is_working_day
from gongzhi.testing import HeldClock, held_clock

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def now() -> Iterator[HeldClock]:
    with held_clock(dt.datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING)) as clock:
        yield clock


def administrator(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def year_row(page: str, year: int) -> str:
    found = re.search(rf'<tr data-year="{year}".*?</tr>', page, re.S)
    assert found, f"no row for {year}"
    return found.group(0)


def test_2027_is_shown_provisional_with_its_statutory_days_until_its_notice_is_in(
    now: HeldClock, cast: Cast
) -> None:
    client = administrator(cast)

    page = client.get("/admin/core/holiday/").content.decode()

    assert 'data-calendar="package"' in year_row(page, 2026)
    row = year_row(page, 2027)
    assert 'data-calendar="provisional"' in row and "provisional" in row
    assert "01-01、02-05、02-06、02-07、02-08" in row
    assert "/admin/core/holiday/notice/?year=2027" in row


def test_the_form_enters_the_notice_and_the_list_then_shows_it_entered(
    now: HeldClock, cast: Cast
) -> None:
    client = administrator(cast)
    form = client.get("/admin/core/holiday/notice/?year=2027")
    assert form.status_code == 200
    assert 'name="year" value="2027"' in form.content.decode()

    response = client.post(
        "/admin/core/holiday/notice/",
        {"year": "2027", "holidays": "2027-02-05至2027-02-11", "workdays": "2027-02-20"},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/admin/core/holiday/?date__year=2027"
    assert (
        "The State Council&#x27;s holiday notice for 2027 is entered (holidays: 7, make-up working "
        "days: 1). 2027 is no longer provisional" in page
    )
    row = year_row(page, 2027)
    assert 'data-calendar="entered"' in row
    assert "Notice entered 2026-12-02 09:00 by 管理员" in row
    assert calendar_is_provisional(2027) is False
    assert is_working_day(dt.date(2027, 2, 9)) is False
    # Entering again starts from what was entered.
    again = client.get("/admin/core/holiday/notice/?year=2027").content.decode()
    assert "2027-02-05至2027-02-11</textarea>" in again
    assert "entering it again replaces it" in again
