"""manage.py open311_key issue NAME | revoke KEY | list: Open311 API keys from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.errors import ActionError
from gongzhi.core.models import Channel
from gongzhi.open311.keys import find_key, issue_key, revoke_key
from gongzhi.open311.models import ApiKey


class Command(BaseCommand):
    help = "Issue, revoke or list the API keys of Open311 client applications."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        issue = sub.add_parser("issue", help="issue a key for a client application")
        issue.add_argument("name", help="the client application, e.g. 12345热线系统")
        revoke = sub.add_parser("revoke", help="revoke a key")
        revoke.add_argument("key", help="the key, or the first 6–8 characters shown in the list")
        sub.add_parser("list", help="list the keys")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["verb"] == "issue":
                key, raw = issue_key(None, opts["name"], channel=Channel.COMMAND)
                self.stdout.write(raw)
                self.stderr.write(
                    f"issued to {key.name}; service account {key.service_account.username}. "
                    "The key is shown this once: give it to the client now."
                )
            elif opts["verb"] == "revoke":
                key = revoke_key(None, find_key(opts["key"]), channel=Channel.COMMAND)
                self.stdout.write(f"revoked {key}")
            else:
                for key in ApiKey.objects.select_related("service_account"):
                    state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                    self.stdout.write(
                        f"{key.prefix}…\t{key.name}\t{key.service_account.username}\t{state}"
                    )
        except ActionError as exc:
            raise CommandError(exc.message) from exc
