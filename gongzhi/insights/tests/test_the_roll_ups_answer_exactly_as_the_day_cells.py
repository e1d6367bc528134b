"""The roll-ups (a month's cells; a grid's days) hold the same sums as the day cells: whatever the
period (whole months, edges, a year across months), category or unit, the figures read from the
cheapest tables equal the plain sum of the day cells; rebuild_counters checks the roll-ups too."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from gongzhi.cases.models import Category
from gongzhi.conftest import DISTRICT, YUXIANGYUAN, Cast
from gongzhi.insights.indicators import (
    Period,
    Scope,
    breakdown,
    counter_parts,
    totals,
    whole_months,
)
from gongzhi.insights.models import (
    METRICS,
    CaseCounter,
    CaseCounterMonth,
    GridDayCounter,
    GridMonthCounter,
)

from .conftest import Clock, close, counter, handle, report_in

pytestmark = pytest.mark.django_db
D = dt.date


def plain(scope: Scope, period: Period, ids: list[int] | None = None) -> dict[str, int]:
    qs = CaseCounter.objects.filter(scope.counter_q(), day__gte=period.start, day__lte=period.end)
    if ids is not None:
        qs = qs.filter(category_id__in=ids)
    row = qs.aggregate(**{m: Sum(m) for m in METRICS})
    return {m: int(row[m] or 0) for m in METRICS}


def test_whole_months_and_edges() -> None:
    months, edges = whole_months(Period.of("custom", D(2026, 1, 1), D(2026, 1, 15), D(2026, 4, 2)))
    assert months == [D(2026, 2, 1), D(2026, 3, 1)]
    assert edges == [(D(2026, 1, 15), D(2026, 1, 31)), (D(2026, 4, 1), D(2026, 4, 2))]
    assert whole_months(Period.of("month", D(2026, 2, 9))) == ([D(2026, 2, 1)], [])
    assert whole_months(Period.of("week", D(2026, 2, 9))) == ([], [(D(2026, 2, 9), D(2026, 2, 15))])


def test_every_question_gets_the_day_cells_answer(cast: Cast) -> None:
    rng = random.Random(3)
    grids = [cast.grid.code, cast.other_grid.code, cast.other_community_grid.code]
    units = ["", f"grid:{cast.grid.code}", f"community:{YUXIANGYUAN}", "org:7"]
    day = D(2025, 12, 20)
    while day < D(2026, 5, 10):
        for _ in range(rng.randint(0, 3)):
            counter(
                day,
                rng.choice(grids),
                rng.choice([11, 12, 13]),
                rng.choice(units),
                reported=rng.randint(1, 5),
                closed=rng.randint(0, 3),
                close_seconds=rng.randint(0, 90000),
            )
        day += dt.timedelta(days=rng.choice([1, 2, 3]))
    periods = [
        Period.of("month", D(2026, 2, 1)),
        Period.of("quarter", D(2026, 2, 1)),
        Period.of("year", D(2026, 2, 1)),
        Period.of("week", D(2026, 3, 30)),  # across two months
        Period.of("custom", D(2026, 1, 1), D(2025, 12, 25), D(2026, 4, 3)),
    ]
    scopes = [
        Scope.place(DISTRICT),
        Scope.place(YUXIANGYUAN),
        Scope.place(cast.grid.code),
        Scope.unit("org:7"),
        Scope.worker(1, grids[:2]),
    ]
    for period in periods:
        for scope in scopes:
            assert totals(scope, period) == plain(scope, period), (scope, period)
            assert totals(scope, period, _category(12)) == plain(scope, period, [12]), (
                scope,
                period,
            )
        by_unit = breakdown(Scope.place(DISTRICT), period, "unit")
        for unit in units:
            assert (
                by_unit.get(unit, dict.fromkeys(METRICS, 0)) == plain(Scope.unit(unit), period)
                if unit
                else True
            )
        by_child = breakdown(Scope.place(DISTRICT[:6]), period, "child")
        assert (
            sum(t["reported"] for t in by_child.values())
            == plain(Scope.place(DISTRICT), period)["reported"]
        )


def _category(pk: int) -> Category:
    return Category(pk=pk, parent_id=1, kind="event", code="0101", name="x")


def test_a_district_month_reads_the_grids_days_and_a_category_the_months_cells(cast: Cast) -> None:
    month = Period.of("month", D(2026, 2, 1))
    (only,) = counter_parts(Scope.place(DISTRICT), month)
    assert only.model is GridMonthCounter
    week = counter_parts(Scope.place(DISTRICT), Period.of("week", D(2026, 2, 9)))
    assert [p.model for p in week] == [GridDayCounter]
    year = counter_parts(
        Scope.place(DISTRICT), Period.of("custom", D(2026, 1, 1), D(2026, 1, 20), D(2026, 3, 31))
    )
    assert [p.model for p in year] == [GridMonthCounter, GridDayCounter]
    (daily,) = counter_parts(Scope.place(DISTRICT), month, by="day")
    assert daily.model is GridDayCounter
    (cells,) = counter_parts(Scope.place(DISTRICT), month, _category(12))
    assert cells.model is CaseCounterMonth
    parts = counter_parts(
        Scope.unit("org:7"), Period.of("custom", D(2026, 1, 1), D(2026, 1, 20), D(2026, 3, 5))
    )
    assert [p.model for p in parts] == [CaseCounterMonth, CaseCounter, CaseCounter]


def test_rebuild_checks_and_rewrites_the_roll_ups(
    cast: Cast, categories: None, clock: Clock
) -> None:
    case = report_in(cast)
    handle(cast, case)
    clock.advance(hours=4)
    close(cast, case)
    call_command("rebuild_counters")
    GridDayCounter.objects.update(closed=7)
    with pytest.raises(CommandError, match="disagree"):
        call_command("rebuild_counters")
    call_command("rebuild_counters", "--write")
    call_command("rebuild_counters")
    for model in (CaseCounterMonth, GridMonthCounter):
        call_command("rebuild_counters", "--write")
        model.objects.all().delete()
        with pytest.raises(CommandError, match="disagree"):
            call_command("rebuild_counters")
