"""manage.py seed_demo: load the demo district once and print one login for each role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from gongzhi.demo import district as demo


class Command(BaseCommand):
    help = "Load 双滦区 with grids, organisations and people (once), then print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **opts: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        if demo.already_seeded():
            self.stdout.write("The demo district is already loaded.")
            accounts = demo.demo_accounts()
        else:
            r = demo.seed(opts["seed"])
            self.stdout.write(
                f"Loaded 双滦区: {r.divisions} divisions, {r.grids} grids, {r.households} households, "
                f"{r.residents} residents, {r.party_members} party members, {r.organisations} organisations."
            )
            accounts = r.accounts
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (password for all: {demo.DEMO_PASSWORD}) — username or phone:"
        )
        for username, phone, role, where in accounts:
            self.stdout.write(f"  {role:<8}\t{username:<20} {phone}\t{where}")
