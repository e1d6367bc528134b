"""The 三率 composite is 10 % × 响应率 + 50 % × 解决率 + 40 % × 满意率 by default; an administrator's
dated configuration value changes the weights from its day on, and the formula shown follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gongzhi.conftest import DISTRICT, Cast
from gongzhi.core.models import ConfigValue
from gongzhi.insights.indicators import Period, Scope, dashboard, figures
from gongzhi.insights.models import METRICS

from .conftest import counter

pytestmark = pytest.mark.django_db

# 响应率 80 %, 解决率 60 %, 满意率 (30 + 0.9 × 20) / 100 = 48 %
T = dict.fromkeys(METRICS, 0) | {
    "valid": 100,
    "responded": 80,
    "closed": 60,
    "rated_satisfied": 30,
    "rated_basically_satisfied": 20,
}


def composite(on: dt.date | None = None) -> str:
    return {f.code: f for f in figures(T, on=on)}["three_rates"].display


def test_the_default_weights_are_10_50_40() -> None:
    assert composite() == "57.20"  # 8 + 30 + 19.2


def test_configured_weights_apply_from_their_day(cast: Cast) -> None:
    ConfigValue.objects.create(
        key="insights.three_rates_weights",
        value={"response_rate": 20, "resolution_rate": 40, "satisfaction_rate": 40},
        effective_from=dt.date(2026, 7, 1),
    )
    assert composite(dt.date(2026, 6, 30)) == "57.20"
    assert composite(dt.date(2026, 7, 1)) == "59.20"  # 16 + 24 + 19.2
    counter(dt.date(2026, 7, 10), cast.grid.code, 1, "", **{k: v for k, v in T.items() if v})
    with translation.override("en"):
        board = dashboard(Scope.place(DISTRICT), Period.of("month", dt.date(2026, 7, 10)))
        f = board.by_code()["three_rates"]
        assert f.display == "59.20"
        assert (
            f.formula == "20 % × Response rate + 40 % × Resolution rate + 40 % × Satisfaction rate"
        )


def test_the_composite_is_a_dash_when_a_rate_is_missing() -> None:
    assert {f.code: f for f in figures(dict.fromkeys(METRICS, 0))}["three_rates"].display == "—"
