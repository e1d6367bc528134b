"""An administrator enters the State Council's notice of a year: its holidays and make-up working
days become that year's calendar (weekends otherwise), the year is no longer provisional, and the
entry is audited. Entering it again replaces it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.conftest import Cast
from gongzhi.core.clock import Clock, add_time, calendar_is_provisional, is_working_day
from gongzhi.core.holiday_notice import enter_holiday_notice
from gongzhi.core.models import AuditEntry, Holiday, HolidayNotice

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date


def rows(year: int) -> list[tuple[str, str, str]]:
    return [
        (h.date.isoformat(), h.kind, h.name)
        for h in Holiday.objects.filter(date__year=year).order_by("date")
    ]


def test_the_notice_gives_the_bridging_days_and_the_make_up_saturday(cast: Cast) -> None:
    assert is_working_day(D(2027, 2, 9)) is True
    assert is_working_day(D(2027, 2, 20)) is False

    entered = enter_holiday_notice(cast.administrator, 2027, "2027-02-05至2027-02-11", "2027-02-20")

    assert is_working_day(D(2027, 2, 9)) is False
    assert is_working_day(D(2027, 2, 11)) is False
    assert is_working_day(D(2027, 2, 12)) is True
    assert is_working_day(D(2027, 2, 20)) is True  # a Saturday worked
    assert calendar_is_provisional(2027) is False
    # Thursday 02-04 + 5 working days, the holiday now running to 02-11: 02-12, 15, 16, 17, 18.
    start = dt.datetime(2027, 2, 4, 10, 0, tzinfo=BEIJING)
    assert add_time(start, 5, Clock.WORKING_DAYS) == dt.datetime(2027, 2, 18, 10, 0, tzinfo=BEIJING)
    assert (entered.holidays, entered.workdays, entered.replaced) == (7, 1, False)


def test_the_notice_is_the_whole_calendar_of_its_year(cast: Cast) -> None:
    # A statutory holiday the notice does not list is an ordinary day once the notice is in.
    enter_holiday_notice(cast.administrator, 2027, "春节：2月5日至11日")

    assert is_working_day(D(2027, 10, 1)) is True  # a Friday
    assert is_working_day(D(2027, 10, 2)) is False  # a Saturday


def test_the_rows_the_names_and_the_audit_entry_record_the_notice(cast: Cast) -> None:
    Holiday.objects.create(date=D(2027, 3, 8), kind=Holiday.Kind.HOLIDAY, name="手工录入")

    enter_holiday_notice(
        cast.administrator,
        2027,
        "元旦：2027年1月1日\n2027-02-05~02-07",
        "2月20日（周六）上班",
    )

    assert rows(2027) == [
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-05", "holiday", "春节"),
        ("2027-02-06", "holiday", "春节"),
        ("2027-02-07", "holiday", "春节"),
        ("2027-02-20", "workday", ""),
    ]
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.entered_by == cast.administrator
    assert notice.holiday_text == "元旦：2027年1月1日\n2027-02-05~02-07"
    assert notice.workday_text == "2月20日（周六）上班"
    entry = AuditEntry.objects.get(action="core.enter_holiday_notice")
    assert entry.actor == cast.administrator
    assert entry.object_id == str(notice.pk)
    assert entry.data["holidays"] == ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07"]
    assert entry.data["workdays"] == ["2027-02-20"]
    assert entry.data["replaced_rows"] == ["2027-03-08 holiday"]


def test_entering_the_notice_again_replaces_it(cast: Cast) -> None:
    enter_holiday_notice(cast.administrator, 2027, "2027-02-05至2027-02-11", "2027-02-20")

    again = enter_holiday_notice(cast.administrator, 2027, "2027-02-06至2027-02-12", "2027-02-21")

    assert again.replaced is True
    assert HolidayNotice.objects.filter(year=2027).count() == 1
    assert HolidayNotice.objects.get(year=2027).holiday_text == "2027-02-06至2027-02-12"
    assert is_working_day(D(2027, 2, 5)) is True
    assert is_working_day(D(2027, 2, 12)) is False
    assert is_working_day(D(2027, 2, 20)) is False
    assert is_working_day(D(2027, 2, 21)) is True
    assert AuditEntry.objects.filter(action="core.enter_holiday_notice").count() == 2
