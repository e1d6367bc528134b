"""Idempotency keys: an action that must take effect once per key (a double tap, a retry after a
dropped connection) remembers what it made, and a repeat finds it instead of making another."""

from __future__ import annotations

from .models import IdempotencyKey


def remembered(scope: str, user_key: object, key: str) -> str | None:
    """The id of what the first call with this key made, or None."""
    row = IdempotencyKey.objects.filter(scope=scope, user_key=str(user_key), key=key[:64]).first()
    return row.object_id if row is not None else None


def remember(scope: str, user_key: object, key: str, object_id: object) -> None:
    """Call inside the action's transaction: a concurrent call with the same key fails here on the
    unique index, and its whole transaction rolls back."""
    IdempotencyKey.objects.create(
        scope=scope, user_key=str(user_key), key=key[:64], object_id=str(object_id)
    )
