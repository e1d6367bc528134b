"""Tests of the working-time clock against dates one can check on the 2026 and 2027 calendars.

2026 facts, as chinese_calendar 1.11 has them (the State Council notice): Spring Festival holiday
Sun 02-15 to Mon 02-23, make-up working days Sat 02-14 and Sat 02-28; National Day holiday Thu 10-01
to Wed 10-07, make-up working days Sun 09-20 and Sat 10-10. The package has no data for 2027, which
is counted provisionally on its statutory holidays (01-01, 02-05 to 02-08, …) and the week.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from gongzhi.core.clock import (
    Clock,
    WorkCalendar,
    add_time,
    calendar_covers,
    is_working_day,
    light_at,
    time_used_fraction,
    traffic_light,
    warning_time,
    working_time_between,
)
from gongzhi.core.models import ConfigValue, Holiday

SHANGHAI = ZoneInfo("Asia/Shanghai")

URGENT = Clock.URGENT_HOURS
OFFICE = Clock.OFFICE_HOURS
DAYS = Clock.WORKING_DAYS


def at(text: str) -> dt.datetime:
    """A Beijing-time moment written as "YYYY-MM-DD HH:MM[:SS]"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def holiday(date: str, kind: str = Holiday.Kind.HOLIDAY, name: str = "") -> Holiday:
    return Holiday.objects.create(date=day(date), kind=kind, name=name)


# The calendar itself


def test_clock_choices_have_english_msgids():
    with translation.override("en"):
        choices = [(value, str(label)) for value, label in Clock.choices]
    assert choices == [
        ("urgent_hours", "Urgent hours"),
        ("office_hours", "Office hours"),
        ("working_days", "Working days"),
    ]


def test_the_package_covers_2026_but_not_2027():
    assert calendar_covers(2026) is True
    assert calendar_covers(2027) is False
    assert calendar_covers(1990) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-02-13", True),  # Friday before Spring Festival
        ("2026-02-14", True),  # make-up Saturday
        ("2026-02-16", False),  # Monday in the Spring Festival holiday
        ("2026-02-23", False),  # last day of the holiday, a Monday
        ("2026-02-24", True),
        ("2026-02-28", True),  # make-up Saturday
        ("2026-03-07", False),  # ordinary Saturday
        ("2026-09-20", True),  # make-up Sunday
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-10", True),  # make-up Saturday
        ("2026-10-11", False),
        ("2027-01-01", False),  # a Friday, New Year's Day: a statutory holiday beyond the package
        ("2027-01-02", False),
        ("2027-01-04", True),
    ],
)
def test_working_days_follow_the_official_2026_calendar_and_the_statutory_holidays_beyond(
    date, expected
):
    assert is_working_day(day(date)) is expected


@pytest.mark.django_db
def test_a_holiday_row_overrides_the_package_within_2026():
    holiday("2026-03-06", name="台风停工")  # an ordinary Friday
    holiday("2026-03-07", Holiday.Kind.WORKDAY, "补班")  # an ordinary Saturday
    holiday("2026-10-01", Holiday.Kind.WORKDAY, "值班")  # National Day itself

    assert is_working_day(day("2026-03-06")) is False
    assert is_working_day(day("2026-03-07")) is True
    assert is_working_day(day("2026-10-01")) is True
    # Thursday + 1 working day skips the closed Friday and lands on the Saturday now worked.
    assert add_time(at("2026-03-05 09:00"), 1, DAYS) == at("2026-03-07 09:00")


@pytest.mark.django_db
def test_a_2027_holiday_row_is_honoured_beyond_the_package():
    start = at("2027-03-04 10:00")  # an ordinary Thursday
    assert add_time(start, 1, DAYS) == at("2027-03-05 10:00")
    assert add_time(at("2027-03-04 17:00"), 1, OFFICE) == at("2027-03-05 09:00")

    holiday("2027-03-05", name="台风停工")

    assert is_working_day(day("2027-03-05")) is False
    # Friday is now a holiday and the weekend is off, so Monday 2027-03-08 is next.
    assert add_time(start, 1, DAYS) == at("2027-03-08 10:00")
    assert add_time(at("2027-03-04 17:00"), 1, OFFICE) == at("2027-03-08 09:00")


@pytest.mark.django_db
def test_a_2027_make_up_day_row_counts_a_saturday():
    holiday("2027-02-20", Holiday.Kind.WORKDAY, "春节补班")  # a Saturday
    assert is_working_day(day("2027-02-20")) is True
    assert add_time(at("2027-02-19 16:00"), 1, DAYS) == at("2027-02-20 16:00")


@pytest.mark.django_db
def test_holiday_rows_are_read_once_per_year(django_assert_num_queries):
    # One query for 2026's holiday rows and one for the office-hours configuration, for ten days.
    with django_assert_num_queries(2):
        add_time(at("2026-09-30 15:00"), 8, OFFICE)
    # Crossing into 2027 costs one more query, not one per day.
    calendar = WorkCalendar()
    with django_assert_num_queries(2):
        add_time(at("2026-12-30 09:00"), 3, DAYS, calendar=calendar)
    with django_assert_num_queries(0):
        # A shared calendar remembers what it has read.
        is_working_day(day("2027-01-05"), calendar=calendar)
        is_working_day(day("2026-06-01"), calendar=calendar)


# Urgent hours


def test_urgent_hours_run_across_midnight():
    assert add_time(at("2026-03-02 22:00"), 5, URGENT) == at("2026-03-03 03:00")


def test_urgent_hours_run_through_holidays_and_weekends():
    assert add_time(at("2026-09-30 20:00"), 48, URGENT) == at("2026-10-02 20:00")
    assert add_time(at("2026-02-14 12:00"), Decimal("1.5"), URGENT) == at("2026-02-14 13:30")


def test_urgent_hours_answer_in_beijing_time_whatever_zone_is_given():
    deadline = add_time(dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC), 5, URGENT)
    assert deadline == at("2026-03-03 03:00")
    assert deadline.tzinfo == SHANGHAI
    assert (deadline.hour, deadline.minute) == (3, 0)


# Office hours (08:30–12:00 and 13:30–17:30 by default)


@pytest.mark.django_db
def test_office_hours_skip_the_lunch_break():
    assert add_time(at("2026-03-03 11:00"), 2, OFFICE) == at("2026-03-03 14:30")


@pytest.mark.django_db
def test_office_hours_skip_the_evening():
    assert add_time(at("2026-03-03 16:30"), 3, OFFICE) == at("2026-03-04 10:30")


@pytest.mark.django_db
def test_office_hours_ending_at_closing_time_give_closing_time_not_next_opening():
    assert add_time(at("2026-03-03 16:30"), 1, OFFICE) == at("2026-03-03 17:30")
    assert add_time(at("2026-03-03 11:00"), 1, OFFICE) == at("2026-03-03 12:00")
    assert add_time(at("2026-03-03 08:30"), Decimal("7.5"), OFFICE) == at("2026-03-03 17:30")


@pytest.mark.django_db
def test_office_hours_outside_a_window_start_at_the_next_opening():
    assert add_time(at("2026-03-03 07:00"), 1, OFFICE) == at("2026-03-03 09:30")
    assert add_time(at("2026-03-03 12:30"), 1, OFFICE) == at("2026-03-03 14:30")
    assert add_time(at("2026-03-03 20:00"), 0.5, OFFICE) == at("2026-03-04 09:00")


@pytest.mark.django_db
def test_office_hours_skip_the_weekend():
    # 1.5 h on Friday afternoon, then 2.5 h from Monday's opening.
    assert add_time(at("2026-03-06 16:00"), 4, OFFICE) == at("2026-03-09 11:00")
    assert add_time(at("2026-03-07 10:00"), 1, OFFICE) == at("2026-03-09 09:30")


@pytest.mark.django_db
def test_office_hours_skip_national_day():
    # 2.5 h on Wed 09-30, nothing 10-01 to 10-07, then 3.5 h + 2 h on Thu 10-08.
    assert add_time(at("2026-09-30 15:00"), 8, OFFICE) == at("2026-10-08 15:30")


@pytest.mark.django_db
def test_office_hours_skip_spring_festival_from_a_make_up_saturday():
    assert add_time(at("2026-02-14 17:00"), 1, OFFICE) == at("2026-02-24 09:00")


@pytest.mark.django_db
def test_office_hours_count_on_a_make_up_saturday():
    assert add_time(at("2026-02-14 08:30"), Decimal("7.5"), OFFICE) == at("2026-02-14 17:30")
    assert add_time(at("2026-10-09 17:00"), 1, OFFICE) == at("2026-10-10 09:00")


@pytest.mark.django_db
def test_office_hours_count_on_a_make_up_sunday():
    assert add_time(at("2026-09-19 10:00"), 1, OFFICE) == at("2026-09-20 09:30")


@pytest.mark.django_db
def test_office_hours_follow_configured_hours_from_their_effective_date():
    ConfigValue.objects.create(
        key="clock.office_hours", value=[["09:00", "17:00"]], effective_from=day("2026-03-04")
    )
    # Tuesday keeps the default hours (1 h to 17:30); Wednesday opens at 09:00 with no lunch break.
    assert add_time(at("2026-03-03 16:30"), 3, OFFICE) == at("2026-03-04 11:00")
    assert add_time(at("2026-03-04 11:00"), 2, OFFICE) == at("2026-03-04 13:00")


# Working days


@pytest.mark.django_db
def test_working_days_from_friday_afternoon_end_next_friday_afternoon():
    assert add_time(at("2026-03-06 15:00"), 5, DAYS) == at("2026-03-13 15:00")


@pytest.mark.django_db
def test_working_days_skip_spring_festival_and_count_the_make_up_saturday():
    # Sat 02-14 is day 1, Tue 02-24 day 2, Wed 02-25 day 3.
    assert add_time(at("2026-02-13 10:00"), 3, DAYS) == at("2026-02-25 10:00")


@pytest.mark.django_db
def test_working_days_skip_national_day_and_count_the_make_up_saturday():
    # Thu 10-08 is day 1, Fri 10-09 day 2, Sat 10-10 day 3.
    assert add_time(at("2026-09-30 09:00"), 3, DAYS) == at("2026-10-10 09:00")


@pytest.mark.django_db
def test_working_days_from_a_weekend_end_at_the_close_of_the_last_day():
    # Monday 03-09 is day 1, so day 5 is Friday 03-13, due by its end.
    assert add_time(at("2026-03-07 10:00"), 5, DAYS) == at("2026-03-13 23:59:59")


@pytest.mark.django_db
def test_working_days_from_a_holiday_end_at_the_close_of_the_last_day():
    assert add_time(at("2026-10-03 11:00"), 2, DAYS) == at("2026-10-09 23:59:59")
    assert add_time(at("2026-10-03 11:00"), 1, DAYS) == at("2026-10-08 23:59:59")


@pytest.mark.django_db
def test_working_days_accept_whole_decimals_and_floats_only():
    assert add_time(at("2026-03-06 15:00"), Decimal("5"), DAYS) == at("2026-03-13 15:00")
    assert add_time(at("2026-03-06 15:00"), 5.0, DAYS) == at("2026-03-13 15:00")
    with pytest.raises(ValueError, match="whole"):
        add_time(at("2026-03-06 15:00"), 1.5, DAYS)
    with pytest.raises(ValueError, match="whole"):
        add_time(at("2026-03-06 15:00"), Decimal("0.5"), DAYS)


# Amounts


@pytest.mark.django_db
@pytest.mark.parametrize("clock", list(Clock))
def test_a_zero_amount_gives_the_start_itself(clock):
    assert add_time(at("2026-10-03 11:00"), 0, clock) == at("2026-10-03 11:00")


@pytest.mark.parametrize("clock", list(Clock))
@pytest.mark.parametrize("amount", [-1, -0.5, Decimal("-2"), float("nan"), float("inf")])
def test_a_negative_or_non_finite_amount_raises(clock, amount):
    with pytest.raises(ValueError):
        add_time(at("2026-03-03 09:00"), amount, clock)


def test_an_unknown_clock_raises():
    with pytest.raises(ValueError):
        add_time(at("2026-03-03 09:00"), 1, "lunar_days")


def test_a_naive_start_raises():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_time(dt.datetime(2026, 3, 3, 9, 0), 1, URGENT)


# Time elapsed


@pytest.mark.django_db
def test_office_time_between_counts_only_windows_of_working_days():
    assert working_time_between(at("2026-03-06 16:00"), at("2026-03-09 11:00"), OFFICE) == 4.0
    assert working_time_between(at("2026-09-30 00:00"), at("2026-10-09 00:00"), OFFICE) == 15.0


@pytest.mark.django_db
def test_working_days_between_count_fractions_of_working_days():
    # Wed 09-30 and Thu 10-08 are the only working days from 09-30 00:00 to 10-09 00:00.
    assert working_time_between(at("2026-09-30 00:00"), at("2026-10-09 00:00"), DAYS) == 2.0
    assert working_time_between(at("2026-09-30 18:00"), at("2026-10-08 06:00"), DAYS) == 0.5


@pytest.mark.django_db
def test_time_between_is_negative_when_the_end_comes_first():
    assert working_time_between(at("2026-03-09 11:00"), at("2026-03-06 16:00"), OFFICE) == -4.0
    assert working_time_between(at("2026-03-03 03:00"), at("2026-03-02 22:00"), URGENT) == -5.0


ROUND_TRIPS = [
    ("2026-03-02 22:00", 5, URGENT),
    ("2026-09-30 20:00", 200, URGENT),
    ("2026-03-03 11:00", 2, OFFICE),
    ("2026-09-30 15:00", 8, OFFICE),
    ("2026-02-14 17:00", 13.25, OFFICE),
    ("2026-10-03 11:00", 40, OFFICE),
    ("2026-12-30 16:45", Decimal("22.5"), OFFICE),
    ("2026-03-06 15:00", 5, DAYS),
    ("2026-02-13 10:00", 3, DAYS),
    ("2026-09-30 09:00", 15, DAYS),
    ("2026-12-31 00:00", 20, DAYS),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "amount", "clock"), ROUND_TRIPS)
def test_time_between_a_start_and_its_deadline_is_the_amount(start, amount, clock):
    deadline = add_time(at(start), amount, clock)
    assert working_time_between(at(start), deadline, clock) == pytest.approx(float(amount))


@pytest.mark.django_db
def test_working_days_from_a_holiday_round_trip_to_within_a_second():
    deadline = add_time(at("2026-10-03 11:00"), 2, DAYS)
    used = working_time_between(at("2026-10-03 11:00"), deadline, DAYS)
    assert used == pytest.approx(2 - 1 / 86400)


# Traffic light


@pytest.mark.parametrize(
    ("hours_passed", "fraction", "light"),
    [(79, 0.79, "green"), (80, 0.8, "yellow"), (100, 1.0, "yellow"), (101, 1.01, "red")],
)
def test_traffic_light_turns_yellow_at_80_percent_and_red_past_100(hours_passed, fraction, light):
    start = at("2026-03-02 09:00")
    deadline = at("2026-03-06 13:00")  # 100 urgent hours later
    now = start + dt.timedelta(hours=hours_passed)
    assert time_used_fraction(start, deadline, now, URGENT) == pytest.approx(fraction)
    assert traffic_light(start, deadline, now, URGENT) == light


@pytest.mark.django_db
def test_traffic_light_on_office_hours_ignores_nights_and_weekends():
    start = at("2026-03-06 13:30")
    deadline = add_time(start, 4, OFFICE)
    assert deadline == at("2026-03-06 17:30")
    assert traffic_light(start, deadline, at("2026-03-06 16:41"), OFFICE) == "green"
    assert traffic_light(start, deadline, at("2026-03-06 16:42"), OFFICE) == "yellow"
    assert traffic_light(start, deadline, at("2026-03-06 17:30"), OFFICE) == "yellow"
    # The clock stopped at 100 % on Friday evening, but on Saturday the case is overdue.
    assert time_used_fraction(start, deadline, at("2026-03-07 10:00"), OFFICE) == 1.0
    assert traffic_light(start, deadline, at("2026-03-07 10:00"), OFFICE) == "red"


@pytest.mark.django_db
def test_traffic_light_on_working_days_stands_still_over_spring_festival():
    start = at("2026-02-13 10:00")
    deadline = at("2026-02-25 10:00")  # 3 working days
    # By Friday 02-20 only Fri 14 h and the make-up Saturday have been used: 38 h of 72 h.
    now = at("2026-02-20 12:00")
    assert time_used_fraction(start, deadline, now, DAYS) == pytest.approx(38 / 72)
    assert traffic_light(start, deadline, now, DAYS) == "green"
    assert traffic_light(start, deadline, at("2026-02-24 23:00"), DAYS) == "yellow"
    assert traffic_light(start, deadline, at("2026-02-25 10:01"), DAYS) == "red"


# The stored warning time: the light from two columns agrees with the light from the clock.

WARNING_CASES = [
    (at("2026-03-02 09:00"), 100, URGENT),
    (at("2026-03-06 13:30"), 4, OFFICE),
    (at("2026-09-28 10:00"), 4, OFFICE),
    (at("2026-09-30 16:00"), 8, OFFICE),  # across national day
    (at("2026-02-13 10:00"), 3, DAYS),  # across spring festival
    (at("2026-10-03 11:00"), 5, DAYS),  # from inside a holiday
    (at("2026-09-28 10:00"), 5, DAYS),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "amount", "clock"), WARNING_CASES)
def test_the_warning_time_is_when_80_percent_of_the_time_is_used(start, amount, clock):
    deadline = add_time(start, amount, clock)
    warn = warning_time(start, deadline, clock)
    assert start < warn < deadline
    # The first whole second at which 80 % is used.
    assert time_used_fraction(start, deadline, warn, clock) >= 0.8
    assert time_used_fraction(start, deadline, warn - dt.timedelta(seconds=1), clock) < 0.8
    # A second before it the light is green; from it on yellow; red only after the deadline.
    for moment in (warn - dt.timedelta(seconds=1), warn, deadline, deadline + dt.timedelta(1)):
        assert light_at(moment, warn, deadline) == traffic_light(start, deadline, moment, clock)


@pytest.mark.django_db
def test_the_warning_on_office_hours_falls_inside_office_hours():
    # 4 office hours from Friday 13:30 → due 17:30, yellow at 16:42 (not on the weekend).
    start = at("2026-03-06 13:30")
    assert warning_time(start, add_time(start, 4, OFFICE), OFFICE) == at("2026-03-06 16:42")
    # 8 office hours from 09-30 16:00 run over national day: 1.5 h that day, the rest from 10-08.
    start = at("2026-09-30 16:00")
    deadline = add_time(start, 8, OFFICE)
    assert deadline.date() == dt.date(2026, 10, 8)
    assert warning_time(start, deadline, OFFICE).date() == dt.date(2026, 10, 8)


def test_a_step_with_no_deadline_has_no_light():
    assert light_at(at("2026-03-06 13:30"), None, None) == ""


@pytest.mark.django_db
def test_a_step_with_no_working_time_warns_at_its_deadline():
    saturday = at("2026-03-07 10:00")
    # No office time between Saturday 10:00 and 12:00; a deadline at or before the start.
    for start, deadline, clock in (
        (saturday, at("2026-03-07 12:00"), OFFICE),
        (saturday, saturday, URGENT),
        (saturday, saturday - dt.timedelta(hours=1), URGENT),
    ):
        warn = warning_time(start, deadline, clock)
        assert warn == deadline
        assert light_at(deadline, warn, deadline) == traffic_light(start, deadline, deadline, clock)
        after = deadline + dt.timedelta(seconds=1)
        assert light_at(after, warn, deadline) == "red"
