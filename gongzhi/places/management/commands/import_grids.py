"""manage.py import_grids --source grids.geojson: grid boundaries from the district's GIS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.core.errors import ActionError
from gongzhi.places.actions import save_grid
from gongzhi.places.models import Division


class Command(BaseCommand):
    help = (
        "Import grids from a GeoJSON FeatureCollection. Each feature's properties give `community` "
        "(12-digit code) and `number`, or a full grid `code`; optional `name` and `households`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["source"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                f"{path}: cannot read GeoJSON ({exc}) — nothing was imported"
            ) from exc
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise CommandError(f"{path}: not a GeoJSON FeatureCollection — nothing was imported")
        communities = {d.code: d for d in Division.objects.filter(level=Division.Level.COMMUNITY)}
        created = updated = 0
        try:
            with transaction.atomic():
                for i, feature in enumerate(data.get("features") or [], 1):
                    props = (feature.get("properties") or {}) if isinstance(feature, dict) else None
                    if not isinstance(props, dict):
                        raise ActionError(f"feature {i}: not a GeoJSON Feature with properties")
                    code = str(props.get("code") or "")
                    community_code = str(props.get("community") or code[:12])
                    try:
                        number = int(props.get("number") or code[12:])
                        households = int(props.get("households") or 0)
                    except (TypeError, ValueError) as exc:
                        raise ActionError(
                            f"feature {i}: number/households must be whole numbers"
                        ) from exc
                    community = communities.get(community_code)
                    if community is None:
                        raise ActionError(f"feature {i}: no community with code {community_code!r}")
                    try:
                        grid, was_created = save_grid(
                            None,
                            community,
                            number,
                            name=str(props.get("name") or ""),
                            households=households,
                            boundary=feature.get("geometry"),
                            channel="command",
                        )
                    except ActionError as exc:
                        raise ActionError(f"feature {i}: {exc}") from exc
                    if code and grid.code != code:
                        raise ActionError(
                            f"feature {i}: code {code} does not match the configured width "
                            f"({grid.code})"
                        )
                    created += was_created
                    updated += not was_created
        except ActionError as exc:
            raise CommandError(f"{path}: {exc} — nothing was imported") from exc
        self.stdout.write(f"{created} grids created, {updated} checked or updated")
