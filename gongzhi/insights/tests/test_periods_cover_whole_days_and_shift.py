"""Periods: day, ISO week (Monday–Sunday), month, quarter, year and custom ranges cover whole local
days, shift to the previous and next period, and pick exactly the counter rows inside them."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.conftest import DISTRICT, Cast
from gongzhi.insights.indicators import Period, Scope, totals

from .conftest import BEIJING, counter

D = dt.date


@pytest.mark.parametrize(
    "kind,anchor,start,end",
    [
        ("day", D(2026, 2, 28), D(2026, 2, 28), D(2026, 2, 28)),
        ("week", D(2026, 9, 16), D(2026, 9, 14), D(2026, 9, 20)),  # Wednesday → Monday..Sunday
        ("week", D(2026, 9, 14), D(2026, 9, 14), D(2026, 9, 20)),
        ("week", D(2026, 9, 20), D(2026, 9, 14), D(2026, 9, 20)),
        ("month", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)),  # a leap February
        ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 5, 5), D(2026, 4, 1), D(2026, 6, 30)),
        ("quarter", D(2026, 12, 1), D(2026, 10, 1), D(2026, 12, 31)),
        ("year", D(2026, 7, 1), D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_each_period_kind_holds_its_anchor(
    kind: str, anchor: dt.date, start: dt.date, end: dt.date
) -> None:
    p = Period.of(kind, anchor)
    assert (p.start, p.end) == (start, end)


def test_custom_periods_are_ordered_and_bounded() -> None:
    p = Period.of("custom", D(2026, 1, 1), D(2026, 3, 5), D(2026, 3, 1))
    assert (p.start, p.end, p.days) == (D(2026, 3, 1), D(2026, 3, 5), 5)
    with pytest.raises(ValueError):
        Period.of("custom", D(2026, 1, 1), D(2020, 1, 1), D(2026, 1, 1))
    with pytest.raises(ValueError):
        Period.of("custom", D(2026, 1, 1))
    with pytest.raises(ValueError):
        Period.of("fortnight", D(2026, 1, 1))


def test_periods_shift_to_their_neighbours() -> None:
    assert Period.of("month", D(2026, 1, 15)).shifted(-1) == Period.of("month", D(2025, 12, 1))
    assert Period.of("month", D(2026, 12, 15)).shifted(1) == Period.of("month", D(2027, 1, 1))
    assert Period.of("quarter", D(2026, 2, 1)).shifted(-1) == Period.of("quarter", D(2025, 11, 1))
    assert Period.of("year", D(2026, 2, 1)).shifted(1) == Period.of("year", D(2027, 6, 1))
    assert Period.of("week", D(2026, 1, 1)).shifted(1).start == D(2026, 1, 5)
    assert Period.of("day", D(2026, 3, 1)).shifted(-1).start == D(2026, 2, 28)
    custom = Period.of("custom", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 10))
    assert custom.shifted(1) == Period("custom", D(2026, 1, 11), D(2026, 1, 20))


def test_the_bounds_are_local_midnights() -> None:
    lo, hi = Period.of("day", D(2026, 3, 1)).bounds()
    assert lo == dt.datetime(2026, 3, 1, tzinfo=BEIJING)
    assert hi == dt.datetime(2026, 3, 2, tzinfo=BEIJING)


@pytest.mark.django_db
def test_each_period_counts_exactly_its_days(cast: Cast) -> None:
    for day, n in (
        (D(2026, 3, 31), 1),
        (D(2026, 4, 1), 10),
        (D(2026, 4, 5), 100),
        (D(2026, 4, 6), 1000),
        (D(2026, 7, 1), 10000),
    ):
        counter(day, cast.grid.code, reported=n)
    district = Scope.place(DISTRICT)

    def reported(kind: str, anchor: dt.date) -> int:
        return totals(district, Period.of(kind, anchor))["reported"]

    assert reported("day", D(2026, 4, 1)) == 10
    assert reported("week", D(2026, 4, 1)) == 111  # Mon 30 Mar .. Sun 5 Apr
    assert reported("month", D(2026, 4, 20)) == 1110
    assert reported("quarter", D(2026, 4, 20)) == 1110
    assert reported("quarter", D(2026, 3, 1)) == 1
    assert reported("year", D(2026, 1, 1)) == 11111
    assert (
        totals(district, Period.of("custom", D(2026, 1, 1), D(2026, 4, 5), D(2026, 7, 1)))[
            "reported"
        ]
        == 11100
    )
