"""manage.py open311_defaults: give the shipped Open311 attributes and service types to the default
categories where missing (the endpoints that describe services also give them, on first request,
to a default category that has no Open311 settings yet)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.core.models import Channel
from gongzhi.open311.actions import load_defaults


class Command(BaseCommand):
    help = "Add the shipped Open311 service attributes and batch services where missing."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"{load_defaults(None, channel=Channel.COMMAND)} Open311 settings added")
