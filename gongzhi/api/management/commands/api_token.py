"""`manage.py api_token issue|revoke|list`: API tokens from the command line."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongzhi.api.actions import issue_token, revoke_token
from gongzhi.api.models import ApiToken
from gongzhi.core.errors import ActionError
from gongzhi.core.models import Channel
from gongzhi.people.models import User


class Command(BaseCommand):
    help = "Issue, revoke or list API tokens. An issued token is printed once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        issue = sub.add_parser("issue", help="Issue a token acting as USERNAME.")
        issue.add_argument("username")
        issue.add_argument("--name", default="", help="Where the token will be used.")
        issue.add_argument(
            "--app",
            action="store_true",
            help="An app token (USERNAME is the integration's service account).",
        )
        issue.add_argument("--expires-days", type=int, default=None)
        revoke = sub.add_parser("revoke", help="Revoke a token by id or by its first characters.")
        revoke.add_argument("token")
        listing = sub.add_parser("list", help="List tokens (of USERNAME only, if given).")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['command']}")(options)
        except ActionError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account {username!r}")
        return user

    def _issue(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        kind = ApiToken.Kind.APP if options["app"] else ApiToken.Kind.PERSONAL
        days = options["expires_days"]
        issued = issue_token(
            None,
            user,
            name=options["name"] or f"{kind} token for {user.username}",
            kind=kind,
            expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
            channel=Channel.COMMAND,
        )
        self.stderr.write(
            f"Issued {issued.token.kind} token {issued.token.pk} ({issued.token.name}) acting as "
            f"{user.username}. It is printed once, below; store it now."
        )
        self.stdout.write(issued.secret)

    def _revoke(self, options: dict[str, Any]) -> None:
        ref: str = options["token"]
        rows = ApiToken.objects.filter(pk=int(ref)) if ref.isdigit() else ApiToken.objects.none()
        if not rows:
            rows = ApiToken.objects.filter(prefix=ref[:10]) if len(ref) >= 10 else rows
        if len(rows) != 1:
            raise CommandError(f"no single token matches {ref!r}")
        token = revoke_token(None, rows[0], channel=Channel.COMMAND)
        self.stdout.write(f"Revoked token {token.pk} ({token}).")

    def _list(self, options: dict[str, Any]) -> None:
        rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if options["username"]:
            rows = rows.filter(user=self._user(options["username"]))
        for t in rows:
            state = "revoked" if t.revoked_at else ("expired" if not t.is_usable else "active")
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.prefix}…\t{t.kind}\t{t.user.username}\t{state}\tused {used}\t{t.name}"
            )
