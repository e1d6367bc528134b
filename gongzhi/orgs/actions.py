"""Every change to organisations and committee seats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.core.permissions import can

from .models import CommitteeSeat, Organisation, OrgKind, PartyStatus

if TYPE_CHECKING:
    from gongzhi.people.models import User

# Which kinds may sit under which in the party network (the four-level service network).
PARENT_KINDS: dict[str, set[str]] = {
    OrgKind.COMMUNITY_COMMITTEE: {OrgKind.STREET_WORKING_COMMITTEE},
    OrgKind.GRID_BRANCH: {OrgKind.COMMUNITY_COMMITTEE},
    OrgKind.BUILDING_GROUP: {OrgKind.GRID_BRANCH},
    OrgKind.MEMBER_HOUSEHOLD: {OrgKind.BUILDING_GROUP},
}


def create_organisation(
    actor: User | None,
    name: str,
    kind: str,
    scope_code: str,
    *,
    parent: Organisation | None = None,
    party_status: str = "",
    credit_code: str = "",
    address: str = "",
    channel: str = Channel.WEB,
) -> Organisation:
    name = name.strip()
    if not name:
        raise ActionError(_("Give the organisation a name."), field="name")
    if kind not in OrgKind.values:
        raise ActionError(_("Unknown kind of organisation."), field="kind")
    org = Organisation(
        name=name,
        kind=kind,
        scope_code=scope_code,
        parent=parent,
        party_status=party_status,
        credit_code=credit_code,
        address=address,
    )
    if actor is not None and not can(actor, "orgs.edit", org):
        raise NotAllowed(_("You may not add organisations in this place."))
    if kind == OrgKind.PROPERTY_COMPANY and party_status not in PartyStatus.values:
        raise ActionError(
            _("Say whether the property company has a party organisation."), field="party_status"
        )
    allowed = PARENT_KINDS.get(kind)
    if allowed is not None and (parent is None or parent.kind not in allowed):
        raise ActionError(
            _("A %(kind)s must sit under a %(parent)s.")
            % {
                "kind": OrgKind(kind).label,
                "parent": " / ".join(str(OrgKind(k).label) for k in allowed),
            },
            field="parent",
        )
    if parent is not None and not scope_code.startswith(parent.scope_code):
        raise ActionError(
            _("An organisation must lie inside its parent's area."), field="scope_code"
        )
    try:
        with transaction.atomic():
            org.save()
            audit.record(actor, "orgs.create", org, channel=channel, summary=name)
    except IntegrityError as exc:
        raise Conflict(_("An organisation of this kind and name already exists here.")) from exc
    return org


def add_committee_seat(
    actor: User | None,
    committee: Organisation,
    person: User,
    position: str,
    *,
    from_unit: Organisation | None = None,
    channel: str = Channel.WEB,
) -> CommitteeSeat:
    """Seat a person on a joint committee; part-time members name the partner unit they come from."""
    if committee.kind not in (OrgKind.STREET_WORKING_COMMITTEE, OrgKind.COMMUNITY_COMMITTEE):
        raise ActionError(_("Only joint committees have seats."), field="committee")
    if actor is not None and not can(actor, "orgs.edit", committee):
        raise NotAllowed(_("You may not change this committee."))
    if position == CommitteeSeat.Position.PART_TIME_MEMBER and from_unit is None:
        raise ActionError(_("A part-time member must come from a unit."), field="from_unit")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=committee.pk)
        if CommitteeSeat.objects.filter(committee=committee, person=person).exists():
            raise Conflict(
                _("%(person)s already has a seat on this committee.") % {"person": person}
            )
        seat = CommitteeSeat.objects.create(
            committee=committee, person=person, position=position, from_unit=from_unit
        )
        audit.record(
            actor,
            "orgs.add_committee_seat",
            committee,
            channel=channel,
            summary=f"{person} {position}",
        )
    return seat
