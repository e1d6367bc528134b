"""Notifications: a row in each person's in-app inbox, and copies through the configured outbound
channels (email; an SMS gateway's webhook), sent by the task worker after the change commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Notification


def notify(users: Iterable[Any], title: str, body: str = "", url: str = "") -> list[Notification]:
    """Tell `users` something. Call inside the action's transaction: nothing is sent if it rolls back."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:120], body=body, url=url))
    # PostgreSQL and SQLite both return the new ids from a bulk insert.
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids and (settings.NOTIFY_BY_EMAIL or settings.SMS_WEBHOOK_URL):
        from .tasks import send_outbound

        transaction.on_commit(lambda: send_outbound.enqueue(ids))
    return created
