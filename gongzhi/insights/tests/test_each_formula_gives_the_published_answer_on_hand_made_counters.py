"""Each indicator on hand-made counter rows with known answers (standards.md §4: 911 closed of 972
due → 93.72 %, 737 on time → 75.82 %), split over several rows, days, grids and units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gongzhi.conftest import DISTRICT, Cast
from gongzhi.insights.indicators import Period, Scope, dashboard, totals

from .conftest import counter

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
MONTH = Period.of("month", DAY)

# The month's counters, split over two rows so that the sum is tested too.
FIGURES = {
    "reported": 1000,
    "valid": 972,
    "declined": 20,
    "voided": 8,
    "registered": 972,
    "dispatched": 980,
    "returned": 10,
    "responded": 960,
    "handled": 950,
    "handled_on_time": 900,
    "closed": 911,
    "closed_on_time": 737,
    "reworked": 30,
    "extended": 12,
    "rated_satisfied": 700,
    "rated_basically_satisfied": 150,
    "rated_unsatisfied": 40,
    "summoned": 10,
    "summons_on_time": 9,
}


@pytest.fixture
def month_of_counters(cast: Cast) -> None:
    first = {k: v // 3 for k, v in FIGURES.items()}
    second = {k: v - first[k] for k, v in FIGURES.items()}
    counter(DAY, cast.grid.code, 1, "grid:" + cast.grid.code, **first)
    counter(DAY + dt.timedelta(days=5), cast.other_community_grid.code, 2, "org:1", **second)
    # Outside the month, and outside the district: never counted.
    counter(dt.date(2026, 4, 1), cast.grid.code, 1, "", reported=999, closed=999)
    counter(DAY, "110101001001001", 1, "", reported=999, closed=999)


def test_the_totals_are_the_sums_of_the_rows(month_of_counters: None) -> None:
    t = totals(Scope.place(DISTRICT), MONTH)
    assert {k: t[k] for k in FIGURES} == FIGURES


@pytest.mark.parametrize(
    "code,display",
    [
        ("case_closure_rate", "93.72 %"),  # 911 / 972
        ("on_time_closure_rate", "75.82 %"),  # 737 / 972
        ("valid_report_rate", "97.20 %"),  # 972 / 1000
        ("handling_rate", "97.94 %"),  # 950 / (980 − 10)
        ("on_time_handling_rate", "92.78 %"),  # 900 / 970
        ("rework_rate", "3.09 %"),  # 30 / 972
        ("extension_rate", "1.24 %"),  # 12 / 970
        ("closure_rate", "93.85 %"),  # (911 + 20) / (1000 − 8)
        ("response_rate", "98.77 %"),  # 960 / 972
        ("resolution_rate", "93.72 %"),  # 911 / 972
        ("satisfaction_rate", "85.91 %"),  # (700 + 0.9 × 150) / 972
        ("three_rates", "91.10"),  # 10 % × 98.77 + 50 % × 93.72 + 40 % × 85.91
        ("summons_on_time_rate", "90.00 %"),  # 9 / 10
        ("reported_count", "1,000"),
        ("registered_count", "972"),
        ("overdue_now", "0"),
    ],
)
def test_each_indicator_has_its_known_answer(
    month_of_counters: None, code: str, display: str
) -> None:
    board = dashboard(Scope.place(DISTRICT), MONTH)
    assert board.by_code()[code].display == display


def test_a_rate_shows_its_numerator_and_denominator_and_formula(month_of_counters: None) -> None:
    with translation.override("en"):
        f = dashboard(Scope.place(DISTRICT), MONTH).by_code()
        closure = f["case_closure_rate"]
        assert closure.ratio_text == "911 / 972"
        assert closure.formula == "Closed / Due to close"
        assert any("Due to close" in d and "registered" in d for d in closure.definitions)
        handling = f["handling_rate"]
        assert handling.ratio_text == "950 / 970"
        assert "Due to handle = Dispatched − Returned" in " ".join(handling.definitions)
        satisfaction = f["satisfaction_rate"]
        assert satisfaction.ratio_text == "835 / 972"
        assert "Satisfied + 0.9 × Basically satisfied" in " ".join(satisfaction.definitions)
        finish = f["closure_rate"]
        assert finish.formula == "Finished / Due to finish"
        assert "Finished = Closed + Declined" in " ".join(finish.definitions)
        assert "Due to finish = Reports − Voided" in " ".join(finish.definitions)


def test_in_chinese_the_formulas_use_the_chinese_terms(month_of_counters: None) -> None:
    with translation.override("zh-hans"):
        f = dashboard(Scope.place(DISTRICT), MONTH).by_code()
        assert f["case_closure_rate"].name == "结案率"
        assert f["case_closure_rate"].formula == "结案数 / 应结案数"
        assert f["on_time_closure_rate"].formula == "按期结案数 / 应结案数"
        assert f["closure_rate"].name == "结办率"
        assert f["closure_rate"].formula == "办结数 / 应办结数"
        assert "应处置数 = 派遣数 − 退回数" in " ".join(f["handling_rate"].definitions)
        assert f["three_rates"].formula == "10 % × 响应率 + 50 % × 解决率 + 40 % × 满意率"


def test_a_grid_and_a_unit_see_only_their_rows(month_of_counters: None, cast: Cast) -> None:
    grid = totals(Scope.place(cast.grid.code), MONTH)
    assert grid["closed"] == FIGURES["closed"] // 3
    unit = totals(Scope.unit("org:1"), MONTH)
    assert unit["closed"] == FIGURES["closed"] - FIGURES["closed"] // 3
    worker = totals(Scope.worker(1, [cast.grid.code, cast.other_community_grid.code]), MONTH)
    assert worker["closed"] == FIGURES["closed"]
