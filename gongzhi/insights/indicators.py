"""Indicators: what street and district leaders are judged by, computed from the counter rows.

A question is a scope (a place = a grid-code prefix, a handling unit = a unit key, a grid worker =
the grids they hold), a period (day, week, month, quarter, year or custom) and an optional category
(a minor class, or a major class = its minor classes). The answer is the totals of every counter,
read with ONE aggregate query over CaseCounter, and the indicators derived from them. Indicators
are data: each names its numerator and denominator quantities, and the formula shown beside the
figure is built from the same data, so the page cannot say one thing and compute another.

Every counted figure is a flow in the period: what happened in it. A ratio of flows can pass 100 %
when work that came in before the period is finished in it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongzhi.cases.models import OPEN_STATUSES, Case, Category
from gongzhi.core.config import config_value

from .models import (
    CLOSE_BUCKETS,
    METRICS,
    CaseCounter,
    CaseCounterMonth,
    GridDayCounter,
    GridMonthCounter,
)

Totals = dict[str, int]
DASH = "—"

# ---------------------------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------------------------

ScopeKind = Literal["place", "unit", "worker"]
# Digits of a place code at each level; a grid code is longer than a community's 12.
PLACE_LEVELS = {6: "district", 9: "street", 12: "community"}
CHILD_DIGITS = {6: 9, 9: 12, 12: 0}  # 0: the children of a community are its grids
TIERS = ("grid", "community", "street", "command_centre")


def prefix_q(field_name: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range so that a plain btree index serves it under any
    collation (LIKE 'x%' only uses one under the C collation)."""
    if not prefix:
        return Q()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": upper})


def place_level(code: str) -> str:
    return PLACE_LEVELS.get(len(code), "grid" if len(code) > 12 else "place")


@dataclass(frozen=True)
class Scope:
    """What the figures are about. `key` is a code prefix (place), a unit key ("org:<id>" for a
    department, "<tier>:<scope code>" for a tier's handling unit) or a user id (grid worker)."""

    kind: ScopeKind
    key: str
    label: str = ""
    grid_codes: tuple[str, ...] = ()  # a grid worker's grids

    @classmethod
    def place(cls, code: str, label: str = "") -> Scope:
        return cls("place", code, label or code)

    @classmethod
    def unit(cls, key: str, label: str = "") -> Scope:
        return cls("unit", key, label or key)

    @classmethod
    def worker(cls, user_id: int, grid_codes: Iterable[str], label: str = "") -> Scope:
        return cls("worker", str(user_id), label or str(user_id), tuple(sorted(grid_codes)))

    @property
    def param(self) -> str:
        """The scope as the pages' `scope` parameter."""
        return f"worker:{self.key}" if self.kind == "worker" else self.key

    @property
    def level(self) -> str:
        if self.kind == "place":
            return place_level(self.key)
        if self.kind == "worker":
            return "grid_worker"
        return "department" if self.key.startswith("org:") else "unit"

    @property
    def child_digits(self) -> int | None:
        """How many digits of the grid code name a child place (0: whole grid codes); None: no
        children (a grid, a unit, a worker)."""
        if self.kind != "place":
            return None
        return CHILD_DIGITS.get(len(self.key))

    def counter_q(self) -> Q:
        """The counter rows of the scope."""
        if self.kind == "place":
            return prefix_q("grid_code", self.key)
        if self.kind == "worker":
            return Q(grid_code__in=self.grid_codes) if self.grid_codes else Q(pk__in=[])
        return Q(unit=self.key)

    def step_q(self) -> Q:
        """The timeline rows counted in the scope (the same cut as counter_q)."""
        if self.kind == "place":
            return prefix_q("case__grid_code", self.key)
        if self.kind == "worker":
            return Q(case__grid_code__in=self.grid_codes) if self.grid_codes else Q(pk__in=[])
        return Q(unit=self.key)

    def case_q(self) -> Q:
        """Cases in the scope now: in the place, or held by the unit now."""
        if self.kind == "place":
            return prefix_q("grid_code", self.key)
        if self.kind == "worker":
            return Q(grid_code__in=self.grid_codes) if self.grid_codes else Q(pk__in=[])
        head, _sep, rest = self.key.partition(":")
        if head == "org":
            return Q(assigned_unit_id=int(rest)) if rest.isdigit() else Q(pk__in=[])
        return Q(tier=head, assigned_scope=rest, assigned_unit__isnull=True)


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------

PERIOD_KINDS: tuple[tuple[str, Promise], ...] = (
    ("day", pgettext_lazy("period", "Day")),
    ("week", pgettext_lazy("period", "Week")),
    ("month", pgettext_lazy("period", "Month")),
    ("quarter", pgettext_lazy("period", "Quarter")),
    ("year", pgettext_lazy("period", "Year")),
    ("custom", pgettext_lazy("period", "Custom")),
)
MAX_CUSTOM_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(
        cls,
        kind: str,
        anchor: dt.date,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Period:
        """The period of `kind` that holds `anchor` (custom: from `start` to `end`)."""
        if kind == "day":
            return cls(kind, anchor, anchor)
        if kind == "week":
            monday = anchor - dt.timedelta(days=anchor.weekday())
            return cls(kind, monday, monday + dt.timedelta(days=6))
        if kind == "month":
            last = calendar.monthrange(anchor.year, anchor.month)[1]
            return cls(kind, anchor.replace(day=1), anchor.replace(day=last))
        if kind == "quarter":
            first = 3 * ((anchor.month - 1) // 3) + 1
            last_month = first + 2
            last = calendar.monthrange(anchor.year, last_month)[1]
            return cls(kind, dt.date(anchor.year, first, 1), dt.date(anchor.year, last_month, last))
        if kind == "year":
            return cls(kind, dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31))
        if kind == "custom":
            if start is None or end is None:
                raise ValueError("a custom period needs a start and an end")
            if end < start:
                start, end = end, start
            if (end - start).days >= MAX_CUSTOM_DAYS:
                raise ValueError("a custom period is at most three years")
            return cls(kind, start, end)
        raise ValueError(f"unknown period {kind!r}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, steps: int) -> Period:
        """The period `steps` periods later (earlier when negative); custom periods move by their
        length."""
        if self.kind == "custom":
            delta = dt.timedelta(days=self.days * steps)
            return Period(self.kind, self.start + delta, self.end + delta)
        if self.kind in ("day", "week"):
            days = 1 if self.kind == "day" else 7
            return Period.of(self.kind, self.start + dt.timedelta(days=days * steps))
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * steps
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period.of(self.kind, dt.date(index // 12, index % 12 + 1, 1))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes [from, to) in the current time zone."""
        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return lo, hi

    @property
    def label(self) -> str:
        if self.kind == "day":
            return formats.date_format(self.start, "DATE_FORMAT")
        if self.kind == "month":
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("Year %(year)d") % {"year": self.start.year}
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def params(self) -> dict[str, str]:
        """The period as the pages' query parameters."""
        if self.kind == "custom":
            return {
                "period": "custom",
                "start": f"{self.start:%Y-%m-%d}",
                "end": f"{self.end:%Y-%m-%d}",
            }
        return {"period": self.kind, "date": f"{self.start:%Y-%m-%d}"}


# ---------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------


def category_ids(category: Category | None) -> list[int] | None:
    """The minor classes a category filter stands for (None: no filter)."""
    if category is None:
        return None
    if category.parent_id is None:
        return list(category.children.values_list("pk", flat=True))
    return [category.pk]


# ---------------------------------------------------------------------------------------------
# Totals: one aggregate query
# ---------------------------------------------------------------------------------------------


By = Literal["day", "category", "unit", "grid", "child"]
KEYS: dict[str, str] = {
    "day": "day",
    "category": "category_id",
    "unit": "unit",
    "grid": "grid_code",
}


def whole_months(period: Period) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """The first days of the months lying wholly inside the period, and the day ranges left over
    at its edges."""
    first = (
        period.start if period.start.day == 1 else Period.of("month", period.start).shifted(1).start
    )
    months: list[dt.date] = []
    month = Period.of("month", first)
    while month.end <= period.end:
        months.append(month.start)
        month = month.shifted(1)
    if not months:
        return [], [(period.start, period.end)]
    edges = []
    if period.start < months[0]:
        edges.append((period.start, months[0] - dt.timedelta(days=1)))
    last = Period.of("month", months[-1]).end
    if last < period.end:
        edges.append((last + dt.timedelta(days=1), period.end))
    return months, edges


def needs_cells(scope: Scope, category: Category | None, by: str | None = None) -> bool:
    """Does the question need the category × unit cells (or do the grids' days answer it)?"""
    return scope.kind == "unit" or category is not None or by in ("category", "unit")


def counter_parts(
    scope: Scope, period: Period, category: Category | None = None, by: str | None = None
) -> list[QuerySet[Any]]:
    """The counter rows that answer the question, from the cheapest tables. When neither
    categories nor units matter: the grids' months for the whole months of the period and the
    grids' days for the days at its edges; otherwise the months' cells and the days' cells the
    same way. A breakdown by day reads days only."""
    where = scope.counter_q()
    months, edges = whole_months(period) if by != "day" else ([], [(period.start, period.end)])
    if not needs_cells(scope, category, by):
        grids: list[QuerySet[Any]] = []
        if months:
            grids.append(
                GridMonthCounter.objects.filter(where, month__gte=months[0], month__lte=months[-1])
            )
        for lo, hi in edges:
            grids.append(GridDayCounter.objects.filter(where, day__gte=lo, day__lte=hi))
        return grids
    ids = category_ids(category)

    def cells(qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(where)
        return qs if ids is None else qs.filter(category_id__in=ids)

    parts = []
    if months:
        parts.append(
            cells(CaseCounterMonth.objects.filter(month__gte=months[0], month__lte=months[-1]))
        )
    for lo, hi in edges:
        parts.append(cells(CaseCounter.objects.filter(day__gte=lo, day__lte=hi)))
    return parts


def counter_rows(
    scope: Scope, period: Period, category: Category | None = None
) -> QuerySet[CaseCounter]:
    """The day cells of the question (the finest rows; for lists and checks, not for figures)."""
    qs = CaseCounter.objects.filter(scope.counter_q(), day__gte=period.start, day__lte=period.end)
    ids = category_ids(category)
    if ids is not None:
        qs = qs.filter(category_id__in=ids)
    return qs


def summed(parts: Sequence[QuerySet[Any]], key: Any = None) -> list[tuple[Any, Totals]]:
    """Every counter summed over the rows of all `parts` (per `key` when given): ONE statement,
    SELECT [k,] SUM(…) FROM (part UNION ALL part …) GROUP BY k."""
    subs: list[str] = []
    params: list[Any] = []
    for qs in parts:
        inner = (
            qs.annotate(k=key).values_list("k", *METRICS)
            if key is not None
            else qs.values_list(*METRICS)
        )
        sql, p = inner.order_by().query.sql_with_params()
        subs.append(sql)
        params.extend(p)
    sums = ", ".join(f"SUM({connection.ops.quote_name(m)})" for m in METRICS)
    head = "k, " if key is not None else ""
    tail = " GROUP BY k" if key is not None else ""
    sql = f"SELECT {head}{sums} FROM ({' UNION ALL '.join(subs)}) AS counted{tail}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        k, values = (row[0], row[1:]) if key is not None else (None, row)
        out.append((k, {m: int(v or 0) for m, v in zip(METRICS, values, strict=True)}))
    return out


def totals(scope: Scope, period: Period, category: Category | None = None) -> Totals:
    """Every counter summed over the scope, period and category: one query."""
    rows = summed(counter_parts(scope, period, category))
    return rows[0][1] if rows else dict.fromkeys(METRICS, 0)


def breakdown(
    scope: Scope,
    period: Period,
    by: By,
    category: Category | None = None,
) -> dict[Any, Totals]:
    """The totals per day, category, unit, grid or child place (one GROUP BY query)."""
    if by == "child":
        digits = scope.child_digits
        if digits is None:
            return {}
        key: Any = Substr("grid_code", 1, digits) if digits else F("grid_code")
    else:
        key = F(KEYS[by])
    rows = summed(counter_parts(scope, period, category, by), key)
    out: dict[Any, Totals] = {}
    for k, t in sorted(rows, key=lambda r: str(r[0])):
        if by == "day" and isinstance(k, str):  # SQLite returns dates as text here
            k = dt.date.fromisoformat(k)
        out[k] = t
    return out


def add(rows: Iterable[Mapping[str, int]]) -> Totals:
    out = dict.fromkeys(METRICS, 0)
    for row in rows:
        for m in METRICS:
            out[m] += row.get(m, 0)
    return out


def overdue_cases(scope: Scope, category: Category | None = None) -> QuerySet[Case]:
    """Open cases in the scope whose current step is past its deadline, now."""
    qs = Case.objects.filter(
        scope.case_q(), status__in=OPEN_STATUSES, step_due_at__lt=timezone.now()
    )
    ids = category_ids(category)
    if ids is not None:
        qs = qs.filter(category_id__in=ids)
    return qs


# ---------------------------------------------------------------------------------------------
# Quantities and indicators: data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A named sum of counters, e.g. 应处置数 = 派遣数 − 退回数."""

    code: str
    name: Promise
    terms: tuple[tuple[Decimal, str], ...]  # (coefficient, metric)
    definition: Promise | str = ""

    def value(self, t: Mapping[str, int]) -> Decimal:
        return sum((c * t.get(m, 0) for c, m in self.terms), Decimal(0))

    @property
    def is_simple(self) -> bool:
        return len(self.terms) == 1 and self.terms[0][0] == 1

    def formula(self) -> str:
        """ "派遣数 − 退回数": the terms by the names of their own quantities."""
        parts: list[str] = []
        for i, (coef, metric) in enumerate(self.terms):
            name = str(QUANTITIES[metric].name)
            size = abs(coef)
            text = name if size == 1 else f"{plain(size)} × {name}"
            if i == 0:
                parts.append(text if coef > 0 else f"−{text}")
            else:
                parts.append(f"{'−' if coef < 0 else '+'} {text}")
        return " ".join(parts)


def _q(
    code: str, name: Promise, *terms: tuple[int | str, str], definition: Promise | str = ""
) -> Quantity:
    return Quantity(code, name, tuple((Decimal(str(c)), m) for c, m in terms), definition)


def _simple(metric: str, name: Promise, definition: Promise | str = "") -> Quantity:
    return _q(metric, name, (1, metric), definition=definition)


QUANTITIES: dict[str, Quantity] = {
    q.code: q
    for q in (
        _simple(
            "reported",
            pgettext_lazy("indicator", "Reports"),
            gettext_lazy("cases reported in the period"),
        ),
        _simple(
            "valid",
            pgettext_lazy("indicator", "Valid reports"),
            gettext_lazy("reports confirmed as real and in scope (核实)"),
        ),
        _simple(
            "declined",
            pgettext_lazy("indicator", "Declined"),
            gettext_lazy("reports not registered, with the reason"),
        ),
        _simple(
            "registered",
            pgettext_lazy("indicator", "Registered"),
            gettext_lazy("cases registered (立案) in the period"),
        ),
        _simple(
            "dispatched",
            pgettext_lazy("indicator", "Dispatched"),
            gettext_lazy("dispatches to a tier or a department"),
        ),
        _simple(
            "responded",
            pgettext_lazy("indicator", "Responses"),
            gettext_lazy("handlers taking a case on (or responding first)"),
        ),
        _simple(
            "handled",
            pgettext_lazy("indicator", "Handled"),
            gettext_lazy("handling results reported back that stand (rework takes one back)"),
        ),
        _simple(
            "handled_on_time",
            pgettext_lazy("indicator", "Handled on time"),
            gettext_lazy("handled within the handling deadline"),
        ),
        _simple(
            "closed",
            pgettext_lazy("indicator", "Closed"),
            gettext_lazy("closures that stand (an unsatisfied rating takes one back)"),
        ),
        _simple(
            "closed_on_time",
            pgettext_lazy("indicator", "Closed on time"),
            gettext_lazy("closed within the closing deadline"),
        ),
        _simple(
            "returned",
            pgettext_lazy("indicator", "Returned"),
            gettext_lazy("cases sent back by their handler"),
        ),
        _simple(
            "escalated",
            pgettext_lazy("indicator", "Escalated"),
            gettext_lazy("cases reported up to the next tier"),
        ),
        _simple(
            "extended", pgettext_lazy("indicator", "Extended"), gettext_lazy("extensions approved")
        ),
        _simple(
            "reworked",
            pgettext_lazy("indicator", "Reworked"),
            gettext_lazy("failed verifications and unsatisfied ratings"),
        ),
        _simple(
            "shelved",
            pgettext_lazy("indicator", "Shelved"),
            gettext_lazy("cases recorded as not solvable now"),
        ),
        _simple(
            "voided",
            pgettext_lazy("indicator", "Voided"),
            gettext_lazy("duplicates and other voided reports"),
        ),
        _simple("rated_satisfied", pgettext_lazy("indicator", "Satisfied")),
        _simple("rated_basically_satisfied", pgettext_lazy("indicator", "Basically satisfied")),
        _simple("rated_unsatisfied", pgettext_lazy("indicator", "Unsatisfied")),
        _simple(
            "summoned",
            pgettext_lazy("indicator", "Departments summoned"),
            gettext_lazy("each department called by a summons"),
        ),
        _simple(
            "summons_on_time",
            pgettext_lazy("indicator", "Checked in on time"),
            gettext_lazy("summoned departments checking in by the deadline"),
        ),
        _simple(
            "close_seconds",
            pgettext_lazy("indicator", "Total time to close"),
            gettext_lazy("sum over closures of close time − report time"),
        ),
        _q(
            "due_to_handle",
            pgettext_lazy("indicator", "Due to handle"),
            (1, "dispatched"),
            (-1, "returned"),
            definition=gettext_lazy("dispatches in the period, less those returned by the handler"),
        ),
        _q(
            "due_to_close",
            pgettext_lazy("indicator", "Due to close"),
            (1, "registered"),
            definition=gettext_lazy("cases registered in the period"),
        ),
        _q(
            "finished",
            pgettext_lazy("indicator", "Finished"),
            (1, "closed"),
            (1, "declined"),
            definition=gettext_lazy("closed, or answered with a reason not to register"),
        ),
        _q(
            "due_to_finish",
            pgettext_lazy("indicator", "Due to finish"),
            (1, "reported"),
            (-1, "voided"),
            definition=gettext_lazy("reports in the period, less voided duplicates"),
        ),
        _q(
            "satisfaction_points",
            pgettext_lazy("indicator", "Satisfaction points"),
            (1, "rated_satisfied"),
            ("0.9", "rated_basically_satisfied"),
            definition=gettext_lazy("satisfied + 0.9 × basically satisfied"),
        ),
    )
}

Kind = Literal["count", "rate", "score", "duration", "live"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    kind: Kind
    numerator: str = ""  # a quantity code
    denominator: str = ""  # a quantity code (rates)
    higher_is_better: bool = True
    note: Promise | str = ""
    drill: str = ""  # the metric whose cases are "behind" the figure


Ind = Indicator
INDICATORS: tuple[Indicator, ...] = (
    Ind(
        "reported_count",
        pgettext_lazy("indicator", "Reports"),
        "count",
        "reported",
        drill="reported",
    ),
    Ind(
        "valid_report_rate",
        pgettext_lazy("indicator", "Valid report rate"),
        "rate",
        "valid",
        "reported",
        drill="valid",
    ),
    Ind(
        "registered_count",
        pgettext_lazy("indicator", "Registered"),
        "count",
        "registered",
        drill="registered",
    ),
    Ind(
        "handling_rate",
        pgettext_lazy("indicator", "Handling rate"),
        "rate",
        "handled",
        "due_to_handle",
        drill="handled",
    ),
    Ind(
        "on_time_handling_rate",
        pgettext_lazy("indicator", "On-time handling rate"),
        "rate",
        "handled_on_time",
        "due_to_handle",
        drill="handled_on_time",
    ),
    Ind(
        "case_closure_rate",
        pgettext_lazy("indicator", "Case closure rate"),
        "rate",
        "closed",
        "due_to_close",
        drill="closed",
    ),
    Ind(
        "on_time_closure_rate",
        pgettext_lazy("indicator", "On-time closure rate"),
        "rate",
        "closed_on_time",
        "due_to_close",
        drill="closed_on_time",
    ),
    Ind(
        "rework_rate",
        pgettext_lazy("indicator", "Rework rate"),
        "rate",
        "reworked",
        "due_to_close",
        higher_is_better=False,
        drill="reworked",
    ),
    Ind(
        "extension_rate",
        pgettext_lazy("indicator", "Extension rate"),
        "rate",
        "extended",
        "due_to_handle",
        higher_is_better=False,
        drill="extended",
    ),
    Ind(
        "closure_rate",
        pgettext_lazy("indicator", "Closure rate"),
        "rate",
        "finished",
        "due_to_finish",
        note=gettext_lazy(
            "结办率 has no national definition; here it is finished / due to finish."
        ),
        drill="finished",
    ),
    Ind(
        "response_rate",
        pgettext_lazy("indicator", "Response rate"),
        "rate",
        "responded",
        "valid",
        drill="responded",
    ),
    Ind(
        "resolution_rate",
        pgettext_lazy("indicator", "Resolution rate"),
        "rate",
        "closed",
        "valid",
        drill="closed",
    ),
    Ind(
        "satisfaction_rate",
        pgettext_lazy("indicator", "Satisfaction rate"),
        "rate",
        "satisfaction_points",
        "valid",
        drill="rated",
    ),
    Ind(
        "three_rates",
        pgettext_lazy("indicator", "Three-rate composite"),
        "score",
        note=gettext_lazy("weights are configuration values (insights.three_rates_weights)"),
    ),
    Ind(
        "average_close_time",
        pgettext_lazy("indicator", "Average time to close"),
        "duration",
        "close_seconds",
        "closed",
        higher_is_better=False,
        drill="closed",
    ),
    Ind(
        "median_close_time",
        pgettext_lazy("indicator", "Median time to close"),
        "duration",
        higher_is_better=False,
        note=gettext_lazy(
            "estimated from the duration buckets: the middle closure, placed evenly within its bucket"
        ),
        drill="closed",
    ),
    Ind(
        "overdue_now",
        pgettext_lazy("indicator", "Overdue now"),
        "live",
        higher_is_better=False,
        note=gettext_lazy("counted now, whatever the period"),
        drill="overdue",
    ),
    Ind(
        "summons_on_time_rate",
        pgettext_lazy("indicator", "Summons answered on time"),
        "rate",
        "summons_on_time",
        "summoned",
        drill="summons_on_time",
    ),
)
BY_CODE = {i.code: i for i in INDICATORS}
THREE_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def plain(d: Decimal) -> str:
    """A decimal without trailing zeros or an exponent: 10, 0.9, 12.5."""
    return f"{d.normalize():f}"


HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator in per cent, rounded half up to 2 places; None for a zero
    denominator (shown as "—", never a crash)."""
    den = Decimal(denominator)
    if den == 0:
        return None
    return (Decimal(numerator) * HUNDRED / den).quantize(CENT, rounding=ROUND_HALF_UP)


def show_percent(value: Decimal | None) -> str:
    return DASH if value is None else f"{value} %"


def show_duration(seconds: float | Decimal | None) -> str:
    if seconds is None:
        return DASH
    s = float(seconds)
    if s < 3600:
        return _("%(n)s min") % {"n": f"{s / 60:.0f}"}
    if s < 2 * 86400:
        return _("%(n)s h") % {"n": f"{s / 3600:.1f}"}
    return _("%(n)s d") % {"n": f"{s / 86400:.1f}"}


def show_count(value: Decimal | int) -> str:
    v = Decimal(value)
    return f"{int(v):,}" if v == v.to_integral_value() else f"{v.normalize():,f}"


def median_close_seconds(t: Mapping[str, int]) -> tuple[float | None, bool]:
    """The median time to close estimated from the buckets, and whether it is only a lower bound
    (the middle closure fell in the open-ended last bucket)."""
    n = sum(max(0, t.get(name, 0)) for name, _b in CLOSE_BUCKETS)
    if n <= 0:
        return None, False
    half = n / 2
    seen = 0
    lower = 0
    for name, bound in CLOSE_BUCKETS:
        count = max(0, t.get(name, 0))
        if count and seen + count >= half:
            if bound is None:
                return float(lower), True
            return lower + (bound - lower) * (half - seen) / count, False
        seen += count
        lower = bound or lower
    return float(lower), True


@dataclass
class Figure:
    """An indicator's value for one question, with everything the page shows beside it."""

    indicator: Indicator
    value: Decimal | float | None
    display: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    formula: str = ""
    definitions: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return str(self.indicator.name)

    @property
    def score(self) -> Decimal | None:
        """The figure as 0–100 points for assessments (lower-is-better rates score 100 − rate)."""
        if self.value is None or self.indicator.kind not in ("rate", "score"):
            return None
        v = Decimal(self.value)
        return v if self.indicator.higher_is_better else HUNDRED - v

    @property
    def ratio_text(self) -> str:
        """ "911 / 972" beside a rate."""
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{show_count(self.numerator)} / {show_count(self.denominator)}"


def _definitions(*codes: str) -> list[str]:
    """ "应处置数 = 派遣数 − 退回数：本期派遣数减去…" for each quantity a figure is made of."""
    out = []
    for code in codes:
        q = QUANTITIES[code]
        name = f"{q.name} = {q.formula()}" if not q.is_simple else str(q.name)
        if q.definition:
            out.append(_("%(name)s: %(definition)s") % {"name": name, "definition": q.definition})
        elif not q.is_simple:
            out.append(name)
    return out


def three_rates_weights(on: dt.date | None = None) -> dict[str, Decimal]:
    raw = config_value("insights.three_rates_weights", on)
    return {code: Decimal(str(raw.get(code, 0))) for code in THREE_RATES}


def figure(
    indicator: Indicator,
    t: Mapping[str, int],
    *,
    overdue: int | None = None,
    weights: Mapping[str, Decimal] | None = None,
) -> Figure:
    """The figure of one indicator from the totals (and the live overdue count)."""
    ind = indicator
    if ind.kind == "count":
        num = QUANTITIES[ind.numerator].value(t)
        return Figure(ind, num, show_count(num), num, None, "", _definitions(ind.numerator))
    if ind.kind == "rate":
        num = QUANTITIES[ind.numerator].value(t)
        den = QUANTITIES[ind.denominator].value(t)
        value = percent(num, den)
        formula = f"{QUANTITIES[ind.numerator].name} / {QUANTITIES[ind.denominator].name}"
        defs = _definitions(ind.numerator, ind.denominator)
        if ind.note:
            defs.append(str(ind.note))
        return Figure(ind, value, show_percent(value), num, den, formula, defs)
    if ind.kind == "score":  # the three-rate composite
        w = weights or three_rates_weights()
        parts = [figure(BY_CODE[c], t) for c in THREE_RATES]
        formula = " + ".join(f"{plain(w[p.code])} % × {p.name}" for p in parts)
        defs = [str(ind.note)]
        if any(p.value is None for p in parts):
            return Figure(ind, None, DASH, formula=formula, definitions=defs)
        total = sum((w[p.code] * Decimal(p.value or 0) / HUNDRED for p in parts), Decimal(0))
        value = total.quantize(CENT, rounding=ROUND_HALF_UP)
        return Figure(ind, value, str(value), formula=formula, definitions=defs)
    if ind.kind == "duration":
        if ind.code == "average_close_time":
            num = QUANTITIES["close_seconds"].value(t)
            den = QUANTITIES["closed"].value(t)
            seconds = float(num / den) if den > 0 else None
            defs = [_("time to close = close time − report time"), *_definitions("closed")]
            return Figure(
                ind,
                seconds,
                show_duration(seconds),
                num,
                den,
                f"{QUANTITIES['close_seconds'].name} / {QUANTITIES['closed'].name}",
                defs,
            )
        median, open_ended = median_close_seconds(t)
        display = show_duration(median)
        if open_ended:
            display = f"> {display}"
        return Figure(
            ind,
            median,
            display,
            formula=str(_("median of close time − report time")),
            definitions=[str(ind.note)],
        )
    # live: overdue now
    n = overdue or 0
    return Figure(
        ind,
        Decimal(n),
        show_count(n),
        formula=str(_("open cases past their step deadline")),
        definitions=[str(ind.note)],
    )


def figures(
    t: Mapping[str, int],
    *,
    overdue: int | None = None,
    codes: Sequence[str] | None = None,
    on: dt.date | None = None,
) -> list[Figure]:
    """The figures of the indicators `codes` (all by default) from the totals."""
    weights = three_rates_weights(on)
    chosen = [BY_CODE[c] for c in codes] if codes is not None else list(INDICATORS)
    return [figure(i, t, overdue=overdue, weights=weights) for i in chosen]


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    category: Category | None
    totals: Totals
    figures: list[Figure]

    def by_code(self) -> dict[str, Figure]:
        return {f.code: f for f in self.figures}


def dashboard(scope: Scope, period: Period, category: Category | None = None) -> Dashboard:
    """The indicators of a scope for a period: one aggregate query over the counters, and one
    count of the cases overdue now."""
    t = totals(scope, period, category)
    overdue = overdue_cases(scope, category).count()
    return Dashboard(scope, period, category, t, figures(t, overdue=overdue, on=period.end))
