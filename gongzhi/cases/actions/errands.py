"""预约代办: a resident asks for an errand, a grid worker or cadre takes it and returns the result."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, idempotency
from gongzhi.core.clock import Clock, add_time
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.core.notify import notify
from gongzhi.core.permissions import can

from ..models import Case, Errand
from .base import Actor, grid_staff, person, require


def _locked_errand(errand_id: int) -> Errand:
    try:
        return Errand.objects.select_for_update().get(pk=errand_id)
    except Errand.DoesNotExist as exc:
        raise NotFound(_("No such errand.")) from exc


def request_errand(
    actor: Actor,
    *,
    what: str,
    details: str = "",
    wanted_on: dt.date | None = None,
    idempotency_key: str = "",
    channel: str = Channel.WEB,
) -> Errand:
    """A resident asks for an errand; the grid's staff are told."""
    user = person(actor)
    resident = getattr(user, "resident", None)
    if user is None or resident is None:
        raise NotAllowed(
            _("Errands are for registered residents: ask your community to register you.")
        )
    what = require(what, _("what the errand is"), "what")[:200]
    if wanted_on is not None and wanted_on < timezone.localdate():
        raise ActionError(_("The date wanted has passed."), field="wanted_on")
    with transaction.atomic():
        made = (
            idempotency.remembered("cases.errand", user.pk, idempotency_key)
            if idempotency_key
            else None
        )
        if made is not None:
            return Errand.objects.get(pk=int(made))
        now = timezone.now()
        errand = Errand.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            resident=user,
            grid_code=resident.grid_code,
            what=what,
            details=details.strip()[:4000],
            wanted_on=wanted_on,
            requested_at=now,
        )
        errand.number = f"D{timezone.localtime(now):%Y%m%d}{errand.pk:06d}"
        errand.save(update_fields=["number"])
        if idempotency_key:
            idempotency.remember("cases.errand", user.pk, idempotency_key, errand.pk)
        audit.record(actor, "cases.request_errand", errand, channel=channel, summary=what)
        notify(
            grid_staff(Case(grid_code=errand.grid_code)),
            _("New errand %(number)s: %(what)s") % {"number": errand.number, "what": what},
            details,
            reverse("cases:errands"),
        )
    return errand


def take_errand(
    actor: Actor, errand_id: int, *, working_days: int = 3, channel: str = Channel.WEB
) -> Errand:
    """A cadre or grid worker takes the errand, to be done within `working_days`."""
    if not 1 <= working_days <= 20:
        raise ActionError(_("Give 1 to 20 working days."), field="working_days")
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        taker = person(actor)
        if taker is None or not can(taker, "cases.errands", errand):
            raise NotAllowed(_("You may not take errands in this grid."))
        if errand.state != Errand.State.REQUESTED:
            raise Conflict(
                _("Errand %(number)s has already been taken.") % {"number": errand.number}
            )
        now = timezone.now()
        errand.state, errand.taker, errand.taken_at = Errand.State.TAKEN, taker, now
        errand.working_days = working_days
        errand.due_at = add_time(now, working_days, Clock.WORKING_DAYS)
        errand.save(update_fields=["state", "taker", "taken_at", "working_days", "due_at"])
        audit.record(actor, "cases.take_errand", errand, channel=channel)
        notify(
            [errand.resident],
            _("Errand %(number)s taken by %(name)s") % {"number": errand.number, "name": actor},
            "",
            reverse("cases:errands"),
        )
    return errand


def complete_errand(
    actor: Actor, errand_id: int, *, result: str, channel: str = Channel.WEB
) -> Errand:
    """The errand is done and its result returned to the resident."""
    result = require(result, _("the result"), "result")
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        if not can(actor, "cases.errands", errand):
            raise NotAllowed(_("You may not complete errands in this grid."))
        if errand.state != Errand.State.TAKEN:
            raise Conflict(_("Errand %(number)s is not in hand.") % {"number": errand.number})
        if errand.taker_id != getattr(actor, "pk", None):
            raise NotAllowed(
                _("Only %(name)s, who took errand %(number)s, can complete it.")
                % {"name": errand.taker, "number": errand.number}
            )
        errand.state, errand.result, errand.done_at = Errand.State.DONE, result, timezone.now()
        errand.save(update_fields=["state", "result", "done_at"])
        audit.record(actor, "cases.complete_errand", errand, channel=channel)
        notify(
            [errand.resident],
            _("Errand %(number)s is done") % {"number": errand.number},
            result,
            reverse("cases:errands"),
        )
    return errand


def cancel_errand(actor: Actor, errand_id: int, *, channel: str = Channel.WEB) -> Errand:
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        if errand.resident_id != getattr(actor, "pk", None):
            raise NotAllowed(_("Only the resident who asked can cancel an errand."))
        if errand.state not in (Errand.State.REQUESTED, Errand.State.TAKEN):
            raise Conflict(
                _("Errand %(number)s can no longer be cancelled.") % {"number": errand.number}
            )
        errand.state = Errand.State.CANCELLED
        errand.save(update_fields=["state"])
        audit.record(actor, "cases.cancel_errand", errand, channel=channel)
    return errand
