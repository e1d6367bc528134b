"""Assessments (考核): composite scores of departments, streets, communities and grid workers for a
period, with configurable weights and grade bands, ranked.

score = Σ weight × indicator score / Σ weight, over the weighted indicators that have a figure
(rates in per cent; lower-is-better rates score 100 − rate). The weights of each level and the
grade bands are dated configuration values (insights.assessment_weights, insights.grade_bands).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import SummonsDuty
from gongzhi.core.config import config_value
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Membership, Role, User

from .indicators import (
    BY_CODE,
    CENT,
    DASH,
    Figure,
    Period,
    Scope,
    Totals,
    add,
    breakdown,
    counter_parts,
    figures,
    plain,
    summed,
)
from .models import METRICS

Level = Literal["department", "street", "community", "grid_worker"]
LEVELS: tuple[tuple[Level, Promise], ...] = (
    ("department", _("Departments")),
    ("street", _("Streets")),
    ("community", _("Communities")),
    ("grid_worker", _("Grid workers")),
)
DIGITS = {"street": 9, "community": 12}


def weights_for(level: str, on: dt.date | None = None) -> dict[str, Decimal]:
    raw = config_value("insights.assessment_weights", on).get(level, {})
    return {
        code: Decimal(str(w)) for code, w in raw.items() if code in BY_CODE and Decimal(str(w)) > 0
    }


def grade_bands(on: dt.date | None = None) -> list[tuple[str, Decimal]]:
    """(grade, floor), highest floor first."""
    bands = [(str(g), Decimal(str(floor))) for g, floor in config_value("insights.grade_bands", on)]
    return sorted(bands, key=lambda b: b[1], reverse=True)


def grade(score: Decimal | None, bands: Sequence[tuple[str, Decimal]]) -> str:
    """The first band whose floor the score reaches; the last band catches everything below."""
    if score is None:
        return DASH
    for name, floor in bands:
        if score >= floor:
            return name
    return bands[-1][0] if bands else DASH


def composite(figs: Mapping[str, Figure], weights: Mapping[str, Decimal]) -> Decimal | None:
    """The weighted mean of the weighted indicators' scores; those without a figure are left out
    (the others' weights scaled up); None when none has one."""
    total = Decimal(0)
    weight = Decimal(0)
    for code, w in weights.items():
        f = figs.get(code)
        s = f.score if f is not None else None
        if s is not None:
            total += w * s
            weight += w
    if weight == 0:
        return None
    return (total / weight).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Assessed:
    key: str  # the scope parameter of the assessed entity (for its dashboard)
    label: str
    totals: Totals
    figures: dict[str, Figure]
    score: Decimal | None
    grade: str
    rank: int | None = None


@dataclass
class Assessment:
    level: str
    period: Period
    weights: dict[str, Decimal]
    bands: list[tuple[str, Decimal]]
    rows: list[Assessed]

    @property
    def indicator_codes(self) -> list[str]:
        return list(self.weights)

    def weights_text(self) -> str:
        return " + ".join(f"{plain(w)} × {BY_CODE[c].name}" for c, w in self.weights.items())

    def bands_text(self) -> str:
        """ "A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below"."""
        parts = [f"{g} ≥ {plain(floor)}" for g, floor in self.bands[:-1]]
        if self.bands:
            parts.append(_("%(grade)s below") % {"grade": self.bands[-1][0]})
        return ", ".join(parts)


def _assessed(
    key: str,
    label: str,
    t: Totals,
    weights: Mapping[str, Decimal],
    bands: Sequence[tuple[str, Decimal]],
    on: dt.date,
) -> Assessed:
    figs = {f.code: f for f in figures(t, codes=list(weights), on=on)}
    score = composite(figs, weights)
    return Assessed(key, label, t, figs, score, grade(score, bands))


def _ranked(rows: list[Assessed]) -> list[Assessed]:
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.label))
    previous: Decimal | None = None
    rank = 0
    for i, r in enumerate(rows, 1):
        if r.score is None:
            r.rank = None
            continue
        if r.score != previous:
            rank, previous = i, r.score
        r.rank = rank
    return rows


def department_summons(org_ids: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    """Per department: (times summoned, checked in on time) for summonses made in the period.
    Counted from the summons duties (few rows), as the case counters file summonses under the
    case's unit, not under each summoned department."""
    lo, hi = period.bounds()
    rows = (
        SummonsDuty.objects.filter(
            department_id__in=org_ids, summons__at__gte=lo, summons__at__lt=hi
        )
        .values("department_id")
        .annotate(
            n=Count("id"), on_time=Count("id", filter=Q(checked_in_at__isnull=False, is_late=False))
        )
    )
    return {r["department_id"]: (r["n"], r["on_time"]) for r in rows}


def with_department_summons(t: Totals, summons: tuple[int, int] | None) -> Totals:
    out = dict(t)
    out["summoned"], out["summons_on_time"] = summons or (0, 0)
    return out


def assess(
    level: Level,
    period: Period,
    *,
    within: Scope | None = None,
    departments: Sequence[Organisation] = (),
    workers: Sequence[tuple[User, Sequence[str]]] = (),
    entities: Sequence[tuple[str, str]] = (),
) -> Assessment:
    """Score and rank the entities of `level` for `period`.

    street / community: `entities` are (code, name) inside the place scope `within`; one GROUP BY
    query over the counters. department: the `departments`, by their unit keys. grid_worker: the
    `workers` with their grids, from one GROUP BY over the grids.
    """
    on = period.end
    weights = weights_for(level, on)
    bands = grade_bands(on)
    rows: list[Assessed] = []
    if level in DIGITS:
        assert within is not None
        digits = DIGITS[level]
        sums = dict(summed(counter_parts(within, period), Substr("grid_code", 1, digits)))
        empty = dict.fromkeys(METRICS, 0)
        rows = [
            _assessed(code, name, sums.get(code, empty), weights, bands, on)
            for code, name in entities
        ]
    elif level == "department":
        keys = {f"org:{d.pk}": d for d in departments}
        parts = counter_parts(Scope.place(""), period, by="unit")
        sums = dict(summed([qs.filter(unit__in=list(keys)) for qs in parts], F("unit")))
        summons = department_summons([d.pk for d in departments], period)
        empty = dict.fromkeys(METRICS, 0)
        for key, d in keys.items():
            t = with_department_summons(sums.get(key, empty), summons.get(d.pk))
            rows.append(_assessed(key, d.name, t, weights, bands, on))
    else:  # grid workers: the sum over the grids each holds
        grids = sorted({g for _w, gs in workers for g in gs})
        per_grid: dict[str, Totals] = {}
        if grids:
            scope = Scope("worker", "0", "", tuple(grids))
            per_grid = breakdown(scope, period, "grid")
        for worker, gs in workers:
            t = add(per_grid.get(g, {}) for g in gs)
            label = worker.get_full_name() or worker.username
            rows.append(_assessed(f"worker:{worker.pk}", label, t, weights, bands, on))
    return Assessment(level, period, weights, bands, _ranked(rows))


def grid_workers_under(code_prefixes: Sequence[str]) -> list[tuple[User, list[str]]]:
    """Grid workers holding grids under any of the prefixes ("" = all), with those grids."""
    q = Q()
    if "" not in code_prefixes:
        q = Q(pk__in=[])
        for c in code_prefixes:
            q |= Q(scope_code__startswith=c)
    grids: dict[int, list[str]] = defaultdict(list)
    for user_id, code in (
        Membership.objects.active()
        .filter(q, role=Role.GRID_WORKER)
        .values_list("user_id", "scope_code")
    ):
        grids[user_id].append(code)
    users = User.objects.filter(pk__in=list(grids)).order_by("full_name", "username")
    return [(u, sorted(grids[u.pk])) for u in users]


def components(assessed: Assessed, codes: Sequence[str]) -> list[Any]:
    return [assessed.figures[c] for c in codes]
