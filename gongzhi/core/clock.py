"""Working-time clock: deadlines and elapsed time on urgent, office-hour or working-day clocks.

Which days are working days, year by year:

- a year whose State Council holiday notice an administrator has entered (`HolidayNotice`): its
  `Holiday` rows (the notice's holidays and make-up working days), otherwise Monday–Friday;
- a year `chinese_calendar` covers: the package, with `Holiday` rows overriding it;
- any other year is *provisional*: `Holiday` rows first, then the statutory holidays that the law
  and the lunar calendar give (`holidays.China`, without its guessed "observed" days), otherwise
  Monday–Friday. The notice's bridging days and make-up working days are not known yet, so the
  pages say that a deadline in such a year was counted on a provisional calendar.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

import chinese_calendar
import holidays
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .config import DEFAULTS
from .models import ConfigValue, Holiday, HolidayNotice

__all__ = [
    "OFFICE_HOURS_KEY",
    "Clock",
    "WorkCalendar",
    "add_time",
    "calendar_covers",
    "calendar_is_provisional",
    "is_working_day",
    "light_at",
    "provisional_years",
    "statutory_holidays",
    "time_used_fraction",
    "traffic_light",
    "warning_time",
    "working_time_between",
]

OFFICE_HOURS_KEY = "clock.office_hours"

# The share of the allowed time after which a case turns yellow.
YELLOW_FROM = 0.8

_ONE_DAY = dt.timedelta(days=1)
# A calendar that yields no working time for this long is misconfigured (say, every day marked a
# holiday); stopping beats looping for ever inside a request.
_MAX_IDLE_DAYS = 800


class Clock(models.TextChoices):
    URGENT_HOURS = "urgent_hours", _("Urgent hours")
    OFFICE_HOURS = "office_hours", _("Office hours")
    WORKING_DAYS = "working_days", _("Working days")


Amount: TypeAlias = int | float | Decimal
Window: TypeAlias = tuple[dt.time, dt.time]


@functools.cache
def calendar_covers(year: int) -> bool:
    """True when `chinese_calendar` knows the official holidays of `year`.

    For other years the clock follows the entered State Council notice, or provisionally the
    statutory holidays (`statutory_holidays`).
    """
    try:
        # The package's data never change while the process runs, hence the cache.
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory public holidays of `year` and their Chinese names, computed from the law and
    the lunar calendar by `holidays` (for 2027: 01-01, 02-05 to 02-08, 04-05, 05-01, 05-02, 06-09,
    09-15, 10-01 to 10-03).

    Only the days the law names: `observed=False` leaves out the library's guesses at the bridging
    days, and the make-up working days are known from the State Council's notice alone.
    """
    return dict(holidays.China(years=year, observed=False, language="zh_CN").items())


# The kind of the one row the year's query adds when a notice has been entered for that year.
_NOTICE_ENTERED = "notice"


@dataclass(frozen=True)
class _Year:
    rows: dict[dt.date, str]  # date → Holiday.Kind
    noticed: bool  # the State Council's notice for the year has been entered


def _parse_time(text: Any) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{OFFICE_HOURS_KEY}: {text!r} is not a time") from exc


def _parse_windows(value: Any) -> tuple[Window, ...]:
    """Office-hour windows from their configured form, checked so that counting can terminate."""
    if not isinstance(value, list | tuple) or not value:
        raise ImproperlyConfigured(f"{OFFICE_HOURS_KEY} must be a non-empty list of [start, end]")
    windows: list[Window] = []
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ImproperlyConfigured(f"{OFFICE_HOURS_KEY}: {pair!r} is not [start, end]")
        start, end = _parse_time(pair[0]), _parse_time(pair[1])
        if start >= end:
            raise ImproperlyConfigured(f"{OFFICE_HOURS_KEY}: {pair!r} ends before it starts")
        windows.append((start, end))
    windows.sort()
    for (_start, end), (next_start, _end) in itertools.pairwise(windows):
        # Overlapping windows would count the shared minutes twice.
        if next_start < end:
            raise ImproperlyConfigured(f"{OFFICE_HOURS_KEY}: windows overlap")
    return tuple(windows)


class WorkCalendar:
    """Which days are working days and what their office hours are, read once and remembered.

    It caches the holiday table by year and the office-hours configuration, so it must be
    short-lived: one per request or batch (the module functions make a fresh one when given none).
    """

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()
        self._years: dict[int, _Year] = {}
        self._office_changes: list[dt.date] | None = None
        self._office_values: list[tuple[Window, ...]] = []
        self._office_default: tuple[Window, ...] | None = None

    def _year(self, year: int) -> _Year:
        known = self._years.get(year)
        if known is None:
            # One query for the whole year, deadlines walk day by day through the same year: the
            # holiday rows, and one more row when the year's notice has been entered.
            rows = Holiday.objects.filter(date__year=year).order_by().values_list("date", "kind")
            notice = (
                HolidayNotice.objects.filter(year=year)
                .order_by()
                .values_list(
                    models.Value(None, output_field=models.DateField()),
                    models.Value(_NOTICE_ENTERED, output_field=models.CharField()),
                )
            )
            found: dict[dt.date, str] = {}
            noticed = False
            for date, kind in rows.union(notice, all=True):
                if kind == _NOTICE_ENTERED:
                    noticed = True
                else:
                    found[date] = kind
            known = self._years[year] = _Year(found, noticed)
        return known

    def is_working_day(self, day: dt.date) -> bool:
        year = self._year(day.year)
        kind = year.rows.get(day)
        if kind is not None:
            return kind == Holiday.Kind.WORKDAY
        if year.noticed:
            # The notice lists every holiday and make-up day of its year; the rest is the week.
            return day.weekday() < 5
        if calendar_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def is_provisional(self, year: int) -> bool:
        """Whether `year` is counted on the statutory holidays alone: `chinese_calendar` lacks it
        and its State Council notice has not been entered."""
        if calendar_covers(year):
            return False
        return not self._year(year).noticed

    def office_windows(self, day: dt.date) -> tuple[Window, ...]:
        """The office-hour windows in force on `day`, as `config_value` would give them."""
        if self._office_changes is None:
            # All dated values of the key at once, instead of one config_value query per day.
            rows = ConfigValue.objects.filter(key=OFFICE_HOURS_KEY).order_by("effective_from")
            pairs = list(rows.values_list("effective_from", "value"))
            self._office_changes = [effective for effective, _value in pairs]
            self._office_values = [_parse_windows(value) for _effective, value in pairs]
        index = bisect.bisect_right(self._office_changes, day) - 1
        if index >= 0:
            return self._office_values[index]
        if self._office_default is None:
            self._office_default = _parse_windows(DEFAULTS[OFFICE_HOURS_KEY])
        return self._office_default

    def local(self, moment: dt.datetime) -> dt.datetime:
        if timezone.is_naive(moment):
            raise ValueError("the clock needs timezone-aware datetimes")
        return timezone.localtime(moment, self.tz)

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        for _step in range(_MAX_IDLE_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                return day
        raise ImproperlyConfigured(f"no working day within {_MAX_IDLE_DAYS} days after {day}")


def is_working_day(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether `day` is a working day.

    A row in the holiday table wins. In a year whose notice has been entered, the other days follow
    the week; otherwise `chinese_calendar` decides for the years it covers (so make-up Saturdays
    count and public holidays don't), and beyond them the statutory holidays are off and the rest
    follows the week (see the module's docstring).
    """
    return (calendar or WorkCalendar()).is_working_day(day)


def calendar_is_provisional(year: int, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether deadlines in `year` are counted on a provisional calendar: the statutory holidays
    alone, until an administrator enters the year's State Council notice."""
    return (calendar or WorkCalendar()).is_provisional(year)


def provisional_years(
    moments: Iterable[dt.datetime | None], *, calendar: WorkCalendar | None = None
) -> list[int]:
    """The years, in order, in which the given moments fall (Beijing time) and whose calendar is
    provisional; `None` moments are skipped. For the pages that show deadlines."""
    cal = calendar or WorkCalendar()
    years = {cal.local(moment).year for moment in moments if moment is not None}
    return sorted(year for year in years if cal.is_provisional(year))


def _check_amount(amount: Amount) -> None:
    finite = amount.is_finite() if isinstance(amount, Decimal) else math.isfinite(amount)
    if not finite:
        raise ValueError(f"the amount of time must be finite, not {amount}")
    if amount < 0:
        raise ValueError(f"the amount of time cannot be negative, not {amount}")


def _whole(amount: Amount) -> int:
    if isinstance(amount, float) and not amount.is_integer():
        raise ValueError(f"working days must be a whole number, not {amount}")
    if isinstance(amount, Decimal) and amount != amount.to_integral_value():
        raise ValueError(f"working days must be a whole number, not {amount}")
    return int(amount)


def _hours(amount: Amount) -> dt.timedelta:
    return dt.timedelta(hours=float(amount))


_WHOLE_DAY = ((dt.time(), dt.time()),)  # 00:00 to the next 00:00


def _add_within_windows(
    cal: WorkCalendar, start: dt.datetime, remaining: dt.timedelta, *, whole_days: bool
) -> dt.datetime:
    """`remaining` time from `start`, counted only inside the office-hour windows of working days,
    or (`whole_days`) inside working days from 00:00 to 24:00 (the measure of `_working_day_time`).
    """
    day = start.date()
    cursor = start
    idle_days = 0
    while True:
        if cal.is_working_day(day):
            for open_time, close_time in _WHOLE_DAY if whole_days else cal.office_windows(day):
                opens = cal.at(day, open_time)
                closes = cal.at(day + _ONE_DAY if whole_days else day, close_time)
                begin = max(cursor, opens)
                if begin >= closes:
                    continue
                available = closes - begin
                # `<=` so that time running out exactly at closing gives the closing time itself.
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                idle_days = 0
        idle_days += 1
        if idle_days > _MAX_IDLE_DAYS:
            raise ImproperlyConfigured(f"no working time within {_MAX_IDLE_DAYS} days of {start}")
        day += _ONE_DAY
        cursor = cal.at(day, dt.time())


def _add_working_days(cal: WorkCalendar, start: dt.datetime, days: int) -> dt.datetime:
    if cal.is_working_day(start.date()):
        day = start.date()
        for _count in range(days):
            day = cal.next_working_day(day)
        return cal.at(day, start.time())
    # The start day itself cannot count, so the first working day after it is day 1 and the
    # deadline is the end of day N: a request filed on Saturday with 5 days is due by Friday night.
    day = cal.next_working_day(start.date())
    for _count in range(days - 1):
        day = cal.next_working_day(day)
    return cal.at(day, dt.time(23, 59, 59))


def add_time(
    start: dt.datetime,
    amount: Amount,
    clock: Clock | str,
    *,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The deadline `amount` units of `clock` after `start`, as an aware local datetime.

    - URGENT_HOURS: `start` plus `amount` hours; the clock never stops.
    - OFFICE_HOURS: `amount` hours counted only inside the office-hour windows of working days.
      Counting outside a window begins at the next opening; the result is the moment the last
      hour is used up, so a deadline that ends exactly at closing time is that closing time.
    - WORKING_DAYS: `amount` must be whole. From a working day, the deadline is the same local
      time of day on the `amount`-th working day after the start's date (Friday 15:00 + 5 before
      an ordinary week = next Friday 15:00). From a non-working day (weekend, holiday), counting
      starts at 00:00 of the next working day, which is day 1, and the deadline is 23:59:59 at the
      end of day `amount` (Saturday + 5 in an ordinary week = Friday 23:59:59).

    An amount of zero gives `start` itself on every clock. A negative, infinite or NaN amount
    raises ValueError, as does a naive datetime.
    """
    clock = Clock(clock)
    _check_amount(amount)
    cal = calendar or WorkCalendar()
    local = cal.local(start)
    if amount == 0:
        return local
    if clock == Clock.URGENT_HOURS:
        # Through UTC because aware arithmetic in one zone is wall-clock arithmetic.
        return timezone.localtime(local.astimezone(dt.UTC) + _hours(amount), cal.tz)
    if clock == Clock.OFFICE_HOURS:
        return _add_within_windows(cal, local, _hours(amount), whole_days=False)
    return _add_working_days(cal, local, _whole(amount))


def _office_time(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if cal.is_working_day(day):
            for open_time, close_time in cal.office_windows(day):
                begin = max(start, cal.at(day, open_time))
                finish = min(end, cal.at(day, close_time))
                if finish > begin:
                    total += finish - begin
        day += _ONE_DAY
    return total


def _working_day_time(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    # Each working day is a 24-hour stretch of the clock, so a part-day counts as a fraction and
    # the result agrees with the same-time-of-day rule of add_time.
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if cal.is_working_day(day):
            begin = max(start, cal.at(day, dt.time()))
            finish = min(end, cal.at(day + _ONE_DAY, dt.time()))
            if finish > begin:
                total += finish - begin
        day += _ONE_DAY
    return total


def working_time_between(
    start: dt.datetime,
    end: dt.datetime,
    clock: Clock | str,
    *,
    calendar: WorkCalendar | None = None,
) -> float:
    """Time that `clock` counts from `start` to `end`: hours, or working days for WORKING_DAYS.

    Office hours count only the windows of working days. Working days count each working day as
    one whole unit from 00:00 to 24:00, so a part of one is a fraction. For every clock
    `working_time_between(s, add_time(s, n, c), c)` is `n`, except that a working-days deadline
    from a non-working day falls one second short (it is 23:59:59). If `end` is before `start`
    the result is negative.
    """
    clock = Clock(clock)
    cal = calendar or WorkCalendar()
    begin, finish = cal.local(start), cal.local(end)
    if finish < begin:
        return -working_time_between(end, start, clock, calendar=cal)
    if clock == Clock.URGENT_HOURS:
        return (end - start).total_seconds() / 3600
    if clock == Clock.OFFICE_HOURS:
        return _office_time(cal, begin, finish).total_seconds() / 3600
    return _working_day_time(cal, begin, finish).total_seconds() / 86400


def time_used_fraction(
    start: dt.datetime,
    deadline: dt.datetime,
    now: dt.datetime,
    clock: Clock | str,
    *,
    calendar: WorkCalendar | None = None,
) -> float:
    """The share of the time allowed from `start` to `deadline` that has been used by `now`.

    1.0 means the deadline has been reached. When the allowance counts as no time at all on this
    clock, the share is 0.0 before the deadline and 1.0 from it on.
    """
    cal = calendar or WorkCalendar()
    allowed = working_time_between(start, deadline, clock, calendar=cal)
    if allowed <= 0:
        return 0.0 if now < deadline else 1.0
    return working_time_between(start, now, clock, calendar=cal) / allowed


def traffic_light(
    start: dt.datetime,
    deadline: dt.datetime,
    now: dt.datetime,
    clock: Clock | str,
    *,
    calendar: WorkCalendar | None = None,
) -> str:
    """The light for a case: green below 80 % of its time used, yellow from 80 % to 100 %, red once
    overdue; returns "green", "yellow" or "red".

    Overdue means `now` is after the deadline, including the non-working time right after it: an
    office-hours case due Friday 17:30 is red on Saturday although its clock stopped at 100 %.
    """
    if now > deadline:
        return "red"
    used = time_used_fraction(start, deadline, now, clock, calendar=calendar)
    if used >= YELLOW_FROM:
        return "yellow"
    return "green"


def warning_time(
    start: dt.datetime,
    deadline: dt.datetime,
    clock: Clock | str,
    *,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The moment a case turns yellow: when 80 % of the time from `start` to `deadline` has been
    used on `clock` (so a deadline across a holiday is not nearly due in the middle of it).

    Stored with each step, it makes the light a comparison of `now` with two columns, which the
    database can filter on, and tells the reminder sweep when to warn.
    """
    clock = Clock(clock)
    cal = calendar or WorkCalendar()
    allowed = working_time_between(start, deadline, clock, calendar=cal)
    if allowed <= 0:
        return cal.local(deadline)
    local = cal.local(start)
    if clock == Clock.URGENT_HOURS:
        used = dt.timedelta(hours=allowed * YELLOW_FROM)
        warn = timezone.localtime(local.astimezone(dt.UTC) + used, cal.tz)
    elif clock == Clock.OFFICE_HOURS:
        warn = _add_within_windows(
            cal, local, dt.timedelta(hours=allowed * YELLOW_FROM), whole_days=False
        )
    else:
        warn = _add_within_windows(
            cal, local, dt.timedelta(days=allowed * YELLOW_FROM), whole_days=True
        )
    # To the whole second, and never before the share is reached (floating point may land a
    # microsecond short): the light computed from the clock is yellow from this moment on.
    warn = (warn + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    if time_used_fraction(start, deadline, warn, clock, calendar=cal) < YELLOW_FROM:
        warn += dt.timedelta(seconds=1)
    return min(warn, cal.local(deadline))


def light_at(now: dt.datetime, warn_at: dt.datetime | None, deadline: dt.datetime | None) -> str:
    """The light from a step's stored moments: red after the deadline, yellow from the warning
    time, green before it; "" when the step has no deadline."""
    if deadline is None:
        return ""
    if now > deadline:
        return "red"
    if warn_at is not None and now >= warn_at:
        return "yellow"
    return "green"
