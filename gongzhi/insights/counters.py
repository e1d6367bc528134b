"""Adding to the counter rows, inside the caller's transaction: the day's cell and its two roll-ups
(the month's cell, the grid's day), in one statement on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from .models import (
    CLOSE_BUCKETS,
    METRICS,
    CaseCounter,
    CaseCounterMonth,
    GridDayCounter,
    GridMonthCounter,
)

CounterModel = type[CaseCounter | CaseCounterMonth | GridDayCounter | GridMonthCounter]

# (model, its key columns): the rows one event adds to, finest first.
TABLES: tuple[tuple[CounterModel, tuple[str, ...]], ...] = (
    (CaseCounter, ("day", "grid_code", "category_id", "unit")),
    (CaseCounterMonth, ("month", "grid_code", "category_id", "unit")),
    (GridDayCounter, ("day", "grid_code")),
    (GridMonthCounter, ("month", "grid_code")),
)


def _upsert(
    model: CounterModel,
    keys: Sequence[str],
    cols: Sequence[str],
) -> str:
    """INSERT … ON CONFLICT DO UPDATE adding `cols` to the row of `keys`: safe under concurrency on
    PostgreSQL and SQLite."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    quoted = [q(c) for c in cols]
    rest = [q(m) for m in METRICS if m not in cols]
    return (
        f"INSERT INTO {table} ({', '.join([*map(q, keys), *quoted, *rest])}) "
        f"VALUES ({', '.join(['%s'] * (len(keys) + len(cols)))}{', 0' * len(rest)}) "
        f"ON CONFLICT ({', '.join(map(q, keys))}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in quoted)
    )


def bump_statements(cols: Sequence[str]) -> list[str]:
    """The statements `bump` runs for these columns: one on PostgreSQL (data-modifying WITH
    clauses), one per table elsewhere. Parameters: see `bump_params`."""
    parts = [_upsert(model, keys, cols) for model, keys in TABLES]
    if connection.vendor == "postgresql":
        *first, last = parts
        return ["WITH " + ", ".join(f"u{i} AS ({p})" for i, p in enumerate(first)) + " " + last]
    return parts


def bump_params(
    day: dt.date, grid_code: str, category_id: int, unit: str, values: Sequence[int]
) -> list[list[Any]]:
    month = day.replace(day=1)
    rows: list[list[Any]] = [
        [day, grid_code, category_id, unit, *values],
        [month, grid_code, category_id, unit, *values],
        [day, grid_code, *values],
        [month, grid_code, *values],
    ]
    if connection.vendor == "postgresql":
        return [[v for row in rows for v in row]]
    return rows


def bump(day: dt.date, grid_code: str, category_id: int, unit: str, **deltas: int) -> None:
    """Add `deltas` (metric=+n or -n) to the row of (day, grid, category, unit) and to its roll-ups,
    creating them."""
    unknown = set(deltas) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    if not deltas:
        return
    cols = list(deltas)
    values = [deltas[c] for c in cols]
    with connection.cursor() as cursor:
        for sql, params in zip(
            bump_statements(cols),
            bump_params(day, grid_code, category_id, unit, values),
            strict=True,
        ):
            cursor.execute(sql, params)


def close_time_metrics(
    reported_at: dt.datetime, closed_at: dt.datetime, sign: int = 1
) -> dict[str, int]:
    """The time-to-close counters of one closure (sign -1 takes a closure back): its whole seconds
    from report to close, and 1 in its duration bucket."""
    seconds = max(0, int((closed_at - reported_at).total_seconds()))
    bucket = next(name for name, bound in CLOSE_BUCKETS if bound is None or seconds <= bound)
    return {"close_seconds": sign * seconds, bucket: sign}
