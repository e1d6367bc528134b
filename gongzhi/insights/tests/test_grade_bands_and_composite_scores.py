"""Assessments: a composite score is the weighted mean of its indicators' scores (lower-is-better
rates score 100 − rate; indicators without a figure are left out and the rest scaled up), graded
A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below, with bands and weights from dated configuration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongzhi.core.models import ConfigValue
from gongzhi.insights.assessments import composite, grade, grade_bands, weights_for
from gongzhi.insights.indicators import figures
from gongzhi.insights.models import METRICS

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    "score,expected",
    [
        ("100", "A"),
        ("90", "A"),
        ("89.99", "B"),
        ("75", "B"),
        ("74.99", "C"),
        ("60", "C"),
        ("59.99", "D"),
        ("40", "D"),
        ("39.99", "E"),
        ("0", "E"),
    ],
)
def test_default_bands(score: str, expected: str) -> None:
    assert grade(D(score), grade_bands()) == expected


def test_no_score_no_grade() -> None:
    assert grade(None, grade_bands()) == "—"


def test_configured_bands_apply_from_their_day() -> None:
    ConfigValue.objects.create(
        key="insights.grade_bands",
        value=[["优秀", 95], ["良好", 80], ["一般", 0]],
        effective_from=dt.date(2026, 1, 1),
    )
    assert grade(D("92"), grade_bands(dt.date(2025, 12, 31))) == "A"
    bands = grade_bands(dt.date(2026, 1, 1))
    assert [grade(D(s), bands) for s in ("96", "92", "50")] == ["优秀", "良好", "一般"]


T = dict.fromkeys(METRICS, 0) | {
    "registered": 100,
    "closed": 90,  # 结案率 90 %
    "closed_on_time": 70,  # 按期结案率 70 %
    "reworked": 10,  # 返工率 10 % → scores 90
    "dispatched": 50,
}


def test_the_composite_is_the_weighted_mean_of_scores() -> None:
    figs = {f.code: f for f in figures(T)}
    w = {"case_closure_rate": D(50), "on_time_closure_rate": D(30), "rework_rate": D(20)}
    # (50 × 90 + 30 × 70 + 20 × (100 − 10)) / 100 = 84
    assert composite(figs, w) == D("84.00")


def test_indicators_without_a_figure_are_left_out() -> None:
    figs = {f.code: f for f in figures(T)}
    # 满意率 has no valid reports to go on: only 结案率 counts, at full weight.
    assert composite(figs, {"case_closure_rate": D(60), "satisfaction_rate": D(40)}) == D("90.00")
    assert (
        composite(
            {f.code: f for f in figures(dict.fromkeys(METRICS, 0))}, {"case_closure_rate": D(1)}
        )
        is None
    )


def test_custom_level_weights_come_from_configuration() -> None:
    assert weights_for("street")["three_rates"] == D(40)
    ConfigValue.objects.create(
        key="insights.assessment_weights",
        value={"street": {"case_closure_rate": 1, "unknown_indicator": 5, "rework_rate": 0}},
        effective_from=dt.date(2026, 1, 1),
    )
    assert weights_for("street", dt.date(2026, 2, 1)) == {"case_closure_rate": D(1)}
