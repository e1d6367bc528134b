"""The locator: a position (WGS-84, or GCJ-02 as Chinese phone maps give it) → the grid it lies in.

All grid polygons are held in a shapely STRtree, rebuilt when the grids change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from coord_convert.transform import gcj2wgs
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.strtree import STRtree

from gongzhi.core.errors import ActionError

from .models import Grid

WGS84 = "wgs84"
GCJ02 = "gcj02"
CRS_CHOICES = (WGS84, GCJ02)


class OutOfArea(ActionError):
    """The position lies outside every grid gongzhi knows."""


def to_wgs84(lat: float, lng: float, crs: str = WGS84) -> tuple[float, float]:
    """(lat, lng) in WGS-84. GCJ-02 is converted by the exact iterative inverse."""
    if crs == WGS84:
        return lat, lng
    if crs == GCJ02:
        wlng, wlat = gcj2wgs(lng, lat)
        return float(wlat), float(wlng)
    raise ActionError(
        _("Unknown coordinate system %(crs)s: use wgs84 or gcj02.") % {"crs": crs}, field="crs"
    )


def check_position(lat: Any, lng: Any) -> tuple[float, float]:
    try:
        flat, flng = float(lat), float(lng)
    except (TypeError, ValueError) as exc:
        raise ActionError(_("The position is not a pair of numbers."), field="position") from exc
    if not (-90.0 <= flat <= 90.0 and -180.0 <= flng <= 180.0) or flat != flat or flng != flng:
        raise ActionError(
            _("The position is outside the range of latitude and longitude."), field="position"
        )
    return flat, flng


@dataclass(frozen=True)
class GridIndex:
    """An STRtree over grid polygons, with the grid code of each."""

    codes: tuple[str, ...]
    tree: STRtree

    @classmethod
    def build(cls, items: Sequence[tuple[str, Any]]) -> GridIndex:
        """items: (grid code, shapely geometry or GeoJSON mapping)."""
        codes = tuple(code for code, _geom in items)
        geoms = [g if isinstance(g, shapely.Geometry) else shape(g) for _code, g in items]
        shapely.prepare(geoms)
        return cls(codes=codes, tree=STRtree(geoms))

    def locate(self, lat: float, lng: float) -> str | None:
        hits = self.tree.query(shapely.Point(lng, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        # On a shared border the lower code wins, so the answer never depends on tree order.
        return min(self.codes[int(i)] for i in hits)

    def locate_many(self, lats: np.ndarray, lngs: np.ndarray) -> list[str | None]:
        points = shapely.points(lngs, lats)
        point_idx, geom_idx = self.tree.query(points, predicate="intersects")
        found: list[str | None] = [None] * len(lats)
        for p, g in zip(point_idx.tolist(), geom_idx.tolist(), strict=True):
            code = self.codes[g]
            current = found[p]
            if current is None or code < current:
                found[p] = code
        return found


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], GridIndex] | None = None
_checked_at = 0.0
# Another process's grid edits are seen within this many seconds; this process's at once.
RECHECK_SECONDS = 5.0


def _version() -> tuple[Any, ...]:
    agg = Grid.objects.filter(boundary__isnull=False).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return (agg["n"], agg["last"])


def invalidate() -> None:
    """Forget the index; grid actions call this when their transaction commits."""
    global _checked_at
    _checked_at = 0.0


def grid_index() -> GridIndex:
    """The index of all grids with a boundary, rebuilt when a grid was added or changed."""
    global _cached, _checked_at
    cached = _cached
    if cached is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
        return cached[1]
    version = _version()
    with _lock:
        if _cached is None or _cached[0] != version:
            rows = Grid.objects.filter(boundary__isnull=False).values_list("code", "boundary")
            _cached = (version, GridIndex.build(list(rows)))
        _checked_at = time.monotonic()
        return _cached[1]


def locate(lat: Any, lng: Any, crs: str = WGS84) -> Grid:
    """The grid containing the position, or OutOfArea with a message a resident understands."""
    flat, flng = check_position(lat, lng)
    wlat, wlng = to_wgs84(flat, flng, crs)
    grid: Grid | None = None
    for _attempt in range(2):
        code = grid_index().locate(wlat, wlng)
        grid = Grid.objects.select_related("community").filter(code=code).first() if code else None
        if code is None or grid is not None:
            break
        # The index predates a deletion made outside the grid actions (the admin, another
        # process): check the database again rather than fail.
        invalidate()
    if grid is None:
        raise OutOfArea(
            _(
                "This position (%(lat).5f, %(lng).5f) is outside every grid of the district. "
                "Move the pin into the area served, or call the community."
            )
            % {"lat": flat, "lng": flng},
            field="position",
        )
    return grid
