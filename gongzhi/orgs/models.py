"""Organisations of every kind, and the part-time seats of the joint committees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    STREET_WORKING_COMMITTEE = "street_working_committee", _("Street working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
    GRID_BRANCH = "grid_branch", _("Grid party branch")
    BUILDING_GROUP = "building_group", _("Building party group")
    MEMBER_HOUSEHOLD = "member_household", _("Party-member household")
    COMMAND_CENTRE = "command_centre", _("District command centre")
    DEPARTMENT = "department", _("Department")
    STREET_OFFICE = "street_office", _("Street office")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    PARTNER_UNIT = "partner_unit", _("Partner unit")


PARTY_KINDS = frozenset(
    {
        OrgKind.STREET_WORKING_COMMITTEE,
        OrgKind.COMMUNITY_COMMITTEE,
        OrgKind.GRID_BRANCH,
        OrgKind.BUILDING_GROUP,
        OrgKind.MEMBER_HOUSEHOLD,
    }
)


class PartyStatus(models.TextChoices):
    OWN_ORGANISATION = "own_organisation", _("Has its own party organisation")
    PARTY_INSTRUCTOR = "party_instructor", _("Has a party instructor")
    NONE = "none", _("No party presence")


class Organisation(models.Model):
    """Any organisation gongzhi knows. `scope_code` is the place it belongs to or serves."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    scope_code = models.CharField(_("scope code"), max_length=20, db_index=True)
    party_status = models.CharField(
        _("party status"), max_length=20, choices=PartyStatus.choices, blank=True
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["scope_code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope_code", "name"], name="org_unique_in_scope"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="property_company") | ~models.Q(party_status=""),
                name="property_company_has_party_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_organisation(self) -> bool:
        return self.kind in PARTY_KINDS


class CommitteeSeat(models.Model):
    """A seat on a joint committee (大工委 / 大党委); part-time members come from partner units."""

    class Position(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        MEMBER = "member", _("Member")
        PART_TIME_MEMBER = "part_time_member", _("Part-time member")

    committee = models.ForeignKey(
        Organisation,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="seats",
        limit_choices_to={
            "kind__in": [OrgKind.STREET_WORKING_COMMITTEE, OrgKind.COMMUNITY_COMMITTEE]
        },
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    from_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("from unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_delegates",
    )

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="one_seat_per_person"),
            models.CheckConstraint(
                condition=~models.Q(position="part_time_member")
                | models.Q(from_unit__isnull=False),
                name="part_time_member_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.person} · {self.get_position_display()}"
