"""The reminder sweep: cases whose step has turned yellow, and cases past their deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.models import Channel
from gongzhi.people.models import Membership, Role, User

from .. import workflow
from ..models import OPEN_STATUSES, Case, Status, Tier
from .base import grid_staff, holders, tell


def _step_takers(case: Case) -> list[User]:
    """Who must take the case's next step: its holders while it waits to be dispatched or handled;
    the grid's staff while it waits to be confirmed, registered, verified or closed (the first
    line triages, whoever handled it)."""
    if case.status in (Status.REGISTERED, Status.DISPATCHED, Status.HANDLING):
        return holders(case)
    return grid_staff(case)


@dataclass(frozen=True)
class RemindersSent:
    nearly_due: int
    overdue: int


def send_reminders(*, now: dt.datetime | None = None, batch: int = 500) -> RemindersSent:
    """The reminder sweep, run every minute by `manage.py send_reminders`: the holders of each open
    case whose step has turned yellow are told it is nearly due, and the street and the command
    centre are told of each one whose deadline has passed. Each reminder goes out once per step
    (entering a step or an approved extension resets them); rows another sweep holds are skipped.
    """
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=OPEN_STATUSES, reminders_sent__lt=2, step_due_at__lte=now)
            .order_by("step_due_at")[:batch]
        )
        nearly = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=OPEN_STATUSES,
                reminders_sent=0,
                step_warn_at__lte=now,
                step_due_at__gt=now,
            )
            .order_by("step_warn_at")[:batch]
        )
        for case in nearly:
            case.reminders_sent = 1
            tell(
                _step_takers(case),
                case,
                _("Case %(number)s is nearly due") % {"number": case.number},
            )
            audit.record(None, "cases.remind_nearly_due", case, channel=Channel.SYSTEM)
        supervisors: dict[tuple[str, str], list[User]] = {}
        for case in overdue:
            case.reminders_sent = 2
            scopes = (
                workflow.tier_scope(Tier.STREET, case.grid_code),
                workflow.tier_scope(Tier.COMMAND_CENTRE, case.grid_code),
            )
            if scopes not in supervisors:
                supervisors[scopes] = [
                    m.user
                    for m in Membership.objects.active()
                    .filter(
                        role__in=[Role.STREET_STAFF, Role.COMMAND_CENTRE_STAFF],
                        scope_code__in=scopes,
                    )
                    .select_related("user")
                ]
            tell(
                supervisors[scopes], case, _("Case %(number)s is overdue") % {"number": case.number}
            )
            audit.record(None, "cases.remind_overdue", case, channel=Channel.SYSTEM)
        if nearly or overdue:
            Case.objects.bulk_update([*nearly, *overdue], ["reminders_sent"])
    return RemindersSent(len(nearly), len(overdue))
