"""Counters rebuilt from the case timelines, independently of the live path, and compared with
what is stored: the two must agree exactly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.cases.models import Case, CaseStep

from .counters import CounterModel, close_time_metrics
from .models import METRICS, CaseCounter, CaseCounterMonth, GridDayCounter, GridMonthCounter

Cell = tuple[str, str, int, str]  # (day ISO, grid code, category id, unit)

# What each timeline action counts, beside the special cases handled in step_deltas.
SIMPLE = {
    "report": "reported",
    "confirm": "valid",
    "decline": "declined",
    "register": "registered",
    "dispatch": "dispatched",
    "accept": "responded",
    "return": "returned",
    "escalate": "escalated",
    "approve_extension": "extended",
    "rework": "reworked",
    "shelve": "shelved",
    "void": "voided",
}


def _take_back_handling(last_respond: CaseStep | None) -> Iterator[tuple[CaseStep, dict[str, int]]]:
    """Rework: the handling that did not stand comes off the day (and unit) it was counted under."""
    if last_respond is not None:
        yield last_respond, {"handled": -1, "handled_on_time": -int(bool(last_respond.on_time))}


def step_deltas(
    step: CaseStep, last: dict[str, CaseStep], reported_at: dt.datetime
) -> Iterator[tuple[CaseStep, dict[str, int]]]:
    """The counter changes one timeline row stands for, and the row whose day and unit they go to.
    `last` holds the case's latest earlier step of each action ("respond", "close");
    `reported_at` is the case's: a closure's time to close runs from it to the close step."""
    action = step.action
    if action in SIMPLE:
        if action == "rework":  # a failed verification
            yield from _take_back_handling(last.get("respond"))
        yield step, {SIMPLE[action]: 1}
    elif action == "respond":
        deltas = {"handled": 1, "handled_on_time": int(bool(step.on_time))}
        if step.from_status == "dispatched":  # responding without accepting first is the response
            deltas["responded"] = 1
        yield step, deltas
    elif action == "close":
        yield (
            step,
            {
                "closed": 1,
                "closed_on_time": int(bool(step.on_time)),
                **close_time_metrics(reported_at, step.at),
            },
        )
    elif action == "rate":
        rating = step.data.get("rating", "")
        yield step, {f"rated_{rating}": 1}
        if rating == "unsatisfied":
            last_close = last.get("close")
            if last_close is not None:
                yield (
                    last_close,
                    {
                        "closed": -1,
                        "closed_on_time": -int(bool(last_close.on_time)),
                        **close_time_metrics(reported_at, last_close.at, sign=-1),
                    },
                )
            yield from _take_back_handling(last.get("respond"))
            yield step, {"reworked": 1}
    elif action == "summon":
        yield step, {"summoned": len(step.data.get("departments", []))}
    elif action == "report_for_duty" and step.on_time:
        yield step, {"summons_on_time": 1}


REMEMBERED = ("respond", "close")


def expected_counters(batch: int = 20_000) -> dict[Cell, dict[str, int]]:
    """Every counter cell as the timelines say it should be."""
    cells: dict[Cell, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "grid_code", "category_id", "reported_at")[:batch]
        )
        if not cases:
            break
        last_id = cases[-1][0]
        meta = {pk: (grid, cat, reported) for pk, grid, cat, reported in cases}
        last: dict[int, dict[str, CaseStep]] = defaultdict(dict)
        steps = CaseStep.objects.filter(case_id__in=list(meta)).order_by("case_id", "at", "id")
        for step in steps.iterator(chunk_size=5000):
            grid, cat, reported_at = meta[step.case_id]
            history = last[step.case_id]
            for where, deltas in step_deltas(step, history, reported_at):
                cell = (timezone.localdate(where.at).isoformat(), grid, cat, where.unit)
                for metric, delta in deltas.items():
                    cells[cell][metric] += delta
            if step.action in REMEMBERED:
                history[step.action] = step
    return {k: v for k, v in cells.items() if any(v.values())}


Key = tuple[Any, ...]
Model = CounterModel
# Each counter table, the name it is reported under, and its key columns.
TABLES: tuple[tuple[str, Model, tuple[str, ...]], ...] = (
    ("day", CaseCounter, ("day", "grid_code", "category_id", "unit")),
    ("month", CaseCounterMonth, ("month", "grid_code", "category_id", "unit")),
    ("grid-day", GridDayCounter, ("day", "grid_code")),
    ("grid-month", GridMonthCounter, ("month", "grid_code")),
)


def rolled_up(cells: dict[Cell, dict[str, int]]) -> dict[str, dict[Key, dict[str, int]]]:
    """The expected rows of every table from the expected day cells: the roll-ups are their sums."""
    month: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    grid_day: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    grid_month: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for (day, grid, cat, unit), values in cells.items():
        first = day[:8] + "01"
        rows = (month[(first, grid, cat, unit)], grid_day[(day, grid)], grid_month[(first, grid)])
        for metric, v in values.items():
            for row in rows:
                row[metric] += v
    out = {
        "day": dict(cells),
        "month": dict(month),
        "grid-day": dict(grid_day),
        "grid-month": dict(grid_month),
    }
    return {name: {k: v for k, v in rows.items() if any(v.values())} for name, rows in out.items()}


def _key(row: dict[str, Any], keys: tuple[str, ...]) -> Key:
    return tuple(row[k].isoformat() if isinstance(row[k], dt.date) else row[k] for k in keys)


def stored_counters(model: Model = CaseCounter) -> dict[Key, dict[str, int]]:
    keys = next(k for _n, m, k in TABLES if m is model)
    out: dict[Key, dict[str, int]] = {}
    for row in model.objects.values(*keys, *METRICS).iterator():
        values = {m: row[m] for m in METRICS}
        if any(values.values()):
            out[_key(row, keys)] = values
    return out


@dataclass
class Difference:
    cell: Key
    metric: str
    stored: int
    expected: int
    table: str = "day"


def compare() -> list[Difference]:
    """Every counter, in every table, that differs from what the timelines say."""
    expected = rolled_up(expected_counters())
    zero = dict.fromkeys(METRICS, 0)
    diffs: list[Difference] = []
    for name, model, _keys in TABLES:
        stored, wanted = stored_counters(model), expected[name]
        for cell in sorted(set(wanted) | set(stored)):
            e, s = wanted.get(cell, zero), stored.get(cell, zero)
            diffs.extend(Difference(cell, m, s[m], e[m], name) for m in METRICS if s[m] != e[m])
    return diffs


def replace_stored() -> int:
    """Write the rebuilt counters (and their roll-ups) in place of the stored ones, in one
    transaction. Returns the number of day cells."""
    expected = rolled_up(expected_counters())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for _name, model, _keys in TABLES:
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        for name, model, keys in TABLES:
            model.objects.all().delete()
            rows: list[Any] = [
                model(**dict(zip(keys, cell, strict=True)), **values)
                for cell, values in expected[name].items()
            ]
            model.objects.bulk_create(rows, batch_size=5000)
    return len(expected["day"])
