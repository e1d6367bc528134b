"""Every change to people and roles, and the logged full view of personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.core.permissions import can
from gongzhi.places.models import Division, Grid

from .models import Membership, Role, User
from .privacy import mask_id_number, mask_phone

if TYPE_CHECKING:
    from gongzhi.orgs.models import Organisation

# Roles whose scope must be a grid, and those whose scope is a division of a given level.
GRID_SCOPED = {
    Role.RESIDENT,
    Role.BUILDING_HEAD,
    Role.ENTRANCE_HEAD,
    Role.GRID_WORKER,
    Role.GRID_LEADER,
}
LEVEL_OF_ROLE = {
    Role.GRID_INSTRUCTOR: Division.Level.COMMUNITY,
    Role.COMMUNITY_WORKER: Division.Level.COMMUNITY,
    Role.COMMUNITY_SECRETARY: Division.Level.COMMUNITY,
    Role.STREET_STAFF: Division.Level.STREET,
    Role.DEPARTMENT_STAFF: Division.Level.DISTRICT,
    Role.COMMAND_CENTRE_STAFF: Division.Level.DISTRICT,
}


@dataclass(frozen=True)
class _Scope:
    """Something with a scope code, for permission checks on a code that has no object yet."""

    scope_code: str


def person_scope_code(person: User) -> str:
    """Where a person lives or works: the place whose workers may look after their data."""
    resident = getattr(person, "resident", None)
    if resident is not None:
        return resident.grid_code
    member = getattr(person, "party_member", None)
    if member is not None:
        return member.scope_code
    codes = list(
        Membership.objects.active().filter(user=person).values_list("scope_code", flat=True)
    )
    # A person with no place is looked after from the longest scope they hold.
    return max(codes, key=len) if codes else "-"


@dataclass(frozen=True)
class Contact:
    phone: str
    id_number: str
    masked: bool


def contact_for(viewer: User, person: User) -> Contact:
    """The phone and ID number as `viewer` may see them in a list: always masked for others."""
    if viewer.pk == person.pk:
        return Contact(person.phone or "", person.id_number or "", masked=False)
    return Contact(mask_phone(person.phone), mask_id_number(person.id_number), masked=True)


def reveal_personal_data(
    viewer: User, person: User, *, reason: str = "", channel: str = Channel.WEB
) -> Contact:
    """The full phone and ID number, for those whose work needs them; every view is logged."""
    if viewer.pk != person.pk and not can(
        viewer, "people.view_personal_data", _Scope(person_scope_code(person))
    ):
        raise NotAllowed(_("Your role does not need this person's full phone or ID number."))
    with transaction.atomic():
        audit.record(
            viewer,
            "people.view_personal_data",
            person,
            channel=channel,
            summary=reason[:200],
            data={"fields": ["phone", "id_number"]},
            scope_code=person_scope_code(person),
        )
    return Contact(person.phone or "", person.id_number or "", masked=False)


def check_scope(role: str, scope_code: str) -> None:
    if role in GRID_SCOPED:
        if not Grid.objects.filter(code=scope_code).exists():
            raise ActionError(
                _("Role %(role)s needs a grid code; %(code)s is not a grid.")
                % {"role": Role(role).label, "code": scope_code},
                field="scope_code",
            )
        return
    level = LEVEL_OF_ROLE.get(Role(role))
    if level is None:  # administrators: any scope, "" being everything
        if scope_code and not Division.objects.filter(code=scope_code).exists():
            raise ActionError(
                _("No division has code %(code)s.") % {"code": scope_code}, field="scope_code"
            )
        return
    if not Division.objects.filter(code=scope_code, level=level).exists():
        raise ActionError(
            _("Role %(role)s needs the code of a %(level)s; %(code)s is not one.")
            % {"role": Role(role).label, "level": Division.Level(level).label, "code": scope_code},
            field="scope_code",
        )


def assign_role(
    actor: User | None,
    person: User,
    role: str,
    scope_code: str,
    *,
    organisation: Organisation | None = None,
    title: str = "",
    is_full_time: bool = True,
    started_on: dt.date | None = None,
    channel: str = Channel.WEB,
) -> Membership:
    """Give `person` a role over a scope. Refused outside the actor's own scope."""
    if role not in Role.values:
        raise ActionError(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if actor is not None and not can(actor, "people.assign_role", _Scope(scope_code)):
        raise NotAllowed(_("You may not assign roles in this place."))
    if role == Role.ADMINISTRATOR and actor is not None and not actor.is_superuser:
        raise NotAllowed(_("Only an administrator may appoint administrators."))
    check_scope(role, scope_code)
    if role == Role.DEPARTMENT_STAFF and organisation is None:
        raise ActionError(_("Department staff must belong to a department."), field="organisation")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=person.pk)
        if Membership.objects.filter(
            user=person, role=role, scope_code=scope_code, ended_on__isnull=True
        ).exists():
            raise Conflict(_("%(person)s already holds this role here.") % {"person": person})
        membership = Membership.objects.create(
            user=person,
            role=role,
            scope_code=scope_code,
            organisation=organisation,
            title=title,
            is_full_time=is_full_time,
            started_on=started_on or timezone.localdate(),
        )
        audit.record(
            actor,
            "people.assign_role",
            membership,
            channel=channel,
            summary=f"{person} {role} {scope_code}",
        )
    return membership


def end_membership(
    actor: User,
    membership: Membership,
    *,
    ended_on: dt.date | None = None,
    channel: str = Channel.WEB,
) -> Membership:
    if not can(actor, "people.assign_role", membership):
        raise NotAllowed(_("You may not change roles in this place."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_on is not None:
            raise Conflict(_("This role has already ended."))
        locked.ended_on = ended_on or timezone.localdate()
        locked.save(update_fields=["ended_on"])
        audit.record(actor, "people.end_membership", locked, channel=channel)
    return locked
