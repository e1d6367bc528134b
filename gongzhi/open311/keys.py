"""Issuing, revoking and checking Open311 API keys; each issue and revocation is audited."""

from __future__ import annotations

import hashlib
import uuid

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.errors import ActionError, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.core.permissions import is_administrator
from gongzhi.people.models import User

from .models import ApiKey

KEY_LENGTH = 40
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PREFIX_LENGTH = 8


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def may_manage_keys(actor: User | AnonymousUser | None) -> bool:
    """Administrators; `actor=None` is the operator at the command line."""
    return actor is None or is_administrator(actor)


def key_label(key: ApiKey) -> str:
    """How the audit log names a key: its id and the characters shown in the back office."""
    return audit.credential_label("open311_key", key.pk, key.prefix)


def issue_key(actor: User | None, name: str, *, channel: str = Channel.WEB) -> tuple[ApiKey, str]:
    """A new key for the client application `name`, with its own service account. Returns the key
    row and the key itself, which is not stored and cannot be shown again."""
    if not may_manage_keys(actor):
        raise NotAllowed(_("Only administrators issue Open311 API keys."))
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Name the client application."), field="name")
    if len(name) > 100:
        raise ActionError(_("The name is longer than 100 characters."), field="name")
    raw = get_random_string(KEY_LENGTH, KEY_CHARS)
    with transaction.atomic():
        account = User(
            username=f"open311-{uuid.uuid4().hex[:12]}",
            full_name=f"Open311 · {name}"[:50],
        )
        account.set_unusable_password()
        account.save()
        key = ApiKey.objects.create(
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            key_hash=hash_key(raw),
            service_account=account,
            created_by=actor,
        )
        audit.record(
            actor,
            "open311.issue_key",
            key,
            channel=channel,
            summary=str(key),
            data={"service_account": account.username},
        )
    return key, raw


def find_key(text: str) -> ApiKey:
    """The key given in full, or by the first characters shown in the back office."""
    text = (text or "").strip()
    if len(text) == KEY_LENGTH:
        key = ApiKey.objects.filter(key_hash=hash_key(text)).first()
        if key is not None:
            return key
    if 6 <= len(text) <= PREFIX_LENGTH:
        matches = list(ApiKey.objects.filter(prefix__startswith=text)[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ActionError(_("Several keys start like this: give the whole key."), field="key")
    raise NotFound(_("No such Open311 API key."))


def revoke_key(actor: User | None, key: ApiKey, *, channel: str = Channel.WEB) -> ApiKey:
    """The key stops working at once and its service account is deactivated. Revoking twice
    changes nothing."""
    if not may_manage_keys(actor):
        raise NotAllowed(_("Only administrators revoke Open311 API keys."))
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("service_account").get(pk=key.pk)
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.revoked_by = actor
        key.save(update_fields=["revoked_at", "revoked_by"])
        account = key.service_account
        account.is_active = False
        account.save(update_fields=["is_active"])
        audit.record(actor, "open311.revoke_key", key, channel=channel, summary=str(key))
    return key


def authenticate(raw: str | None) -> ApiKey | None:
    """The active key `raw` is, or None (missing, unknown or revoked)."""
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("service_account")
        .filter(key_hash=hash_key(raw.strip()), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.service_account.is_active:
        return None
    return key
