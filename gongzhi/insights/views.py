"""Insights pages: parse the question (scope, period, category), ask indicators / assessments,
render or export. Every scope is checked against the viewer's roles (404 outside them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gongzhi.cases.models import OPEN_STATUSES, Case, Category
from gongzhi.core.errors import ActionError, NotAllowed, NotFound
from gongzhi.places.models import Division, Grid
from gongzhi.places.queries import grids_feature_collection
from gongzhi.web.pages import page_view

from . import queries
from .assessments import (
    LEVELS,
    Assessment,
    Level,
    assess,
    department_summons,
    grid_workers_under,
    with_department_summons,
)
from .drilldown import DRILL_LABELS, STEPS, cases_behind
from .exports import Column, Table, export_response
from .indicators import (
    BY_CODE,
    PERIOD_KINDS,
    Dashboard,
    Figure,
    Period,
    Scope,
    Totals,
    breakdown,
    figures,
    overdue_cases,
    totals,
)

CASES_PER_PAGE = 50
EXPORT_LIMIT = 10_000  # cases in one export of a drill-down list
OVERDUE_ON_SCREEN = 12

# The dashboard's figure groups, in order.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("intake", ("reported_count", "valid_report_rate", "registered_count")),
    ("handling", ("handling_rate", "on_time_handling_rate", "extension_rate", "overdue_now")),
    (
        "closing",
        (
            "case_closure_rate",
            "on_time_closure_rate",
            "rework_rate",
            "closure_rate",
            "average_close_time",
            "median_close_time",
        ),
    ),
    ("three_rates", ("response_rate", "resolution_rate", "satisfaction_rate", "three_rates")),
    ("summons", ("summons_on_time_rate",)),
)
GROUP_TITLES = {
    "intake": gettext_lazy("Reports and registration"),
    "handling": gettext_lazy("Handling"),
    "closing": gettext_lazy("Closing"),
    "three_rates": gettext_lazy("The three rates"),
    "summons": gettext_lazy("Summons"),
}
CHILD_CODES = (
    "reported_count",
    "registered_count",
    "case_closure_rate",
    "on_time_closure_rate",
    "satisfaction_rate",
    "three_rates",
)


# ---------------------------------------------------------------------------------- the question


@dataclass
class Question:
    scope: Scope
    period: Period
    category: Category | None

    def params(self, **extra: str) -> dict[str, str]:
        p = {"scope": self.scope.param, **self.period.params()}
        if self.category is not None:
            p["category"] = str(self.category.pk)
        p.update({k: v for k, v in extra.items() if v})
        return p

    def query(self, **extra: str) -> str:
        return urlencode(self.params(**extra))


def _ask(request: HttpRequest, default_period: str = "month") -> Question:
    user = request.user
    if not queries.may_use_insights(user):
        raise NotAllowed(_("Your roles do not include the figures of any place or department."))
    scope = queries.scope_from(user, request.GET.get("scope"))
    return Question(
        scope, queries.period_from(request.GET, default_period), queries.category_from(request.GET)
    )


def _url(name: str, q: Question, **extra: str) -> str:
    return f"{reverse(f'insights:{name}')}?{q.query(**extra)}"


def _drill_url(q: Question, metric: str) -> str:
    return _url("cases", q, metric=metric) if metric else ""


def _department_id(scope: Scope) -> int | None:
    head, _sep, rest = scope.key.partition(":")
    return int(rest) if scope.kind == "unit" and head == "org" and rest.isdigit() else None


def _dashboard(q: Question) -> Dashboard:
    """The indicators of the question. A department's summons figures come from its summons duties
    (the counters file summonses under the case's unit, not the summoned department's)."""
    t = totals(q.scope, q.period, q.category)
    dept = _department_id(q.scope)
    if dept is not None:
        t = with_department_summons(t, department_summons([dept], q.period).get(dept))
    overdue = overdue_cases(q.scope, q.category).count()
    return Dashboard(q.scope, q.period, q.category, t, figures(t, overdue=overdue, on=q.period.end))


def _common(request: HttpRequest, q: Question, tab: str) -> dict[str, Any]:
    """What every insights page shows around its content: tabs and the question form."""
    prev_q = Question(q.scope, q.period.shifted(-1), q.category)
    next_q = Question(q.scope, q.period.shifted(1), q.category)
    return {
        "q": q,
        "tab": tab,
        "scope_options": queries.scope_options(request.user, q.scope),
        "period_kinds": PERIOD_KINDS,
        "category_choices": queries.category_choices(),
        "prev_query": prev_q.query(),
        "next_query": next_q.query(),
        "query": q.query(),
        "today": timezone.localdate(),
    }


def _figure_table(figs: Sequence[Figure]) -> Table:
    table = Table(
        "indicators",
        _("Indicators"),
        [
            Column(_("Indicator")),
            Column(_("Value"), "number"),
            Column(_("Numerator"), "number"),
            Column(_("Denominator"), "number"),
            Column(_("Formula")),
            Column(_("Definitions")),
        ],
    )
    for f in figs:
        table.add(
            [f.name, f.display, f.numerator, f.denominator, f.formula, "；".join(f.definitions)]
        )
    return table


def _value(f: Figure) -> Any:
    """A figure as a table cell: rates and scores as numbers, counts as integers."""
    return f.value


def _kind(code: str) -> Any:
    kind = BY_CODE[code].kind
    return {"rate": "percent", "count": "int", "live": "int", "score": "score"}.get(kind, kind)


def _children_table(q: Question, on: dt.date) -> Table | None:
    digits = q.scope.child_digits
    if digits is None:
        return None
    names = queries.child_places(q.scope)
    sums = breakdown(q.scope, q.period, "child", q.category)
    overdue_q = overdue_cases(q.scope, q.category)
    key = Substr("grid_code", 1, digits) if digits else F("grid_code")
    overdue = dict(
        overdue_q.annotate(k=key)
        .values("k")
        .annotate(n=Count("id"))
        .values_list("k", "n")
        .order_by()
    )
    title = {9: _("Streets"), 12: _("Communities"), 0: _("Grids")}[digits]
    table = Table(
        "children",
        title,
        [
            Column(_("Name")),
            *[Column(str(BY_CODE[c].name), _kind(c)) for c in CHILD_CODES],
            Column(_("Overdue now"), "int"),
        ],
    )
    empty: Totals = {}
    for code, name in names:
        figs = {f.code: f for f in figures(sums.get(code, empty), codes=CHILD_CODES, on=on)}
        child_q = Question(Scope.place(code, name), q.period, q.category)
        table.add(
            [name, *[_value(figs[c]) for c in CHILD_CODES], overdue.get(code, 0)],
            _url("dashboard", child_q),
        )
    return table


def _category_mix(q: Question) -> list[tuple[str, int, int]]:
    """(major class, reported, closed) in the question, largest first."""
    per = breakdown(q.scope, q.period, "category", q.category)
    if not per:
        return []
    cats = Category.objects.filter(pk__in=list(per)).select_related("parent")
    major: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in cats:
        name = c.parent.name if c.parent else c.name
        major[name][0] += per[c.pk]["reported"]
        major[name][1] += per[c.pk]["closed"]
    rows = [(name, r, c) for name, (r, c) in major.items() if r or c]
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def _trend(q: Question) -> dict[str, list[Any]]:
    per = breakdown(q.scope, q.period, "day", q.category)
    days, reported, closed = [], [], []
    day, last = q.period.start, min(q.period.end, timezone.localdate())
    while day <= last:
        t = per.get(day, {})
        days.append(f"{day:%m-%d}")
        reported.append(t.get("reported", 0))
        closed.append(t.get("closed", 0))
        day += dt.timedelta(days=1)
    return {"days": days, "reported": reported, "closed": closed}


# ---------------------------------------------------------------------------------- dashboard


@require_GET
@page_view
def dashboard(request: HttpRequest) -> HttpResponse:
    q = _ask(request)
    board = _dashboard(q)
    by_code = board.by_code()
    groups = [
        (
            str(GROUP_TITLES[key]),
            [(by_code[c], _drill_url(q, BY_CODE[c].drill)) for c in codes],
        )
        for key, codes in GROUPS
    ]
    tables = [_figure_table(board.figures)]
    children = _children_table(q, q.period.end)
    if children is not None:
        tables.append(children)
    mix = _category_mix(q)
    mix_table = Table(
        "categories",
        _("Category mix"),
        [Column(_("Major class")), Column(_("Reports"), "int"), Column(_("Closed"), "int")],
    )
    for name, r, c in mix:
        mix_table.add([name, r, c])
    tables.append(mix_table)
    export = export_response(
        request.GET.get("format", ""), "insights", tables, request.GET.get("table", "")
    )
    if export is not None:
        return export
    return render(
        request,
        "insights/dashboard.html",
        {
            **_common(request, q, "dashboard"),
            "board": board,
            "groups": groups,
            "children": children,
            "mix_table": mix_table,
            "indicator_table": tables[0],
            "charts": {
                "trend": _trend(q),
                "mix": [{"name": n, "value": r} for n, r, _c in mix],
                "labels": {"reported": _("Reported"), "closed": _("Closed")},
            },
        },
    )


# ---------------------------------------------------------------------------------- drill-down


@require_GET
@page_view
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases behind a figure, from the viewer's scoped case list."""
    q = _ask(request)
    metric = request.GET.get("metric", "")
    if metric != "overdue" and metric not in STEPS:
        raise ActionError(_("Unknown figure."), field="metric")
    cases = (
        cases_behind(request.user, metric, q.scope, q.period, q.category)
        .select_related("category__parent", "assigned_unit")
        .order_by("-reported_at", "-id")
    )
    table = Table(
        "cases",
        f"{DRILL_LABELS.get(metric, metric)} · {q.scope.label} · {q.period.label}",
        [
            Column(_("Case number")),
            Column(_("Category")),
            Column(_("Grid")),
            Column(_("Status")),
            Column(_("Held by")),
            Column(_("Reported at")),
            Column(_("Step due at")),
        ],
    )
    fmt = request.GET.get("format", "")
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(cases[:EXPORT_LIMIT] if fmt else page.object_list)
    places = queries.place_names({c.grid_code for c in rows})
    for c in rows:
        holder = c.assigned_unit.name if c.assigned_unit else f"{c.get_tier_display()}"
        table.add(
            [
                c.number,
                str(c.category),
                places.get(c.grid_code, c.grid_code),
                c.get_status_display(),
                holder,
                f"{timezone.localtime(c.reported_at):%Y-%m-%d %H:%M}",
                f"{timezone.localtime(c.step_due_at):%Y-%m-%d %H:%M}" if c.step_due_at else "",
            ],
            reverse("cases:detail", args=[c.number]),
        )
    export = export_response(fmt, "cases", [table])
    if export is not None:
        return export
    return render(
        request,
        "insights/cases.html",
        {
            **_common(request, q, "dashboard"),
            "metric": metric,
            "metric_label": DRILL_LABELS.get(metric, metric),
            "table": table,
            "page": page,
            "total": page.paginator.count,
            "back_url": _url("dashboard", q),
        },
    )


# ---------------------------------------------------------------------------------- assessments


def _levels_for(request: HttpRequest, q: Question) -> list[tuple[str, str]]:
    levels: list[tuple[str, str]] = []
    if queries.visible_departments(request.user).exists():
        levels.append(("department", str(LEVELS[0][1])))
    if q.scope.kind == "place":
        n = len(q.scope.key)
        if n <= 6:
            levels.append(("street", str(LEVELS[1][1])))
        if n <= 9:
            levels.append(("community", str(LEVELS[2][1])))
        levels.append(("grid_worker", str(LEVELS[3][1])))
    return levels


def _assessment(request: HttpRequest, q: Question, level: str) -> Assessment:
    user = request.user
    if level == "department":
        return assess("department", q.period, departments=list(queries.visible_departments(user)))
    if q.scope.kind != "place":
        raise NotFound(_("Rankings of places are for a place."))
    if level in ("street", "community"):
        digits = 9 if level == "street" else 12
        if len(q.scope.key) >= digits:
            raise NotFound(_("There is nothing of that level inside this place."))
        lvl = Division.Level.STREET if level == "street" else Division.Level.COMMUNITY
        entities = [
            (d.code, d.short_name)
            for d in Division.objects.filter(level=lvl, code__startswith=q.scope.key).order_by(
                "code"
            )
        ]
        lv: Level = "street" if level == "street" else "community"
        return assess(lv, q.period, within=q.scope, entities=entities)
    if level == "grid_worker":
        workers = [
            (w, gs)
            for w, gs in grid_workers_under([q.scope.key])
            if all(queries.covers(user, g) for g in gs)
        ]
        return assess("grid_worker", q.period, workers=workers)
    raise NotFound(_("Unknown ranking."))


def _assessment_table(a: Assessment, q: Question) -> Table:
    codes = a.indicator_codes
    titles: dict[str, str] = {k: str(v) for k, v in LEVELS}
    title = titles[a.level]
    table = Table(
        f"ranking-{a.level}",
        f"{title} · {q.period.label}",
        [
            Column(_("Rank"), "int"),
            Column(_("Name")),
            Column(_("Score"), "score"),
            Column(_("Grade")),
            *[Column(str(BY_CODE[c].name), _kind(c)) for c in codes],
        ],
    )
    for r in a.rows:
        link = f"{reverse('insights:dashboard')}?{urlencode({'scope': r.key, **q.period.params()})}"
        table.add([r.rank, r.label, r.score, r.grade, *[r.figures[c].value for c in codes]], link)
    return table


def _ranking(request: HttpRequest, forced: str | None, tab: str) -> HttpResponse:
    q = _ask(request)
    levels = _levels_for(request, q)
    if not levels:
        raise NotFound(_("There is nothing to rank in this scope."))
    level = (
        forced or request.GET.get("level") or (levels[1][0] if len(levels) > 1 else levels[0][0])
    )
    if level not in dict(levels):
        raise NotFound(_("Unknown ranking."))
    a = _assessment(request, q, level)
    table = _assessment_table(a, q)
    export = export_response(request.GET.get("format", ""), f"ranking-{level}", [table])
    if export is not None:
        return export
    return render(
        request,
        "insights/assessments.html",
        {
            **_common(request, q, tab),
            "assessment": a,
            "table": table,
            "levels": levels,
            "level": level,
            "level_query": q.query(),
        },
    )


@require_GET
@page_view
def assessments(request: HttpRequest) -> HttpResponse:
    return _ranking(request, None, "assessments")


@require_GET
@page_view
def departments(request: HttpRequest) -> HttpResponse:
    """The department scoreboard: the departments' ranking with their handling figures."""
    if not queries.visible_departments(request.user).exists():
        raise NotFound(_("No department's figures are yours to see."))
    return _ranking(request, "department", "departments")


# ---------------------------------------------------------------------------------- monthly report


@require_GET
@page_view
def report(request: HttpRequest) -> HttpResponse:
    """The monthly report: prints cleanly to PDF from the browser."""
    q = _ask(request, "month")
    if q.period.kind != "month":
        q = Question(q.scope, Period.of("month", q.period.start), q.category)
    board = _dashboard(q)
    tables = [_figure_table(board.figures)]
    children = _children_table(q, q.period.end)
    if children is not None:
        tables.append(children)
    rankings: list[Table] = []
    if q.scope.kind == "place":
        n = len(q.scope.key)
        level = "street" if n <= 6 else "community" if n <= 9 else "grid_worker"
        rankings.append(_assessment_table(_assessment(request, q, level), q))
    previous = totals(q.scope, q.period.shifted(-1), q.category)
    prev_figs = {f.code: f for f in figures(previous, on=q.period.end)}
    mix = _category_mix(q)
    mix_table = Table(
        "categories",
        _("Category mix"),
        [Column(_("Major class")), Column(_("Reports"), "int"), Column(_("Closed"), "int")],
    )
    for name, r, c in mix[:15]:
        mix_table.add([name, r, c])
    all_tables = [*tables, *rankings, mix_table]
    export = export_response(
        request.GET.get("format", ""), "monthly-report", all_tables, request.GET.get("table", "")
    )
    if export is not None:
        return export
    comparison = [(f, prev_figs[f.code]) for f in board.figures if f.indicator.kind != "live"]
    return render(
        request,
        "insights/report.html",
        {
            **_common(request, q, "report"),
            "board": board,
            "comparison": comparison,
            "children": children,
            "rankings": rankings,
            "mix_table": mix_table,
            "generated_at": timezone.localtime(),
        },
    )


# ---------------------------------------------------------------------------------- big screen


@require_GET
@page_view
def screen(request: HttpRequest) -> HttpResponse:
    q = _ask(request, "day")
    return render(
        request,
        "insights/screen.html",
        {
            "q": q,
            "data_url": f"{reverse('insights:screen_data')}?{urlencode({'scope': q.scope.param})}",
            "grids_url": f"{reverse('insights:screen_grids')}?{urlencode({'scope': q.scope.param})}",
            "labels": _screen_labels(),
        },
    )


def _screen_labels() -> dict[str, str]:
    return {
        "reported": _("Reported"),
        "closed": _("Closed"),
        "open": _("open cases"),
        "none": _("Nothing overdue"),
        "failed": _("Could not refresh; retrying"),
        "updated": _("Updated"),
    }


def _scope_grids(scope: Scope) -> Any:
    if scope.kind == "place":
        return Grid.objects.filter(code__startswith=scope.key)
    if scope.kind == "worker":
        return Grid.objects.filter(code__in=scope.grid_codes)
    rest = scope.key.partition(":")[2]
    return Grid.objects.filter(code__startswith=rest) if rest.isdigit() else Grid.objects.none()


@require_GET
@page_view
def screen_grids(request: HttpRequest) -> HttpResponse:
    q = _ask(request, "day")
    return JsonResponse(grids_feature_collection(_scope_grids(q.scope)))


TIER_LABELS = {
    "grid": gettext_lazy("Grid"),
    "community": gettext_lazy("Community"),
    "street": gettext_lazy("Street"),
    "command_centre": gettext_lazy("Command centre"),
    "department": gettext_lazy("Departments"),
}


@require_GET
@page_view
def screen_data(request: HttpRequest) -> HttpResponse:
    """Everything the big screen shows, refreshed by the page every 60 s."""
    q = _ask(request, "day")
    scope = q.scope
    today = timezone.localdate()
    day = Period.of("day", today)
    month = Period.of("month", today)
    overdue_qs = overdue_cases(scope)
    overdue_n = overdue_qs.count()
    t_day = totals(scope, day)
    t_month = totals(scope, month)
    f_day = {f.code: f for f in figures(t_day, overdue=overdue_n, on=today)}
    f_month = {f.code: f for f in figures(t_month, overdue=overdue_n, on=today)}

    def card(f: Figure) -> dict[str, str]:
        return {
            "code": f.code,
            "name": f.name,
            "value": f.display,
            "formula": f.formula,
            "ratio": f.ratio_text,
        }

    trend_period = Period.of("custom", today, today - dt.timedelta(days=29), today)
    trend = _trend(Question(scope, trend_period, None))
    mix = _category_mix(Question(scope, month, None))
    per_unit = breakdown(scope, month, "unit")
    tiers: dict[str, int] = defaultdict(int)
    for unit, t in per_unit.items():
        if t["closed"]:
            tiers[queries.unit_tier(unit)] += t["closed"]
    overdue_list = []
    now = timezone.now()
    rows = list(
        overdue_qs.select_related("category", "assigned_unit").order_by("step_due_at")[
            :OVERDUE_ON_SCREEN
        ]
    )
    names = queries.place_names({c.grid_code for c in rows})
    for c in rows:
        late = (now - c.step_due_at).total_seconds() if c.step_due_at else 0
        overdue_list.append(
            {
                "number": c.number,
                "category": c.category.name,
                "place": names.get(c.grid_code, c.grid_code),
                "status": c.get_status_display(),
                "holder": c.assigned_unit.name if c.assigned_unit else c.get_tier_display(),
                "late": _("%(h)s h late") % {"h": f"{late / 3600:.0f}"},
                "url": reverse("cases:detail", args=[c.number]),
            }
        )
    open_by_grid = dict(
        Case.objects.filter(scope.case_q(), status__in=OPEN_STATUSES)
        .values("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
        .order_by()
    )
    return JsonResponse(
        {
            "scope": scope.label,
            "updated_at": f"{timezone.localtime():%Y-%m-%d %H:%M:%S}",
            "today": [card(f_day[c]) for c in ("reported_count", "registered_count", "overdue_now")]
            + [
                {
                    "code": "closed_today",
                    "name": _("Closed"),
                    "value": f"{t_day['closed']:,}",
                    "formula": str(_("closures that stand")),
                    "ratio": "",
                }
            ],
            "month": [
                card(f_month[c])
                for c in (
                    "reported_count",
                    "case_closure_rate",
                    "on_time_closure_rate",
                    "satisfaction_rate",
                    "three_rates",
                )
            ],
            "trend": trend,
            "categories": [{"name": n, "value": r} for n, r, _c in mix[:8]],
            "tiers": [
                {"name": str(TIER_LABELS.get(k, k)), "value": v}
                for k, v in sorted(tiers.items(), key=lambda kv: -kv[1])
            ],
            "overdue": overdue_list,
            "overdue_total": overdue_n,
            "open_by_grid": open_by_grid,
        }
    )
