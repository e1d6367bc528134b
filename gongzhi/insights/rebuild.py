"""Counters rebuilt from the case timelines, independently of the live path, and compared with
what is stored: the two must agree exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.cases.models import Case, CaseStep

from .models import METRICS, CaseCounter

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


def step_deltas(
    step: CaseStep, last_close: CaseStep | None
) -> Iterator[tuple[CaseStep, dict[str, int]]]:
    """The counter changes one timeline row stands for, and the row whose day and unit they go to."""
    action = step.action
    if action in SIMPLE:
        yield step, {SIMPLE[action]: 1}
    elif action == "respond":
        deltas = {"handled": 1, "handled_on_time": int(bool(step.on_time))}
        if step.from_status == "dispatched":  # responding without accepting first is the response
            deltas["responded"] = 1
        yield step, deltas
    elif action == "close":
        yield step, {"closed": 1, "closed_on_time": int(bool(step.on_time))}
    elif action == "rate":
        rating = step.data.get("rating", "")
        yield step, {f"rated_{rating}": 1}
        if rating == "unsatisfied":
            if last_close is not None:
                yield last_close, {"closed": -1, "closed_on_time": -int(bool(last_close.on_time))}
            yield step, {"reworked": 1}
    elif action == "summon":
        yield step, {"summoned": len(step.data.get("departments", []))}
    elif action == "report_for_duty" and step.on_time:
        yield step, {"summons_on_time": 1}


def expected_counters(batch: int = 20_000) -> dict[Cell, dict[str, int]]:
    """Every counter cell as the timelines say it should be."""
    cells: dict[Cell, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "grid_code", "category_id")[:batch]
        )
        if not cases:
            break
        last_id = cases[-1][0]
        meta = {pk: (grid, cat) for pk, grid, cat in cases}
        last_close: dict[int, CaseStep] = {}
        steps = CaseStep.objects.filter(case_id__in=list(meta)).order_by("case_id", "at", "id")
        for step in steps.iterator(chunk_size=5000):
            grid, cat = meta[step.case_id]
            for where, deltas in step_deltas(step, last_close.get(step.case_id)):
                cell = (timezone.localdate(where.at).isoformat(), grid, cat, where.unit)
                for metric, delta in deltas.items():
                    cells[cell][metric] += delta
            if step.action == "close":
                last_close[step.case_id] = step
    return {k: v for k, v in cells.items() if any(v.values())}


def stored_counters() -> dict[Cell, dict[str, int]]:
    out: dict[Cell, dict[str, int]] = {}
    for row in CaseCounter.objects.values(
        "day", "grid_code", "category_id", "unit", *METRICS
    ).iterator():
        values = {m: row[m] for m in METRICS}
        if any(values.values()):
            out[(row["day"].isoformat(), row["grid_code"], row["category_id"], row["unit"])] = (
                values
            )
    return out


@dataclass
class Difference:
    cell: Cell
    metric: str
    stored: int
    expected: int


def compare() -> list[Difference]:
    expected, stored = expected_counters(), stored_counters()
    zero = dict.fromkeys(METRICS, 0)
    diffs: list[Difference] = []
    for cell in sorted(set(expected) | set(stored)):
        e, s = expected.get(cell, zero), stored.get(cell, zero)
        diffs.extend(Difference(cell, m, s[m], e[m]) for m in METRICS if s[m] != e[m])
    return diffs


def replace_stored() -> int:
    """Write the rebuilt counters in place of the stored ones, in one transaction."""
    expected = expected_counters()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {CaseCounter._meta.db_table} IN EXCLUSIVE MODE")
        CaseCounter.objects.all().delete()
        CaseCounter.objects.bulk_create(
            [
                CaseCounter(day=day, grid_code=grid, category_id=cat, unit=unit, **values)
                for (day, grid, cat, unit), values in expected.items()
            ],
            batch_size=5000,
        )
    return len(expected)
