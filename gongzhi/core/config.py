"""Dated configuration values: an administrator adds a row that takes effect on a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .models import ConfigValue

# Defaults used until an administrator sets a value; each key is documented here.
DEFAULTS: dict[str, Any] = {
    # Digits a grid code has: the community's 12 plus the grid number (CJ/T 213: 14, DB11: 15).
    "places.grid_code_width": 15,
    # Office hours of a working day, for the office-hours clock.
    "clock.office_hours": [["08:30", "12:00"], ["13:30", "17:30"]],
    # Insights: the weights (per cent) of the 三率 composite of 响应率, 解决率 and 满意率.
    "insights.three_rates_weights": {
        "response_rate": 10,
        "resolution_rate": 50,
        "satisfaction_rate": 40,
    },
    # Insights: grade bands of composite scores, highest first: a score gets the first band whose
    # floor it reaches (A >= 90, B >= 75, C >= 60, D >= 40, E below).
    "insights.grade_bands": [["A", 90], ["B", 75], ["C", 60], ["D", 40], ["E", 0]],
    # Insights: the assessment of each level, indicator code -> weight. Indicators where lower is
    # better (rework, extension) score 100 - rate. Indicators without a figure are left out and the
    # other weights scaled up.
    "insights.assessment_weights": {
        "department": {
            "on_time_handling_rate": 40,
            "handling_rate": 30,
            "extension_rate": 10,
            "summons_on_time_rate": 20,
        },
        "street": {
            "three_rates": 40,
            "on_time_closure_rate": 30,
            "case_closure_rate": 20,
            "on_time_handling_rate": 10,
        },
        "community": {
            "three_rates": 40,
            "on_time_closure_rate": 30,
            "case_closure_rate": 20,
            "valid_report_rate": 10,
        },
        "grid_worker": {
            "valid_report_rate": 20,
            "case_closure_rate": 30,
            "on_time_closure_rate": 30,
            "satisfaction_rate": 20,
        },
    },
}


def config_value(key: str, at: dt.date | None = None) -> Any:
    """The value of `key` in force on `at` (today by default), or its default."""
    day = at or timezone.localdate()
    row = (
        ConfigValue.objects.filter(key=key, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if row is not None:
        return row.value
    try:
        return DEFAULTS[key]
    except KeyError as exc:
        raise KeyError(f"no configuration value or default for {key!r}") from exc
