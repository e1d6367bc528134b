"""Every change to API tokens: issuing one (shown once, stored hashed) and revoking it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.core.permissions import is_administrator
from gongzhi.people.models import User

from .models import ApiToken

TOKEN_PREFIX = "gz_"
SHOWN_PREFIX_LENGTH = 10


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret` is the token itself, to be shown to its holder once and then lost."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(
    actor: User | None,
    user: User,
    *,
    name: str,
    kind: str = ApiToken.Kind.PERSONAL,
    expires_at: dt.datetime | None = None,
    channel: str = Channel.WEB,
) -> IssuedToken:
    """A new token acting as `user`. People issue personal tokens for themselves; administrators
    (and management commands, `actor` None) issue any token, app tokens for service accounts."""
    if kind not in ApiToken.Kind.values:
        raise ActionError(_("Unknown kind of token."), field="kind")
    mine = kind == ApiToken.Kind.PERSONAL and actor is not None and actor.pk == user.pk
    if actor is not None and not mine and not is_administrator(actor):
        raise NotAllowed(_("You may only issue personal tokens for yourself."))
    name = (name or "").strip()[:100]
    if not name:
        raise ActionError(_("Please name the token after where it will be used."), field="name")
    if not user.is_active:
        raise ActionError(_("This account is disabled."), field="user")
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionError(_("The expiry date has passed."), field="expires_at")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            kind=kind,
            name=name,
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            key_hash=hash_secret(secret),
            created_by=actor,
            expires_at=expires_at,
        )
        audit.record(
            actor,
            "api.issue_token",
            token,
            channel=channel,
            summary=f"{kind} {token} → {user.username}",
        )
    return IssuedToken(token, secret)


def revoke_token(actor: User | None, token: ApiToken, *, channel: str = Channel.WEB) -> ApiToken:
    """Revoke a token for good: its holder or an administrator (or a command, `actor` None)."""
    if actor is not None and not (is_administrator(actor) or actor.pk == token.user_id):
        raise NotAllowed(_("You may only revoke your own tokens."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This token has already been revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor, "api.revoke_token", locked, channel=channel, summary=str(locked))
    return locked


def find_token(secret: str) -> ApiToken | None:
    """The token with this secret, revoked or not (the caller tells the two apart), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()


LAST_USED_PRECISION = dt.timedelta(minutes=1)


def note_use(token: ApiToken) -> None:
    """Record when the token was last used, at most once a minute (no write on every request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
