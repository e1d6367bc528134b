"""manage.py rebuild_counters: rebuild the case counters from the timelines and check them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.insights.rebuild import compare, replace_stored


class Command(BaseCommand):
    help = (
        "Check the stored case counters and their roll-ups against the case timelines; "
        "--write replaces them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="replace the stored counters")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["write"]:
            cells = replace_stored()
            self.stdout.write(f"Rebuilt {cells} counter cells from the timelines.")
        diffs = compare()
        if diffs:
            for d in diffs[:50]:
                cell = " ".join(str(part) if part != "" else "-" for part in d.cell)
                self.stdout.write(
                    f"[{d.table}] {cell}: {d.metric} stored {d.stored}, timelines say {d.expected}"
                )
            raise CommandError(f"{len(diffs)} counters disagree with the timelines")
        self.stdout.write("The stored counters agree with the case timelines.")
