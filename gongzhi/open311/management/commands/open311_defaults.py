"""manage.py open311_defaults: add the shipped Open311 attributes and service types to categories
that already exist (new categories get them when they are created)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.open311.defaults import load_defaults


class Command(BaseCommand):
    help = "Add the shipped Open311 service attributes and batch services where missing."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"{load_defaults()} Open311 settings added")
