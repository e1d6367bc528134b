"""The State Council's holiday notice of a year, entered by an administrator from its dates.

Until a year's notice is entered (and when `chinese_calendar` lacks the year), the clock counts
that year on the statutory holidays alone and the pages call it provisional (`core.clock`). Entering
the notice replaces the year's `Holiday` rows with the notice's holidays and make-up working days.

Deadlines already given are never recomputed: the records that hold them belong to floors above
core, which register a counter here (`counts_open_deadlines`) so that the notice's message and its
audit entry can say how many open records keep the deadlines they were given.

The pasted text is read line by line, two lists: the holidays (放假) and the make-up working days
(调休上班). A line holds dates and ranges, separated by commas, 、 or spaces:

    2027-02-05            2027/2/5            2027年2月5日            2月5日
    2027-02-05至2027-02-11    2027-02-05~02-11    2月5日至11日    2月5日到2月11日

A line may begin with its holiday's name and a colon ("春节：…"), and may keep the notice's own
words: 放假, 休息, 调休, 上班, 补班, 共9天, 星期六 / 周六 and remarks in brackets ("（农历正月初一）").
Dates without a year are in the notice's year; any other year, a day in both lists, an empty
holiday list and anything else on a line are refused with the list and the line named.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .clock import statutory_holidays
from .errors import ActionError, Conflict, NotAllowed
from .models import Channel, Holiday, HolidayNotice
from .permissions import is_administrator

if TYPE_CHECKING:
    # For the annotations only: core sits below people and imports none of its modules at run time.
    from django.contrib.auth.models import AnonymousUser

    from gongzhi.people.models import User

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "LONGEST_RANGE_DAYS",
    "NoticeEntered",
    "counts_open_deadlines",
    "enter_holiday_notice",
    "open_deadlines_in",
    "read_days",
]

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
# No holiday stretch of a notice is longer than this (the Spring Festival's runs to nine days): a
# longer range is a typing slip that would close the offices for weeks.
LONGEST_RANGE_DAYS = 31

HOLIDAYS = "holidays"
WORKDAYS = "workdays"
_LIST_NAMES: dict[str, Promise] = {
    HOLIDAYS: gettext_lazy("Holidays"),
    WORKDAYS: gettext_lazy("Make-up working days"),
}

# The words a notice says the days are off or worked with.
_OFF_WORDS = ("放假", "休息", "休假")
_WORKED_WORDS = ("上班", "补班")

_TOKEN = re.compile(
    r"""
    (?P<date>(?:(?P<y>\d{4})\s*[年/.-]\s*)?(?P<m>\d{1,2})\s*[月/.-]\s*(?P<d>\d{1,2})\s*日?)
    | (?P<day>(?P<dd>\d{1,2})\s*日)
    | (?P<to>至|到|~|-|—|–)
    | (?P<sep>[\s,、;。]+)
    | (?P<word>放假调休|调休上班|不调休|与周末连休|放假|休息|休假|调休|上班|补班|共?\d+天
        |星期[一二三四五六日天]|周[一二三四五六日天]|和|及|与)
    """,
    re.VERBOSE,
)
# "一、春节：", "春节:" — a holiday's name before a colon (no digits in it).
_LABEL = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、\s*)?(?P<label>[^\d:]{1,30}?)\s*:\s*")
_REMARK = re.compile(r"\([^()]*\)")

# Counters of the open records (on floors above core) that hold a deadline in a year.
DeadlineCounter = Callable[[int], int]
_counters: list[DeadlineCounter] = []


def counts_open_deadlines(counter: DeadlineCounter) -> DeadlineCounter:
    """Register `counter(year)`: how many open records hold a deadline in `year`. The app that owns
    the records registers it (core imports nothing above itself). Usable as a decorator."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def open_deadlines_in(year: int) -> int:
    """How many open records hold a deadline in `year`, by the registered counters."""
    return sum(counter(year) for counter in _counters)


@dataclass(frozen=True)
class _Day:
    name: str
    line: int


@dataclass(frozen=True)
class NoticeEntered:
    notice: HolidayNotice
    holidays: int  # days off the notice gives
    workdays: int  # make-up working days
    replaced: bool  # the year's notice had been entered before
    open_deadlines: int  # open records whose deadlines in the year stay as they were given


class _LineError(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _refuse(which: str, number: int, line: str, problem: str) -> ActionError:
    shown = line.strip()
    if len(shown) > 60:
        shown = shown[:59] + "…"
    message = _("%(list)s, line %(line)s (“%(text)s”): %(problem)s") % {
        "list": _LIST_NAMES[which],
        "line": number,
        "text": shown,
        "problem": problem,
    }
    return ActionError(message, field=which)


def _date(year: int, wanted: int, month: int, day: int, text: str) -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise _LineError(_("there is no such date as “%(date)s”.") % {"date": text}) from None
    if year != wanted:
        raise _LineError(
            _("%(date)s is not in %(year)s; the days of another year belong to that year's notice.")
            % {"date": date.isoformat(), "year": wanted}
        )
    return date


def _read_line(text: str, year: int) -> tuple[str, list[dt.date]]:
    """The name and the dates of one line (normalised: full-width forms made plain)."""
    label = ""
    found = _LABEL.match(text)
    if found:
        label = found.group("label").strip()
        text = text[found.end() :]
    text = _REMARK.sub(" ", text)
    tokens: list[tuple[str, re.Match[str]]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            part = text[position : position + 12].strip()
            raise _LineError(
                _(
                    "cannot read “%(part)s”. Write dates as 2027-02-05 or 2月5日, and ranges as "
                    "2027-02-05至2027-02-11."
                )
                % {"part": part}
            )
        kind = match.lastgroup or ""
        if kind in ("date", "day", "to"):
            tokens.append((kind, match))
        position = match.end()
    if not tokens:
        raise _LineError(_("there is no date on this line."))

    days: list[dt.date] = []
    index = 0
    while index < len(tokens):
        kind, match = tokens[index]
        if kind != "date":
            raise _LineError(
                _("cannot read “%(part)s”: a date needs its month, as in 2月5日.")
                % {"part": match.group(0).strip()}
            )
        start_year = int(match.group("y")) if match.group("y") else year
        start = _date(
            start_year, year, int(match.group("m")), int(match.group("d")), match.group(0).strip()
        )
        if index + 1 < len(tokens) and tokens[index + 1][0] == "to":
            if index + 2 >= len(tokens) or tokens[index + 2][0] == "to":
                raise _LineError(_("a range needs its last day, as in 2月5日至11日."))
            end_kind, end_match = tokens[index + 2]
            end_text = end_match.group(0).strip()
            if end_kind == "day":
                end = _date(start.year, year, start.month, int(end_match.group("dd")), end_text)
            else:
                end_year = int(end_match.group("y")) if end_match.group("y") else start.year
                end = _date(
                    end_year, year, int(end_match.group("m")), int(end_match.group("d")), end_text
                )
            if end < start:
                raise _LineError(
                    _("the range %(start)s to %(end)s ends before it starts.")
                    % {"start": start.isoformat(), "end": end.isoformat()}
                )
            length = (end - start).days + 1
            if length > LONGEST_RANGE_DAYS:
                raise _LineError(
                    _("a range of %(days)s days is longer than any holiday (at most %(most)s).")
                    % {"days": length, "most": LONGEST_RANGE_DAYS}
                )
            days.extend(start + dt.timedelta(days=n) for n in range(length))
            index += 3
        else:
            days.append(start)
            index += 1
    return label, days


def read_days(text: str, year: int, which: str) -> dict[dt.date, _Day]:
    """The days of one list (`HOLIDAYS` or `WORKDAYS`) as pasted, each with its name and line.

    Raises ActionError naming the list and the line that cannot be read (see the module's
    docstring for what a line may hold)."""
    days: dict[dt.date, _Day] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        wrong = _WORKED_WORDS if which == HOLIDAYS else _OFF_WORDS
        if any(word in line for word in wrong):
            if which == HOLIDAYS:
                problem = _(
                    "the line says the days are worked (上班/补班); put it under the make-up "
                    "working days."
                )
            else:
                problem = _(
                    "the line says the days are off (放假/休息); put it under the holidays."
                )
            raise _refuse(which, number, raw, problem)
        try:
            label, dates = _read_line(line, year)
        except _LineError as exc:
            raise _refuse(which, number, raw, exc.problem) from None
        name = label
        if not name and which == HOLIDAYS:
            # A line of the notice is one holiday: name it after the statutory days it holds.
            statutory = statutory_holidays(year)
            names = Counter(statutory[d] for d in dates if d in statutory)
            name = names.most_common(1)[0][0] if names else ""
        for date in dates:
            days.setdefault(date, _Day(name[:64], number))
    return days


def enter_holiday_notice(
    actor: User | AnonymousUser | None,
    year: int,
    holiday_text: str,
    workday_text: str = "",
    *,
    channel: str = Channel.WEB,
) -> NoticeEntered:
    """Enter (or enter again) the State Council's holiday notice for `year`: administrators only.

    The year's `Holiday` rows become the notice's holidays and make-up working days, and the year
    is no longer provisional. Deadlines already given are left as they are: the result says how
    many open records hold one in the year.
    """
    if not is_administrator(actor):
        raise NotAllowed(_("Only administrators may enter the State Council's holiday notice."))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ActionError(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            field="year",
        )
    off = read_days(holiday_text, year, HOLIDAYS)
    worked = read_days(workday_text, year, WORKDAYS)
    if not off:
        raise ActionError(
            _("Enter the holidays of the notice: every notice gives some."), field=HOLIDAYS
        )
    both = sorted(set(off) & set(worked))
    if both:
        date = both[0]
        raise ActionError(
            _(
                "%(date)s is both a holiday (line %(holiday_line)s) and a make-up working day "
                "(line %(workday_line)s)."
            )
            % {
                "date": date.isoformat(),
                "holiday_line": off[date].line,
                "workday_line": worked[date].line,
            },
            field=WORKDAYS,
        )
    try:
        with transaction.atomic():
            previous = HolidayNotice.objects.select_for_update().filter(year=year).first()
            rows = Holiday.objects.filter(date__year=year)
            removed = sorted(f"{d.isoformat()} {k}" for d, k in rows.values_list("date", "kind"))
            rows.delete()
            Holiday.objects.bulk_create(
                [Holiday(date=d, kind=Holiday.Kind.HOLIDAY, name=off[d].name) for d in sorted(off)]
                + [
                    Holiday(date=d, kind=Holiday.Kind.WORKDAY, name=worked[d].name)
                    for d in sorted(worked)
                ]
            )
            notice = previous or HolidayNotice(year=year)
            notice.holiday_text = holiday_text.strip()
            notice.workday_text = workday_text.strip()
            notice.entered_by_id = (
                actor.pk if actor is not None and actor.is_authenticated else None
            )
            notice.entered_at = timezone.now()
            notice.save()
            kept = open_deadlines_in(year)
            audit.record(
                actor,
                "core.enter_holiday_notice",
                notice,
                channel=channel,
                summary=f"{year}: {len(off)} holidays, {len(worked)} make-up working days",
                data={
                    "year": year,
                    "holidays": [d.isoformat() for d in sorted(off)],
                    "workdays": [d.isoformat() for d in sorted(worked)],
                    "replaced_rows": removed,
                    "entered_before": previous is not None,
                    "open_deadlines_kept": kept,
                },
            )
    except IntegrityError:
        # Two administrators entering the same year at once: the other one's notice stands.
        raise Conflict(
            _("Someone else entered the notice for %(year)s at the same moment; reload and check.")
            % {"year": year}
        ) from None
    return NoticeEntered(notice, len(off), len(worked), previous is not None, kept)
