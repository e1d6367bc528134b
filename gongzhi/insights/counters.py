"""Adding to the counter rows, inside the caller's transaction, with one upsert statement."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from .models import METRICS, CaseCounter


def bump(day: dt.date, grid_code: str, category_id: int, unit: str, **deltas: int) -> None:
    """Add `deltas` (metric=+1 or -1) to the row of (day, grid, category, unit), creating it."""
    unknown = set(deltas) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    if not deltas:
        return
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    cols = list(deltas)
    quoted = [connection.ops.quote_name(c) for c in cols]
    # INSERT … ON CONFLICT DO UPDATE: one statement, safe under concurrency on PostgreSQL and SQLite.
    sql = (
        f"INSERT INTO {table} (day, grid_code, category_id, unit, {', '.join(quoted)}"
        f"{''.join(', ' + connection.ops.quote_name(m) for m in METRICS if m not in deltas)}) "
        f"VALUES (%s, %s, %s, %s, {', '.join(['%s'] * len(cols))}"
        f"{', 0' * (len(METRICS) - len(cols))}) "
        f"ON CONFLICT (day, grid_code, category_id, unit) DO UPDATE SET "
        + ", ".join(f"{q} = {table}.{q} + EXCLUDED.{q}" for q in quoted)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, grid_code, category_id, unit, *deltas.values()])
