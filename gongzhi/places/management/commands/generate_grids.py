"""manage.py generate_grids --under 130803: cut communities into grids (demo and benchmark data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.core.errors import ActionError
from gongzhi.places.actions import save_grid
from gongzhi.places.generator import plan_grids
from gongzhi.places.models import Division


class Command(BaseCommand):
    help = "Cut every community under a division code into grids of 300–500 households."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--under", required=True, help="a division code: district, street or community"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **opts: Any) -> None:
        communities = list(
            Division.objects.filter(
                level=Division.Level.COMMUNITY, code__startswith=opts["under"]
            ).order_by("code")
        )
        if not communities:
            raise CommandError(f"no community under {opts['under']}: import the divisions first")
        plan = plan_grids([(c.code, c.is_village) for c in communities], seed=opts["seed"])
        by_code = {c.code: c for c in communities}
        created = 0
        try:
            with transaction.atomic():
                for p in plan:
                    _grid, was_created = save_grid(
                        None,
                        by_code[p.community_code],
                        p.number,
                        households=p.households,
                        boundary=p.boundary,
                        channel="command",
                    )
                    created += was_created
        except ActionError as exc:
            raise CommandError(f"{exc} — nothing was written") from exc
        self.stdout.write(f"{len(plan)} grids in {len(communities)} communities ({created} new)")
