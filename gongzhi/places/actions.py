"""Every change to places: the division import, grids and their boundaries.

Each action checks permission, guards the state, runs in one transaction and writes the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from gongzhi.core import audit
from gongzhi.core.config import config_value
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.core.permissions import can

from . import locator
from .models import Division, Grid
from .sources import SourceRow

if TYPE_CHECKING:
    from gongzhi.people.models import User


class ImportRowError(ActionError):
    """A row of the source is wrong; the import stopped and wrote nothing."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def _check_row(row: SourceRow, known: dict[str, str]) -> str:
    """The row's level; raises ImportRowError naming the row when it is wrong."""
    code = row.code
    if not code.isdigit() or len(code) not in Division.CODE_LENGTHS:
        raise ImportRowError(f"{row.where}: code {code!r} is not a 2/4/6/9/12-digit division code")
    if not row.name:
        raise ImportRowError(f"{row.where}: code {code} has no name")
    level = Division.CODE_LENGTHS[len(code)]
    if level != Division.Level.PROVINCE:
        if not row.parent_code:
            raise ImportRowError(f"{row.where}: code {code} names no parent")
        if not code.startswith(row.parent_code):
            raise ImportRowError(
                f"{row.where}: code {code} does not extend its parent's code {row.parent_code}"
            )
        if row.parent_code not in known:
            raise ImportRowError(
                f"{row.where}: code {code}: parent {row.parent_code} is not in the data"
            )
    if code in known:
        raise ImportRowError(f"{row.where}: code {code} appears twice")
    return str(level)


def _chunks(codes: list[str], size: int = 5000) -> Iterable[list[str]]:
    # A whole province is ~60,000 codes: more than one SQL statement may carry as parameters.
    for i in range(0, len(codes), size):
        yield codes[i : i + size]


def import_divisions(
    rows: Iterable[SourceRow],
    *,
    actor: User | None = None,
    channel: str = Channel.COMMAND,
    progress: Callable[[Iterable[SourceRow]], Iterable[SourceRow]] | None = None,
) -> ImportResult:
    """Create or update divisions from `rows` (parents before children). All or nothing; re-running
    with the same data changes nothing."""
    if actor is not None and not actor.is_superuser:
        raise NotAllowed(_("Only an administrator may import divisions."))
    result = ImportResult()
    checked: dict[str, SourceRow] = {}
    levels: dict[str, str] = {}
    for row in progress(rows) if progress else rows:
        levels[row.code] = _check_row(row, levels)
        checked[row.code] = row
    if not checked:
        return result

    with transaction.atomic():
        existing = {
            d.code: d
            for chunk in _chunks(list(checked))
            for d in Division.objects.select_for_update().filter(code__in=chunk)
        }
        ids = {code: d.pk for code, d in existing.items()}
        for level in Division.CODE_LENGTHS.values():
            new: list[Division] = []
            changed: list[Division] = []
            for code, row in checked.items():
                if levels[code] != level:
                    continue
                parent_id = ids.get(row.parent_code) if row.parent_code else None
                current = existing.get(code)
                if current is None:
                    new.append(Division(code=code, name=row.name, level=level, parent_id=parent_id))
                elif (
                    current.name != row.name
                    or current.parent_id != parent_id
                    or current.level != level
                ):
                    current.name, current.parent_id, current.level = row.name, parent_id, level
                    changed.append(current)
                else:
                    result.unchanged += 1
            Division.objects.bulk_create(new, batch_size=2000)
            if changed:
                Division.objects.bulk_update(changed, ["name", "parent", "level"], batch_size=2000)
            # bulk_create does not return ids on every backend: read them back.
            if new:
                for chunk in _chunks([d.code for d in new]):
                    ids.update(Division.objects.filter(code__in=chunk).values_list("code", "id"))
            result.created += len(new)
            result.updated += len(changed)
            result.by_level[str(level)] = sum(1 for c in levels.values() if c == level)
        top = min(checked, key=len)
        if result.created or result.updated:
            audit.record(
                actor,
                "places.import_divisions",
                Division.objects.get(code=top),
                channel=channel,
                summary=f"created {result.created}, updated {result.updated}",
                data={
                    "created": result.created,
                    "updated": result.updated,
                    "by_level": result.by_level,
                },
            )
    return result


def _invalidate_locator() -> None:
    # Now, for lookups inside this transaction, and again on commit, for every other one: a
    # lookup in between may have rebuilt the index without this change.
    locator.invalidate()
    transaction.on_commit(locator.invalidate)


def grid_code_for(community: Division, number: int, at: dt.date | None = None) -> str:
    """Community code + the grid number, zero-padded to the configured width."""
    width = int(config_value("places.grid_code_width", at))
    digits = width - len(community.code)
    if digits < 1:
        raise ActionError(_("The configured grid code width is too small."))
    if number < 1 or len(str(number)) > digits:
        raise ActionError(
            _("Grid number %(n)s does not fit in %(d)s digits.") % {"n": number, "d": digits},
            field="number",
        )
    return f"{community.code}{number:0{digits}d}"


def clean_boundary(geojson: Any) -> dict[str, Any]:
    """A valid Polygon/MultiPolygon as a GeoJSON mapping, or a clear error."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several types for malformed input
        raise ActionError(
            _("The boundary is not valid GeoJSON: %(e)s") % {"e": exc}, field="boundary"
        ) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ActionError(
            _("A grid boundary must be a polygon, not %(t)s.") % {"t": geom.geom_type},
            field="boundary",
        )
    if geom.is_empty or not geom.is_valid:
        raise ActionError(
            _("The boundary polygon is invalid: %(why)s") % {"why": explain_validity(geom)},
            field="boundary",
        )
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ActionError(
            _("The boundary lies outside longitude/latitude ranges."), field="boundary"
        )
    # Lists, not shapely's tuples: the value must compare equal to what the JSONField reads back.
    clean: dict[str, Any] = json.loads(json.dumps(mapping(geom)))
    return clean


def _apply_boundary(grid: Grid, boundary: dict[str, Any] | None) -> None:
    grid.boundary = boundary
    if boundary is None:
        grid.min_lng = grid.min_lat = grid.max_lng = grid.max_lat = None
        return
    grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat = shape(boundary).bounds


def save_grid(
    actor: User | None,
    community: Division,
    number: int,
    *,
    name: str = "",
    households: int = 0,
    boundary: Any = None,
    channel: str = Channel.WEB,
) -> tuple[Grid, bool]:
    """Create the grid `number` of `community`, or update it. Returns (grid, created).

    An existing grid keeps its code when the configured width changes: households and roles use it.
    """
    if community.level != Division.Level.COMMUNITY:
        raise ActionError(
            _("Grids are cut from communities; %(name)s is not one.") % {"name": community.name}
        )
    if actor is not None and not can(actor, "places.edit_grid", community):
        raise NotAllowed(
            _("You may not edit the grids of %(name)s.") % {"name": community.short_name}
        )
    if households < 0:
        raise ActionError(_("The number of households cannot be negative."), field="households")
    clean = clean_boundary(boundary) if boundary is not None else None
    with transaction.atomic():
        grid = Grid.objects.select_for_update().filter(community=community, number=number).first()
        created = grid is None
        if grid is None:
            grid = Grid(code=grid_code_for(community, number), community=community, number=number)
        # A grid's name is data in Chinese, like the division names it extends.
        new_name = name or f"{community.short_name}第{number}网格"
        if (
            not created
            and grid.name == new_name
            and grid.households == households
            and grid.boundary == clean
        ):
            return grid, False
        grid.name = new_name
        grid.households = households
        _apply_boundary(grid, clean)
        grid.save()
        _invalidate_locator()
        audit.record(
            actor,
            "places.create_grid" if created else "places.update_grid",
            grid,
            channel=channel,
            summary=grid.name,
        )
    return grid, created


def update_grid_boundary(
    actor: User,
    grid: Grid,
    boundary: Any,
    *,
    seen_updated_at: dt.datetime,
    channel: str = Channel.WEB,
) -> Grid:
    """Replace a grid's polygon. `seen_updated_at` is what the editor's form showed: a stale form
    fails."""
    if not can(actor, "places.edit_grid", grid):
        raise NotAllowed(_("You may not edit this grid."))
    clean = clean_boundary(boundary)
    with transaction.atomic():
        locked = Grid.objects.select_for_update().get(pk=grid.pk)
        if locked.updated_at != seen_updated_at:
            raise Conflict(
                _("Someone changed this grid after you opened it. Reload and try again.")
            )
        _apply_boundary(locked, clean)
        locked.save(
            update_fields=["boundary", "min_lng", "min_lat", "max_lng", "max_lat", "updated_at"]
        )
        _invalidate_locator()
        audit.record(
            actor, "places.update_grid_boundary", locked, channel=channel, summary=locked.name
        )
    return locked
