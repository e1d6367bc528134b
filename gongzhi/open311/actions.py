"""Every change the Open311 adapter makes itself: the shipped service settings given to the default
categories, and the requests received made into cases (or refused). Keys: `keys.py`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import actions as cases
from gongzhi.cases.models import Case, Category, Source
from gongzhi.core import audit
from gongzhi.core.errors import ActionError, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.core.permissions import is_administrator
from gongzhi.people.models import User

from .defaults import ATTRIBUTES, BATCH, shipped
from .models import Open311Request, ServiceAttribute, ServiceProfile, ServiceType


def apply_defaults(actor: User | None, category: Category, *, channel: str = Channel.SYSTEM) -> int:
    """Give `category` its shipped Open311 settings where they are missing: its service row (batch
    or realtime) and its attributes. Returns how many rows were added; when none are, nothing is
    written to the audit log either. Administrators, or the system (`actor` None)."""
    if actor is not None and not is_administrator(actor):
        raise NotAllowed(_("Only administrators change the Open311 services."))
    key = (category.kind, category.code)
    if category.parent_id is None or key not in shipped():
        return 0
    with transaction.atomic():
        # The category's row lock: two first readers at the same moment add the settings once.
        locked = Category.objects.select_for_update().get(pk=category.pk)
        added: list[str] = []
        for code, datatype, required, order, question, values in ATTRIBUTES.get(key, []):
            _row, created = ServiceAttribute.objects.get_or_create(
                category=locked,
                code=code,
                defaults={
                    "datatype": datatype,
                    "required": required,
                    "order": order,
                    "description": question,
                    "values": values,
                },
            )
            if created:
                added.append(code)
        # Every category given its settings gets its service row, realtime ones too.
        profile, created = ServiceProfile.objects.get_or_create(
            category=locked,
            defaults={"type": ServiceType.BATCH if key in BATCH else ServiceType.REALTIME},
        )
        if not added and not created:
            return 0
        audit.record(
            actor,
            "open311.apply_defaults",
            profile,
            channel=channel,
            summary=str(profile),
            data={"attributes": added, "type": profile.type if created else None},
        )
    return len(added) + created


def load_defaults(actor: User | None = None, *, channel: str = Channel.COMMAND) -> int:
    """Apply the shipped settings to every category that has them; returns the rows added."""
    with transaction.atomic():
        return sum(
            apply_defaults(actor, category, channel=channel)
            for category in Category.objects.filter(parent__isnull=False).filter(_shipped_q())
        )


def _shipped_q() -> Q:
    q = Q(pk__in=[])
    for kind, code in sorted(shipped()):
        q |= Q(kind=kind, code=code)
    return q


def make_case(record: Open311Request, photos: Iterable[Any] = ()) -> Case:
    """Report the case a received request describes, through the case platform's action and as
    the client's service account, and keep it on the request (saved now if it was not yet)."""
    data = record.payload
    with transaction.atomic():
        if record.pk is not None:
            # A queued request: runs of its task take their turn on the row (and the report's
            # idempotency key makes the second one find the first one's case).
            Open311Request.objects.select_for_update().get(pk=record.pk)
        result = cases.report(
            record.api_key.service_account,
            category=record.category,
            description=data["description"],
            lat=data["lat"],
            lng=data["lng"],
            photos=photos,
            source=Source.OPEN311,
            address=data.get("address", ""),
            idempotency_key=data.get("idempotency_key", ""),
            channel=Channel.OPEN311,
        )
        if not result.created:
            # A retry with the same idempotency key: the first call's case, recorded once.
            first = Open311Request.objects.filter(case=result.case).first()
            if first is not None:
                return result.case
        record.case = result.case
        record.state = Open311Request.State.CREATED
        record.processed_at = timezone.now()
        record.save()
    return result.case


def refuse_request(record: Open311Request, error: ActionError) -> Open311Request:
    """A queued request the case platform refused: kept with the reason, which its token then
    tells the client. A request no longer waiting is left as it is."""
    with transaction.atomic():
        locked = Open311Request.objects.select_for_update().get(pk=record.pk)
        if locked.state != Open311Request.State.PENDING:
            return locked
        locked.state = Open311Request.State.FAILED
        locked.error = error.message[:500]
        locked.processed_at = timezone.now()
        locked.save(update_fields=["state", "error", "processed_at"])
        audit.record(
            None,
            "open311.refuse_request",
            locked,
            channel=Channel.OPEN311,
            summary=locked.error,
        )
    return locked
