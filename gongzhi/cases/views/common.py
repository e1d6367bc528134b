"""What the case pages share: forms' errors, paging, names of places, the map's settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from gongzhi.core.errors import ActionError
from gongzhi.people.models import User
from gongzhi.places.models import Division, Grid
from gongzhi.places.queries import top_divisions
from gongzhi.web.pages import paginate

from ..forms import (
    LIGHTS,
)

PER_PAGE = 20
# The command map draws at most this many open cases (the newest), and says so.
MAP_CASES_LIMIT = 2000
LIGHT_LABELS: dict[str, Any] = dict(LIGHTS)


def _attach(form: forms.Form, exc: ActionError, aliases: dict[str, str] | None = None) -> None:
    """Show an action's message on the field it names, or above the form."""
    name = (aliases or {}).get(exc.field or "", exc.field)
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
    form.add_error(name if name in form.fields else None, exc.message)


def _page(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    return paginate(request, items, per_page)


def _grid_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Grid.objects.filter(code__in=wanted).values_list("code", "name"))


def _community_names(codes: Iterable[str]) -> dict[str, str]:
    """The community (12-digit prefix) of each grid code, by its short name."""
    wanted = {c[:12] for c in codes if c}
    if not wanted:
        return {}
    return {d.code: d.short_name for d in Division.objects.filter(code__in=wanted)}


def _map_settings() -> dict[str, str]:
    from django.conf import settings

    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _grid_urls(user: User) -> list[str]:
    """The GeoJSON of the grids a person may see, one URL per place their scopes start at."""
    return [
        reverse("web:division_grids_geojson", args=[d.code])
        for d in top_divisions(user).order_by("code")[:5]
    ]


# ---------------------------------------------------------------------------------------------
