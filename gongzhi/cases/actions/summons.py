"""吹哨报到: a street or the command centre summons departments to a case; each checks in (报到) and
reports what it did."""

from __future__ import annotations

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.clock import Clock, add_time
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import Membership, Role

from .. import workflow
from ..models import Summons, SummonsDuty
from .base import Actor, add_step, count, locked, person, transition


def summon(
    actor: Actor,
    case_id: int,
    *,
    departments: list[Organisation],
    hours: int,
    note: str = "",
    channel: str = Channel.WEB,
) -> Summons:
    """吹哨: summon departments to the case; each must check in within `hours` urgent hours."""
    if not departments:
        raise ActionError(_("Choose at least one department to summon."), field="departments")
    if any(d.kind != OrgKind.DEPARTMENT for d in departments):
        raise ActionError(_("Only departments can be summoned."), field="departments")
    if not 1 <= hours <= 72:
        raise ActionError(_("Give 1 to 72 hours to check in."), field="hours")
    departments = list({d.pk: d for d in departments}.values())  # each once
    with transition(actor, case_id, "summon", channel=channel) as t:
        case = t.case
        summoner = person(actor)
        if summoner is None:  # the guard lets only signed-in supervisors this far
            raise NotAllowed(_("Please log in to summon departments."))
        # A department still within an earlier summons's time is not summoned again; one whose
        # time ran out without checking in may be.
        waiting = SummonsDuty.objects.filter(
            summons__case=case,
            summons__due_at__gte=t.now,
            department__in=departments,
            checked_in_at__isnull=True,
        ).select_related("department")
        if names := sorted({duty.department.name for duty in waiting}):
            raise Conflict(
                _("Already summoned to this case and not yet checked in: %(names)s.")
                % {"names": "、".join(names)},
                field="departments",
            )
        summons = Summons.objects.create(
            case=case,
            summoned_by=summoner,
            at=t.now,
            due_at=add_time(t.now, hours, Clock.URGENT_HOURS),
            note=note,
        )
        SummonsDuty.objects.bulk_create(
            [SummonsDuty(summons=summons, department=d) for d in departments]
        )
        t.note = note
        t.data = {"departments": [d.name for d in departments], "hours": hours}
        t.summary = ", ".join(d.name for d in departments)
        t.count(summoned=len(departments))
        staff = [
            m.user
            for m in Membership.objects.active()
            .filter(role=Role.DEPARTMENT_STAFF, organisation__in=departments)
            .select_related("user")
        ]
        t.notify(staff, _("Summons: check in to case %(number)s") % {"number": case.number}, note)
    return summons


def report_for_duty(
    actor: Actor, duty_id: int, *, report: str = "", channel: str = Channel.WEB
) -> SummonsDuty:
    """报到 (and, with `report`, what the department did). Lateness is recorded and counted."""
    with transaction.atomic():
        try:
            duty = (
                SummonsDuty.objects.select_for_update(of=("self",))
                .select_related("summons", "department")
                .get(pk=duty_id)
            )
        except SummonsDuty.DoesNotExist as exc:
            raise NotFound(_("No such summons.")) from exc
        if duty.department_id not in workflow.department_ids(actor):
            raise NotAllowed(
                _("Only staff of %(dept)s can answer this summons.")
                % {"dept": duty.department.name}
            )
        case = locked(duty.summons.case_id)
        now = timezone_now()
        if duty.checked_in_at is None:
            duty.checked_in_at, duty.checked_in_by = now, person(actor)
            duty.is_late = now > duty.summons.due_at
            add_step(
                case,
                "report_for_duty",
                actor,
                now,
                case.status,
                note=duty.department.name,
                on_time=not duty.is_late,
            )
            if not duty.is_late:
                count(case, now, summons_on_time=1)
        elif not report.strip():
            raise Conflict(_("%(dept)s has already checked in.") % {"dept": duty.department.name})
        if report.strip():
            duty.report, duty.reported_at = report.strip()[:4000], now
            add_step(case, "duty_report", actor, now, case.status, note=duty.report)
        duty.save()
        audit.record(
            actor, "cases.report_for_duty", case, channel=channel, summary=duty.department.name
        )
    return duty
