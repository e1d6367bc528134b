"""Beyond the years `chinese_calendar` covers (2027 on), and until the State Council's notice is
entered, the clock takes the statutory holidays that the law and the lunar calendar give, keeps
weekends off, knows no make-up working day, and calls the year provisional.

2027 by the law (`holidays.China`, observed=False): 01-01 (Fri), 02-05 to 02-08 (the Spring
Festival's eve to its third day, Fri–Mon), 04-05, 05-01, 05-02, 06-09, 09-15, 10-01 to 10-03.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.core.clock import (
    Clock,
    WorkCalendar,
    add_time,
    calendar_is_provisional,
    is_working_day,
    provisional_years,
    statutory_holidays,
)
from gongzhi.core.models import Holiday

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date


def test_the_statutory_holidays_of_2027_are_the_ones_the_law_gives() -> None:
    assert sorted(statutory_holidays(2027)) == [
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
        D(2027, 4, 5),
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),
        D(2027, 9, 15),
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    ]
    assert statutory_holidays(2027)[D(2027, 2, 6)] == "春节"
    assert statutory_holidays(2027)[D(2027, 10, 1)] == "国庆节"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2027, 1, 1), False),  # New Year's Day, a Friday
        (D(2027, 1, 4), True),
        (D(2027, 2, 4), True),  # the Thursday before the Spring Festival
        (D(2027, 2, 5), False),  # its eve, a Friday
        (D(2027, 2, 8), False),  # its third day, a Monday
        (D(2027, 2, 9), True),  # the bridging days are not known until the notice is entered
        (D(2027, 2, 20), False),  # nor are the make-up Saturdays
        (D(2027, 4, 5), False),
        (D(2027, 6, 9), False),
        (D(2027, 9, 15), False),
        (D(2027, 10, 1), False),
        (D(2027, 10, 2), False),
        (D(2027, 10, 3), False),
        (D(2027, 10, 4), True),
    ],
)
def test_2027_days_off_are_the_statutory_holidays_and_the_weekends(day: D, working: bool) -> None:
    assert is_working_day(day) is working


def test_five_working_days_from_the_thursday_before_the_spring_festival_skip_the_holiday() -> None:
    start = dt.datetime(2027, 2, 4, 10, 0, tzinfo=BEIJING)
    # Fri 02-05 to Mon 02-08 are off: 02-09, 10, 11, 12 and Monday 02-15.
    assert add_time(start, 5, Clock.WORKING_DAYS) == dt.datetime(2027, 2, 15, 10, 0, tzinfo=BEIJING)


def test_one_working_day_from_new_years_eve_2026_lands_on_monday_4_january() -> None:
    start = dt.datetime(2026, 12, 31, 10, 0, tzinfo=BEIJING)
    assert add_time(start, 1, Clock.WORKING_DAYS) == dt.datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING)


def test_2027_is_provisional_and_2026_is_not() -> None:
    assert calendar_is_provisional(2027) is True
    assert calendar_is_provisional(2026) is False
    moments = [
        dt.datetime(2026, 12, 31, 23, 0, tzinfo=BEIJING),
        # Still 2026 in UTC, already 2027 in Beijing: the year is the one staff see.
        dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC),
        None,
    ]
    assert provisional_years(moments) == [2027]


def test_a_holiday_row_entered_by_hand_still_counts_in_a_provisional_year() -> None:
    Holiday.objects.create(date=D(2027, 2, 9), kind=Holiday.Kind.HOLIDAY, name="春节")
    Holiday.objects.create(date=D(2027, 10, 1), kind=Holiday.Kind.WORKDAY, name="值班")

    assert is_working_day(D(2027, 2, 9)) is False
    assert is_working_day(D(2027, 10, 1)) is True
    assert calendar_is_provisional(2027) is True  # rows alone are not the notice


def test_a_year_of_the_calendar_is_one_query(django_assert_num_queries):
    calendar = WorkCalendar()
    with django_assert_num_queries(1):
        for n in range(365):
            calendar.is_working_day(D(2027, 1, 1) + dt.timedelta(days=n))
        assert calendar.is_provisional(2027) is True
