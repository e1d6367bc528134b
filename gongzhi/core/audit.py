"""Writing the audit log: one call, made by the action that changed something, in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry, Channel


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    *,
    channel: str = Channel.WEB,
    summary: str = "",
    data: dict[str, Any] | None = None,
    scope_code: str | None = None,
) -> AuditEntry:
    """Append an entry saying that `actor` did `action` to `obj`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        scope_code=scope_code
        if scope_code is not None
        else str(getattr(obj, "scope_code", "") or ""),
        channel=channel,
        summary=summary[:255],
        data=data or {},
    )
