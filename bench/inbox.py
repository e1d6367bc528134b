"""Inbox benchmark: a grid worker's and a department's first inbox page over millions of cases.

On a throwaway database (`gongzhi_bench_inbox`) holding the demo district (401 grids, the default
categories with their rules, eight departments, people in every role), it generates cases with SQL
(`INSERT … SELECT … FROM generate_series`) straight into the cases table — about 90 % closed,
declined, void or shelved over the past year, the rest open in every open status (mostly recent),
spread over all grids and categories, about 5 % held by the demo department — then VACUUM ANALYZE.
It then times `gongzhi.cases.queries.inbox(user)`'s first page, `list(qs[:20])`, for the demo
grid worker (御祥园社区第1网格) and the demo department staff member (城管局): a warm-up, then the
median and p95 of --runs runs, each with the user loaded afresh as a request would; the inbox
count beside it; and EXPLAIN ANALYZE's plan with the indexes it used.

Run: DEBUG=true .venv/bin/python bench/inbox.py [--cases 1000000] [--runs 50] [--keep] [--reuse]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    create_database,
    database_exists,
    database_url,
    drop_database,
    machine,
    median_ms,
    migrate,
    percentile,
    seed_district,
    setup_django,
)

DB_NAME = "gongzhi_bench_inbox"
DESCRIPTIONS = (
    "门口有车辆长期停放，堵住了消防通道，希望尽快处理",
    "小区东门附近路灯不亮已经三天，晚上出行很不方便",
    "楼下垃圾堆放多日没有清运，天热有异味，影响居民生活",
    "人行道地砖松动破损，老人走路容易绊倒",
    "夜间施工噪音很大，影响休息，请相关部门核查",
    "楼道里堆满杂物，存在消防隐患",
    "路边井盖缺失，车辆和行人通过有危险",
    "有人在绿地里私自搭建棚子，占用公共空间",
    "小广告贴满了单元门和电线杆，清理后又有新的",
    "楼上漏水到我家天花板，物业一直没有处理",
)

# One row per generated case, drawn in the inner SELECT (OFFSET 0 keeps each random() a single
# draw per row), shaped in the middle one, written by the outer one.
GENERATE = """
INSERT INTO cases_case (number, kind, category_id, rule_id, source, status, description, address,
    lat, lng, grid_code, reporter_id, is_anonymous, is_public, tier, assigned_scope,
    assigned_unit_id, step_started_at, step_due_at, step_clock, handle_due_at, close_due_at,
    me_too, rework_count, rating, rating_comment, public_answer, tokens, reported_at,
    registered_at, responded_at, closed_at, updated_at, version)
SELECT 'B' || lpad(g::text, 11, '0'), kind, category_id, rule_id, source, status, description, '',
    lat, lng, grid_code, reporter_id, false, true, tier,
    CASE tier WHEN 'grid' THEN grid_code WHEN 'community' THEN left(grid_code, 12)
              WHEN 'street' THEN left(grid_code, 9) ELSE left(grid_code, 6) END,
    unit_id, step_started_at, step_due_at, step_clock,
    CASE WHEN status IN ('dispatched', 'handling', 'responded', 'verified') THEN step_due_at END,
    NULL, 0, 0, CASE WHEN status = 'closed' AND ur < 0.6 THEN 'satisfied' ELSE '' END, '', '',
    tokens, reported_at,
    CASE WHEN status NOT IN ('reported', 'confirmed', 'declined') THEN reported_at + interval '2 hours' END,
    CASE WHEN status IN ('responded', 'verified', 'closed') THEN step_started_at END,
    closed_at, coalesce(closed_at, step_started_at), 1 + floor(ur * 8)::int
FROM (
    SELECT g, status, ur,
        (%(cat_kind)s::text[])[ci] AS kind,
        (%(cat_id)s::bigint[])[ci] AS category_id,
        (%(cat_rule)s::bigint[])[ci] AS rule_id,
        CASE WHEN usrc < 0.5 THEN 'resident_app' WHEN usrc < 0.8 THEN 'patrol'
             WHEN usrc < 0.95 THEN 'hotline' ELSE 'command_centre' END AS source,
        CASE WHEN usrc < 0.5 THEN (%(residents)s::bigint[])[1 + floor(ur * %(n_residents)s)::int]
        END AS reporter_id,
        (%(descriptions)s::text[])[di] AS description,
        (%(tokens)s::text[])[di] AS tokens,
        (%(grid_code)s::text[])[gi] AS grid_code,
        (%(min_lat)s::float8[])[gi] + ((%(max_lat)s::float8[])[gi] - (%(min_lat)s::float8[])[gi]) * (0.25 + ulat / 2) AS lat,
        (%(min_lng)s::float8[])[gi] + ((%(max_lng)s::float8[])[gi] - (%(min_lng)s::float8[])[gi]) * (0.25 + ulng / 2) AS lng,
        unit_id,
        CASE WHEN unit_id IS NOT NULL THEN 'street'
             WHEN status IN ('reported', 'confirmed', 'declined', 'void') OR utier < 0.7 THEN 'grid'
             WHEN utier < 0.9 THEN 'community' WHEN utier < 0.98 THEN 'street'
             ELSE 'command_centre' END AS tier,
        reported_at,
        CASE WHEN open THEN reported_at + (%(now)s - reported_at) * ud
             ELSE least(reported_at + interval '20 days' * ud, %(now)s) END AS step_started_at,
        CASE WHEN open THEN reported_at + (%(now)s - reported_at) * ud
            + CASE WHEN status IN ('dispatched', 'handling') THEN interval '1 day' * (1 + floor(uj * 15))
                   ELSE interval '1 hour' * (2 + floor(uj * 46)) END
        END AS step_due_at,
        CASE WHEN NOT open THEN ''
             WHEN status IN ('dispatched', 'handling', 'verified') THEN 'working_days'
             ELSE 'office_hours' END AS step_clock,
        CASE WHEN status = 'closed' THEN least(reported_at + interval '20 days' * ud, %(now)s)
        END AS closed_at
    FROM (
        SELECT g, status, open, ci, gi, di, ur, ulat, ulng, utier, ud, uj, usrc,
            CASE WHEN status IN ('reported', 'confirmed', 'registered', 'declined', 'void') THEN NULL
                 WHEN uu < %(dept_share)s THEN %(dept)s::bigint
                 WHEN uu < 0.30 THEN (%(other_depts)s::bigint[])[1 + floor(uu * 1000)::int %% %(n_other_depts)s]
            END AS unit_id,
            CASE WHEN open THEN %(now)s - interval '45 days' * ut * ut
                 ELSE %(now)s - interval '365 days' * ut END AS reported_at
        FROM (
            SELECT g, ci, gi, di, ur, ulat, ulng, utier, ud, uj, uu, ut, usrc,
                status, status IN ('reported', 'confirmed', 'registered', 'dispatched', 'handling',
                                   'responded', 'verified') AS open
            FROM (
                SELECT g,
                    1 + floor(random() * %(n_categories)s)::int AS ci,
                    1 + floor(random() * %(n_grids)s)::int AS gi,
                    1 + floor(random() * %(n_descriptions)s)::int AS di,
                    random() AS us, random() AS ur, random() AS ulat, random() AS ulng,
                    random() AS utier, random() AS ud, random() AS uj, random() AS uu,
                    random() AS ut, random() AS usrc
                FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
                OFFSET 0
            ) draws
            CROSS JOIN LATERAL (SELECT CASE
                WHEN us < 0.880 THEN 'closed'   WHEN us < 0.890 THEN 'declined'
                WHEN us < 0.898 THEN 'void'     WHEN us < 0.900 THEN 'shelved'
                WHEN us < 0.920 THEN 'reported' WHEN us < 0.925 THEN 'confirmed'
                WHEN us < 0.935 THEN 'registered' WHEN us < 0.955 THEN 'dispatched'
                WHEN us < 0.980 THEN 'handling' WHEN us < 0.990 THEN 'responded'
                ELSE 'verified' END AS status) s
        ) shaped
    ) placed
) final
"""

# Secondary indexes (not the primary key, not a constraint's) are dropped for the load and made
# again after it: building an index once is far quicker than keeping it up row by row.
SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = 'cases_case'::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY i.relname
"""


@dataclass(frozen=True)
class Who:
    label: str
    user_id: int


def generate(total: int, batch: int) -> None:
    """Generate `total` cases over the district in the database, in batches, and analyse them."""
    from django.db import connection
    from django.utils import timezone

    from gongzhi.cases.actions import rule_in_force
    from gongzhi.cases.duplicates import tokens
    from gongzhi.cases.models import Category
    from gongzhi.orgs.models import Organisation, OrgKind
    from gongzhi.people.models import Membership, ResidentProfile, Role
    from gongzhi.places.models import Grid

    dept = department_of("department_staff")
    grids = list(
        Grid.objects.filter(boundary__isnull=False)
        .order_by("code")
        .values_list("code", "min_lat", "max_lat", "min_lng", "max_lng")
    )
    categories = [
        (c.pk, c.kind, rule_in_force(c).pk)
        for c in Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk")
    ]
    others = list(
        Organisation.objects.filter(kind=OrgKind.DEPARTMENT)
        .exclude(pk=dept)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    residents = list(ResidentProfile.objects.order_by("pk").values_list("user_id", flat=True))
    assert Membership.objects.filter(role=Role.GRID_WORKER).exists()
    params: dict[str, Any] = {
        "now": timezone.now(),
        "cat_id": [c[0] for c in categories],
        "cat_kind": [c[1] for c in categories],
        "cat_rule": [c[2] for c in categories],
        "n_categories": len(categories),
        "grid_code": [g[0] for g in grids],
        "min_lat": [g[1] for g in grids],
        "max_lat": [g[2] for g in grids],
        "min_lng": [g[3] for g in grids],
        "max_lng": [g[4] for g in grids],
        "n_grids": len(grids),
        "descriptions": list(DESCRIPTIONS),
        "tokens": [" ".join(sorted(tokens(d))) for d in DESCRIPTIONS],
        "n_descriptions": len(DESCRIPTIONS),
        "residents": residents,
        "n_residents": len(residents),
        "dept": dept,
        "dept_share": 0.05,
        "other_depts": others,
        "n_other_depts": len(others),
    }
    print(
        f"generating {total:,} cases over {len(grids)} grids and {len(categories)} categories "
        f"(batches of {batch:,})",
        flush=True,
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SECONDARY_INDEXES)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Generated rows reference only existing rows, so the deferred foreign-key checks (one
        # trigger event per row and key, held until commit) are skipped during the load.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        try:
            done = 0
            while done < total:
                n = min(batch, total - done)
                t = time.perf_counter()
                cursor.execute(GENERATE, {**params, "first": done + 1, "last": done + n})
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
            f"  rows in {loaded - began:.0f} s; {len(indexes)} indexes rebuilt in "
            f"{indexed - loaded:.0f} s",
            flush=True,
        )
        cursor.execute("VACUUM (ANALYZE) cases_case")
        cursor.execute("RESET maintenance_work_mem")
    print(
        f"generation took {time.perf_counter() - began:.0f} s "
        f"(VACUUM ANALYZE {time.perf_counter() - indexed:.0f} s)",
        flush=True,
    )


def department_of(username: str) -> int:
    from gongzhi.people.models import Membership, Role

    dept = (
        Membership.objects.filter(
            user__username=username, role=Role.DEPARTMENT_STAFF, organisation__isnull=False
        )
        .values_list("organisation_id", flat=True)
        .first()
    )
    assert dept is not None, f"{username} works for no department"
    return dept


def describe_data() -> None:
    from django.db import connection

    from gongzhi.cases.models import OPEN_STATUSES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = ANY(%s)), "
            "count(*) FILTER (WHERE assigned_unit_id = %s), "
            "pg_size_pretty(pg_total_relation_size('cases_case')) FROM cases_case",
            [list(OPEN_STATUSES), department_of("department_staff")],
        )
        row = cursor.fetchone()
    assert row is not None
    total, open_, dept, size = row
    print(
        f"cases: {total:,}, open {open_:,} ({open_ / max(total, 1):.1%}), held by the department "
        f"{dept:,} ({dept / max(total, 1):.1%}); table and indexes {size}"
    )


def plan_summary(qs: Any) -> list[str]:
    """EXPLAIN ANALYZE of the query: its plan nodes (without cost estimates) and timings."""
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        lines = [r[0] for r in cursor.fetchall()]
    out = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("->", "Planning Time", "Execution Time")) or line == lines[0]:
            out.append(re.sub(r"\(cost=[^)]*\) ", "", line))
    used = sorted(
        set(re.findall(r"(?:Index|Index Only) Scan (?:Backward )?using (\w+)", "\n".join(lines)))
    )
    used += sorted(set(re.findall(r"Bitmap Index Scan on (\w+)", "\n".join(lines))))
    seq = " + SEQUENTIAL SCAN" if "Seq Scan" in "\n".join(lines) else ""
    return [f"indexes used: {', '.join(used) or 'none'}{seq}", *out]


def time_inbox(who: Who, runs: int, warmup: int, budget: float, show_sql: bool) -> None:
    from gongzhi.cases.queries import inbox
    from gongzhi.people.models import User

    def page() -> list[Any]:
        user = User.objects.get(pk=who.user_id)  # as a request loads it, memberships not cached
        return list(inbox(user)[:20])

    def count() -> int:
        return inbox(User.objects.get(pk=who.user_id)).count()

    def measure(fn: Callable[[], object]) -> tuple[list[float], object]:
        """`warmup` untimed runs, then `runs` timed ones, stopping early (after at least 3) once
        `budget` seconds are spent: a sequential scan over 10 M rows takes seconds a run."""
        result: object = None
        began = time.perf_counter()
        for _ in range(warmup):
            fn()
            if time.perf_counter() - began > budget / 4:
                break
        times: list[float] = []
        began = time.perf_counter()
        while len(times) < runs and (len(times) < 3 or time.perf_counter() - began < budget):
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        return times, result

    loaded = User.objects.get(pk=who.user_id)
    inbox(loaded)  # its memberships are now cached on it

    def query_only() -> list[Any]:
        return list(inbox(loaded)[:20])

    rows_times, rows = measure(page)
    query_times, _rows = measure(query_only)
    count_times, n = measure(count)
    assert isinstance(rows, list)
    print(f"\n{who.label}: inbox holds {n:,} cases; first page {len(rows)} rows")
    for label, times in (
        ("first page, as a request (user, roles, page)", rows_times),
        ("first page, the page query alone", query_times),
        ("count, as a request", count_times),
    ):
        print(
            f"  {label + ':':<47} median {median_ms(times):7.1f} ms, "
            f"p95 {percentile(times, 95) * 1000:7.1f} ms ({len(times)} runs)"
        )
    qs = inbox(User.objects.get(pk=who.user_id))[:20]
    if show_sql:
        print(f"  SQL: {qs.query}")
    for line in plan_summary(qs):
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000, help="cases per INSERT")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds at most for each timing's runs"
    )
    parser.add_argument("--sql", action="store_true", help="print each inbox query's SQL")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    parser.add_argument(
        "--reuse", action="store_true", help=f"time over {DB_NAME} as kept by an earlier --keep"
    )
    args = parser.parse_args()
    if args.cases < 1 or args.runs < 1:
        parser.error("--cases and --runs must be positive")

    print(f"machine: {machine()}")
    reuse = args.reuse and database_exists(DB_NAME)
    db_url = database_url(DB_NAME) if reuse else create_database(DB_NAME)
    try:
        setup_django(db_url, debug=True)
        if reuse:
            print(f"reusing {DB_NAME}")
        else:
            print(f"migrated {DB_NAME} in {migrate():.1f} s")
            print(seed_district())
            generate(args.cases, args.batch)
        describe_data()
        from gongzhi.people.models import User

        people = [
            Who(label, User.objects.get(username=username).pk)
            for username, label in (
                ("grid_worker", "grid worker (网格员, 御祥园社区第1网格)"),
                ("department_staff", "department staff (城管局)"),
            )
        ]
        for who in people:
            time_inbox(who, args.runs, args.warmup, args.budget, args.sql)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nkept {db_url}")
        else:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
