"""Background tasks of the case platform: reminders before a step's deadline and word after it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django_tasks import task

from gongzhi.people.models import Membership, Role

from .models import OPEN_STATUSES, Case
from .workflow import tier_scope


def _still_at(case_id: int, started: str, due: str = "") -> Case | None:
    """The case, if it is still open in the step that scheduled the task, with the same deadline
    (an approved extension moves it: the reminders of the old one no longer apply)."""
    case = Case.objects.filter(pk=case_id, status__in=OPEN_STATUSES).first()
    # Compared as moments, not as text: the same moment may be written in another time zone.
    if case is None or case.step_started_at != dt.datetime.fromisoformat(started):
        return None
    if due and case.step_due_at != dt.datetime.fromisoformat(due):
        return None
    return case


@task()
def step_nearly_due(case_id: int, started: str, due: str = "") -> bool:
    from .actions import _notify, holders

    case = _still_at(case_id, started, due)
    if case is None:
        return False
    _notify(holders(case), case, _("Case %(number)s is nearly due") % {"number": case.number})
    return True


@task()
def step_due(case_id: int, started: str, due: str = "") -> bool:
    from .actions import _notify

    case = _still_at(case_id, started, due)
    if case is None:
        return False
    street = tier_scope("street", case.grid_code)
    district = tier_scope("command_centre", case.grid_code)
    supervisors = [
        m.user
        for m in Membership.objects.active()
        .filter(
            role__in=[Role.STREET_STAFF, Role.COMMAND_CENTRE_STAFF],
            scope_code__in=[street, district],
        )
        .select_related("user")
    ]
    _notify(supervisors, case, _("Case %(number)s is overdue") % {"number": case.number})
    return True
