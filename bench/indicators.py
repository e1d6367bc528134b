"""Indicators benchmark: the district dashboard over 100 k … 10 M cases, against the naive way.

On a throwaway database (`gongzhi_bench_insights`) holding the demo district (双滦区 from the real
division data: 9 streets and towns, their communities and villages, 401 grids, the default
categories with their rules, eight departments), it generates N cases over the past year with SQL
(`INSERT … SELECT … FROM generate_series`): about 93 % closed, 3 % declined, 1 % void, the rest
open (mostly recent), each with its timeline in the case columns (reported, registered, responded,
closed, rated) and held by a tier or a department as its category's rule says. The counter rows
are then written from those same cases by one SQL aggregation with the live path's rules (the
event's local day, the grid, the category, the unit that held the case; time to close in whole
seconds and its bucket), so cases and counters agree by construction.

Then it times, warm, the median of --runs runs of:
  - the dashboard: `indicators.dashboard()` for the district and this month (one aggregate query
    over the counters, and the count of the cases overdue now), and the streets table
    (`breakdown(..., "child")`, one GROUP BY over the counters);
  - the naive way: the same figures from one plain aggregate over the cases table (a FILTER per
    figure on its timestamp column), and the streets table as a GROUP BY over the cases;
checks that both give the same numbers, and prints the ratio. The overdue count is timed on its
own, with and without the partial index over open cases that insights asks of the cases app.
The database is dropped at the end (unless --keep).

Run: DEBUG=true .venv/bin/python bench/indicators.py [--cases 100000 1000000] [--runs 30] [--keep]
     [--reuse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    create_database,
    database_exists,
    database_url,
    drop_database,
    machine,
    migrate,
    percentile,
    seed_district,
    setup_django,
)

DB_NAME = "gongzhi_bench_insights"
DISTRICT = "130803"
TZ = "Asia/Shanghai"
OPEN = "('reported', 'confirmed', 'registered', 'dispatched', 'handling', 'responded', 'verified')"
# The partial indexes over open cases (cases/models.py) that serve "overdue now" and the big
# screen's open cases per grid. The overdue count is also timed without them, to show what they buy.
OPEN_INDEXES = ("case_open_place_due", "case_open_grid_prefix", "case_open_scope_prefix")

# One row per generated case: draws (OFFSET 0 keeps each random() one draw per row), then the
# status and the timeline, then the row.
GENERATE = """
INSERT INTO cases_case (number, kind, category_id, rule_id, source, status, description, address,
    lat, lng, grid_code, reporter_id, is_anonymous, is_public, tier, assigned_scope,
    assigned_unit_id, step_started_at, step_due_at, step_clock, handle_due_at, close_due_at,
    me_too, rework_count, rating, rating_comment, public_answer, tokens, reported_at,
    registered_at, responded_at, closed_at, updated_at, version)
SELECT 'I' || lpad(g::text, 11, '0'), kind, category_id, rule_id, 'resident_app', status,
    '路灯不亮，晚上出行不便', '', lat, lng, grid_code, NULL, false, true, tier,
    CASE tier WHEN 'grid' THEN grid_code WHEN 'community' THEN left(grid_code, 12)
              WHEN 'street' THEN left(grid_code, 9) ELSE left(grid_code, 6) END,
    unit_id,
    CASE status WHEN 'closed' THEN closed_at WHEN 'responded' THEN responded_at
                WHEN 'declined' THEN reported_at + interval '3 hours'
                WHEN 'void' THEN reported_at + interval '1 hour'
                WHEN 'reported' THEN reported_at ELSE registered_at END,
    CASE status WHEN 'reported' THEN reported_at + interval '4 hours'
                WHEN 'registered' THEN registered_at + interval '1 day'
                WHEN 'dispatched' THEN handle_due_at WHEN 'handling' THEN handle_due_at
                WHEN 'responded' THEN responded_at + interval '2 days' END,
    CASE WHEN status IN ('dispatched', 'handling') THEN 'working_days'
         WHEN status IN ('reported', 'registered', 'responded') THEN 'office_hours' ELSE '' END,
    handle_due_at, close_due_at, 0, 0, rating, '', '', '', reported_at,
    registered_at, responded_at, closed_at, coalesce(closed_at, responded_at, registered_at, reported_at), 1
FROM (
    SELECT g, kind, category_id, rule_id, grid_code, lat, lng, status, reported_at,
        CASE WHEN unit_id IS NOT NULL THEN 'street' WHEN status IN ('reported', 'declined', 'void') THEN 'grid'
             ELSE tier END AS tier,
        CASE WHEN status IN ('reported', 'declined', 'void') THEN NULL ELSE unit_id END AS unit_id,
        registered_at,
        CASE WHEN status IN ('responded', 'closed') THEN registered_at + handle_time END AS responded_at,
        CASE WHEN status = 'closed' THEN registered_at + handle_time + close_time END AS closed_at,
        CASE WHEN registered_at IS NOT NULL THEN registered_at + interval '5 days' END AS handle_due_at,
        CASE WHEN registered_at IS NOT NULL THEN registered_at + interval '7 days' END AS close_due_at,
        CASE WHEN status <> 'closed' THEN '' WHEN ur < 0.70 THEN 'satisfied'
             WHEN ur < 0.88 THEN 'basically_satisfied' ELSE '' END AS rating
    FROM (
        SELECT g, ur, handle_time, close_time, reported_at,
            (%(cat_kind)s::text[])[ci] AS kind,
            (%(cat_id)s::bigint[])[ci] AS category_id,
            (%(cat_rule)s::bigint[])[ci] AS rule_id,
            (%(cat_tier)s::text[])[ci] AS tier,
            (%(cat_unit)s::bigint[])[ci] AS unit_id,
            (%(grid_code)s::text[])[gi] AS grid_code,
            (%(lat)s::float8[])[gi] AS lat,
            (%(lng)s::float8[])[gi] AS lng,
            status,
            CASE WHEN status NOT IN ('reported', 'declined', 'void')
                 THEN reported_at + interval '1 hour' * (0.5 + 6 * u1) END AS registered_at
        FROM (
            SELECT g, ci, gi, ur, u1, reported_at,
                interval '1 hour' * (1 + 200 * u2 * u2) AS handle_time,
                interval '1 hour' * (1 + 30 * u3) AS close_time,
                CASE WHEN reported_at > %(now)s - interval '3 days' AND us < 0.45 THEN
                         (ARRAY['reported', 'registered', 'dispatched', 'handling', 'responded'])[1 + floor(uo * 5)::int]
                     WHEN reported_at > %(now)s - interval '20 days' AND us < 0.15 THEN
                         (ARRAY['registered', 'dispatched', 'handling', 'handling', 'responded'])[1 + floor(uo * 5)::int]
                     WHEN us > 0.96 THEN 'declined' WHEN us > 0.95 THEN 'void'
                     ELSE 'closed' END AS status
            FROM (
                SELECT g,
                    1 + floor(power(random(), 1.6) * %(n_categories)s)::int AS ci,
                    1 + floor(random() * %(n_grids)s)::int AS gi,
                    random() AS us, random() AS uo, random() AS ur,
                    random() AS u1, random() AS u2, random() AS u3,
                    %(now)s - interval '365 days' * random() AS reported_at
                FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
                OFFSET 0
            ) draws
        ) timed
    ) placed
) final
"""

SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY i.relname
"""


def _local_day(column: str) -> str:
    return f"({column} AT TIME ZONE '{TZ}')::date"


HANDLER = (
    "CASE WHEN assigned_unit_id IS NOT NULL THEN 'org:' || assigned_unit_id "
    "ELSE tier || ':' || assigned_scope END"
)


def _events() -> list[tuple[str, str, str, dict[str, str]]]:
    """(when, unit, which cases, metric → value) of each counted event of a generated case: the
    live path's rules (a step counts on its local day under the unit holding the case then)."""
    from gongzhi.insights.models import CLOSE_BUCKETS

    # secs and bucket are computed once per case (see counters_sql): whole seconds to close, and
    # the index of its bucket, (lower, bound] as close_time_metrics counts it.
    seconds = "secs"
    closing = {
        "closed": "1",
        "closed_on_time": "(closed_at <= close_due_at)::int",
        "close_seconds": seconds,
        "rated_satisfied": "(rating = 'satisfied')::int",
        "rated_basically_satisfied": "(rating = 'basically_satisfied')::int",
        **{name: f"(bucket = {i})::int" for i, (name, _b) in enumerate(CLOSE_BUCKETS)},
    }
    grid_unit = "'grid:' || grid_code"
    return [
        ("reported_at", grid_unit, "TRUE", {"reported": "1"}),
        (
            "registered_at",
            grid_unit,
            "registered_at IS NOT NULL",
            {"valid": "1", "registered": "1"},
        ),
        (
            "registered_at",
            HANDLER,
            "registered_at IS NOT NULL AND status <> 'registered'",
            {"dispatched": "1"},
        ),
        ("step_started_at", grid_unit, "status = 'declined'", {"declined": "1"}),
        ("step_started_at", grid_unit, "status = 'void'", {"voided": "1"}),
        (
            "responded_at",
            HANDLER,
            "responded_at IS NOT NULL",
            {
                "responded": "1",
                "handled": "1",
                "handled_on_time": "(responded_at <= handle_due_at)::int",
            },
        ),
        ("closed_at", HANDLER, "closed_at IS NOT NULL", closing),
    ]


def _cases_with_time(where: str) -> str:
    """The cases matching `where`, each with its whole seconds to close and the index of their
    bucket ((lower, bound] as close_time_metrics counts them), computed once."""
    from gongzhi.insights.models import CLOSE_BUCKETS

    bounds = ", ".join(str(b) for _n, b in CLOSE_BUCKETS if b is not None)
    secs = "floor(extract(epoch FROM closed_at - reported_at))::bigint"
    return (
        f"SELECT *, {secs} AS secs, width_bucket({secs} - 1, ARRAY[{bounds}]::bigint[]) AS bucket "
        f"FROM cases_case WHERE {where}"
    )


def counters_sql(where: str = "TRUE") -> str:
    """INSERT the counter rows of the cases matching `where`, from the cases' timelines: one scan,
    each case giving one row per counted event (LATERAL VALUES), summed per cell."""
    from gongzhi.insights.models import METRICS

    rows = []
    for when, unit, which, values in _events():
        cols = ", ".join(f"{values.get(m, '0')}" for m in METRICS)
        rows.append(f"(CASE WHEN {which} THEN {_local_day(when)} END, {unit}, {cols})")
    metrics = ", ".join(METRICS)
    sums = ", ".join(f"sum(e.{m})" for m in METRICS)
    return (
        f"INSERT INTO insights_casecounter (day, grid_code, category_id, unit, {metrics}) "
        f"SELECT e.day, c.grid_code, c.category_id, e.unit, {sums} FROM ({_cases_with_time(where)}) c "
        f"CROSS JOIN LATERAL (VALUES {', '.join(rows)}) AS e(day, unit, {metrics}) "
        "WHERE e.day IS NOT NULL GROUP BY e.day, c.grid_code, c.category_id, e.unit"
    )


def naive_sql(by_street: bool) -> str:
    """The same figures as the dashboard's, from one plain aggregate over the cases table."""

    def inside(col: str) -> str:
        return f"{col} >= %(lo)s AND {col} < %(hi)s"

    seconds = "floor(extract(epoch FROM closed_at - reported_at))::bigint"
    closed = inside("closed_at")
    figures = {
        "reported": f"count(*) FILTER (WHERE {inside('reported_at')})",
        "valid": f"count(*) FILTER (WHERE {inside('registered_at')})",
        "registered": f"count(*) FILTER (WHERE {inside('registered_at')})",
        "dispatched": f"count(*) FILTER (WHERE status <> 'registered' AND {inside('registered_at')})",
        "declined": f"count(*) FILTER (WHERE status = 'declined' AND {inside('step_started_at')})",
        "voided": f"count(*) FILTER (WHERE status = 'void' AND {inside('step_started_at')})",
        "responded": f"count(*) FILTER (WHERE {inside('responded_at')})",
        "handled": f"count(*) FILTER (WHERE {inside('responded_at')})",
        "handled_on_time": f"count(*) FILTER (WHERE responded_at <= handle_due_at AND {inside('responded_at')})",
        "closed": f"count(*) FILTER (WHERE {closed})",
        "closed_on_time": f"count(*) FILTER (WHERE closed_at <= close_due_at AND {closed})",
        "close_seconds": f"coalesce(sum({seconds}) FILTER (WHERE {closed}), 0)",
        "rated_satisfied": f"count(*) FILTER (WHERE rating = 'satisfied' AND {closed})",
        "rated_basically_satisfied": f"count(*) FILTER (WHERE rating = 'basically_satisfied' AND {closed})",
        "median_close": f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {seconds}) FILTER (WHERE {closed})",
    }
    cols = ", ".join(f"{expr} AS {name}" for name, expr in figures.items())
    any_event = " OR ".join(
        inside(c)
        for c in ("reported_at", "registered_at", "responded_at", "closed_at", "step_started_at")
    )
    key = "left(grid_code, 9) AS street, " if by_street else ""
    group = " GROUP BY 1 ORDER BY 1" if by_street else ""
    return (
        f"SELECT {key}{cols} FROM cases_case "
        f"WHERE grid_code >= %(lo_code)s AND grid_code < %(hi_code)s AND ({any_event}){group}"
    )


def generate(total: int, batch: int, first: int = 1) -> None:
    """Add `total` cases numbered from `first`, then write every counter row from the cases."""
    from django.db import connection
    from django.utils import timezone

    from gongzhi.cases.actions import rule_in_force
    from gongzhi.cases.models import Category
    from gongzhi.places.models import Grid

    grids = list(
        Grid.objects.filter(boundary__isnull=False, code__startswith=DISTRICT)
        .order_by("code")
        .values_list("code", "min_lat", "max_lat", "min_lng", "max_lng")
    )
    cats = []
    for c in Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk"):
        rule = rule_in_force(c)
        tier = rule.lowest_tier if rule.lowest_tier != "grid" else "community"
        cats.append((c.pk, c.kind, rule.pk, tier, rule.department_id if tier == "street" else None))
    params: dict[str, Any] = {
        "now": timezone.now(),
        "cat_id": [c[0] for c in cats],
        "cat_kind": [c[1] for c in cats],
        "cat_rule": [c[2] for c in cats],
        "cat_tier": [c[3] for c in cats],
        "cat_unit": [c[4] for c in cats],
        "n_categories": len(cats),
        "grid_code": [g[0] for g in grids],
        "lat": [(float(g[1] or 0) + float(g[2] or 0)) / 2 for g in grids],
        "lng": [(float(g[3] or 0) + float(g[4] or 0)) / 2 for g in grids],
        "n_grids": len(grids),
    }
    print(
        f"generating {total:,} cases over {len(grids)} grids and {len(cats)} categories", flush=True
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SECONDARY_INDEXES, ["cases_case"])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK trigger per row
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")
        try:
            done = 0
            while done < total:
                n = min(batch, total - done)
                t = time.perf_counter()
                bounds = {"first": first + done, "last": first + done + n - 1}
                cursor.execute(GENERATE, {**params, **bounds})
                done += n
                print(
                    f"  {done:>12,} cases ({n / (time.perf_counter() - t):,.0f} rows/s)", flush=True
                )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        loaded = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        indexed = time.perf_counter()
        print(
            f"  cases in {loaded - began:.0f} s; {len(indexes)} indexes rebuilt in {indexed - loaded:.0f} s",
            flush=True,
        )
        cursor.execute(f"TRUNCATE {', '.join(COUNTER_TABLES)}")
        cursor.execute(SECONDARY_INDEXES, ["insights_casecounter"])
        counter_indexes = cursor.fetchall()
        for name, _definition in counter_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        t = time.perf_counter()
        # By street: each cell lies in one grid, so the parts never overlap.
        streets = sorted({g[0][:9] for g in grids})
        for s in streets:
            upper = s[:-1] + chr(ord(s[-1]) + 1)
            cursor.execute(
                counters_sql("grid_code >= %(lo)s AND grid_code < %(hi)s"), {"lo": s, "hi": upper}
            )
        for _name, definition in counter_indexes:
            cursor.execute(definition)
        for sql in roll_ups():
            cursor.execute(sql)
        for table in COUNTER_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()
            print(f"  {rows[0] if rows else 0:>12,} rows in {table}", flush=True)
        print(f"  counters written from the cases in {time.perf_counter() - t:.0f} s", flush=True)
        cursor.execute("VACUUM (ANALYZE) cases_case")
        for table in COUNTER_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET work_mem")
    print(f"generation took {time.perf_counter() - began:.0f} s", flush=True)


COUNTER_TABLES = (
    "insights_casecounter",
    "insights_casecountermonth",
    "insights_griddaycounter",
    "insights_gridmonthcounter",
)


def roll_ups() -> list[str]:
    """The roll-ups written from the day cells, as `bump` keeps them."""
    from gongzhi.insights.models import METRICS

    cols = ", ".join(METRICS)
    sums = ", ".join(f"sum({m})" for m in METRICS)
    return [
        f"INSERT INTO insights_casecountermonth (month, grid_code, category_id, unit, {cols}) "
        f"SELECT date_trunc('month', day)::date, grid_code, category_id, unit, {sums} "
        "FROM insights_casecounter GROUP BY 1, 2, 3, 4",
        f"INSERT INTO insights_griddaycounter (day, grid_code, {cols}) "
        f"SELECT day, grid_code, {sums} FROM insights_casecounter GROUP BY 1, 2",
        f"INSERT INTO insights_gridmonthcounter (month, grid_code, {cols}) "
        f"SELECT date_trunc('month', day)::date, grid_code, {sums} FROM insights_griddaycounter "
        "GROUP BY 1, 2",
    ]


def timed_runs(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm-up
    fn()
    times = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:7.1f} ms, p95 {percentile(times, 95) * 1000:7.1f} ms"


def measure(runs: int) -> dict[str, float]:
    from django.db import connection
    from django.utils import timezone

    from gongzhi.insights.indicators import (
        Period,
        Scope,
        breakdown,
        dashboard,
        overdue_cases,
        totals,
    )

    district = Scope.place(DISTRICT)
    month = Period.of("month", timezone.localdate())
    lo, hi = month.bounds()
    params: dict[str, Any] = {
        "lo": lo,
        "hi": hi,
        "lo_code": DISTRICT,
        "hi_code": DISTRICT[:-1] + chr(ord(DISTRICT[-1]) + 1),
    }

    def naive(by_street: bool) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(naive_sql(by_street), params)
            return cursor.fetchall()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        n_cases = cursor.fetchone()[0]
        counts = []
        for table, col in zip(COUNTER_TABLES, ("day", "month", "day", "month"), strict=True):
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE {col} BETWEEN %s AND %s) FROM {table}",
                [month.start, month.end],
            )
            n_all, n_month = cursor.fetchone()
            counts.append(f"{table[9:]} {n_all:,} ({n_month:,} this month)")
    print(f"\n{n_cases:,} cases; counter rows: {'; '.join(counts)}")

    t_board, board = timed_runs(lambda: dashboard(district, month), runs)
    t_totals, _t = timed_runs(lambda: totals(district, month), runs)
    t_overdue, overdue_n = timed_runs(lambda: overdue_cases(district).count(), runs)
    t_streets, streets = timed_runs(lambda: breakdown(district, month, "child"), runs)
    trend = Period.of("custom", month.end, month.end - dt.timedelta(days=29), month.end)
    t_trend, _d = timed_runs(lambda: breakdown(district, trend, "day"), runs)
    from gongzhi.cases.models import Category
    from gongzhi.orgs.models import Organisation, OrgKind

    category = Category.objects.filter(parent__isnull=True).order_by("code").first()
    t_category, _c = timed_runs(lambda: totals(district, month, category), runs)
    t_mix, _m = timed_runs(lambda: breakdown(district, month, "category"), runs)
    dept = Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("pk").first()
    assert dept is not None
    t_dept, _u = timed_runs(lambda: totals(Scope.unit(f"org:{dept.pk}"), month), runs)
    t_naive, naive_row = timed_runs(lambda: naive(False), max(5, runs // 3))
    t_naive_streets, naive_streets = timed_runs(lambda: naive(True), max(5, runs // 3))

    # Same numbers both ways.
    names = [
        "reported",
        "valid",
        "registered",
        "dispatched",
        "declined",
        "voided",
        "responded",
        "handled",
        "handled_on_time",
        "closed",
        "closed_on_time",
        "close_seconds",
        "rated_satisfied",
        "rated_basically_satisfied",
    ]
    row = dict(zip([*names, "median_close"], naive_row[0], strict=True))
    for m in names:
        assert board.totals[m] == row[m], f"{m}: counters {board.totals[m]} ≠ cases {row[m]}"
    for r in naive_streets:
        s = dict(zip(["street", *names, "median_close"], r, strict=True))
        for m in names:
            assert streets[s["street"]][m] == s[m], f"{s['street']} {m}"
    figs = board.by_code()
    print(
        "same figures both ways: "
        f"reported {board.totals['reported']:,}, 结案率 {figs['case_closure_rate'].display}, "
        f"按期结案率 {figs['on_time_closure_rate'].display}, 满意率 {figs['satisfaction_rate'].display}, "
        f"三率 {figs['three_rates'].display}; overdue now {overdue_n:,}; "
        f"median time to close {figs['median_close_time'].display} (estimated from buckets) vs "
        f"{(row['median_close'] or 0) / 3600:.1f} h (exact, from the cases)"
    )
    print(f"  dashboard (figures + overdue now)   {ms(t_board)}")
    print(f"    of which the counters' aggregate  {ms(t_totals)}")
    print(f"    of which overdue now              {ms(t_overdue)}")
    print(f"  streets table from the counters     {ms(t_streets)}")
    print(f"  30-day trend (per day, the grids' days)      {ms(t_trend)}")
    print(f"  a major class's figures (the months' cells)  {ms(t_category)}")
    print(f"  category mix (the months' cells)             {ms(t_mix)}")
    print(f"  a department's figures (the months' cells)   {ms(t_dept)}")
    print(f"  naive: figures from the cases        {ms(t_naive)}")
    print(f"  naive: streets table from the cases  {ms(t_naive_streets)}")
    ratio = statistics.median(t_naive) / statistics.median(t_totals)
    ratio_streets = statistics.median(t_naive_streets) / statistics.median(t_streets)
    print(f"  ratio naive / counters: figures {ratio:,.0f}×, streets table {ratio_streets:,.0f}×")
    return {"dashboard": statistics.median(t_board), "overdue": statistics.median(t_overdue)}


def overdue_without_index(runs: int) -> None:
    """Time "overdue now" with the open-cases indexes dropped inside a transaction rolled back."""
    from django.db import connection, transaction

    from gongzhi.insights.indicators import Scope, overdue_cases

    class _Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for name in OPEN_INDEXES:
                    cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
            t, _n = timed_runs(lambda: overdue_cases(Scope.place(DISTRICT)).count(), runs)
            print(f"  overdue now without the open-cases indexes {ms(t)}  (dropped, rolled back)")
            raise _Rollback
    except _Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500_000)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    args = parser.parse_args()

    print(f"indicators benchmark · {machine()}")
    if args.reuse and database_exists(DB_NAME):
        setup_django(database_url(DB_NAME))
        measure(args.runs)
        overdue_without_index(args.runs)
        return
    url = create_database(DB_NAME)
    try:
        setup_django(url)
        print(f"migrated in {migrate():.1f} s")
        print(seed_district())
        have = 0
        for n in sorted(args.cases):
            # Each size adds cases to the ones before: the year fills up with more of them.
            generate(n - have, args.batch, first=have + 1)
            have = n
            measure(args.runs)
            overdue_without_index(args.runs)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(DB_NAME)
            print(f"\ndropped {DB_NAME}")


if __name__ == "__main__":
    main()
