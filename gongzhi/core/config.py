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
