"""People: accounts, resident and party-member profiles, and role memberships with a scope."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.roles import Role as Role  # the roles live below every app; re-exported

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))
id_number_validator = RegexValidator(
    r"^\d{17}[\dX]$", _("Enter an 18-character resident ID number (digits, last may be X).")
)


class User(AbstractUser):
    """An account. Phone and ID numbers are stored here once; pages show them masked."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[phone_validator],
    )
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[id_number_validator],
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


# Who asks or acts: a signed-in account, a visitor who has not logged in, or None (the system:
# commands, the reminder sweep, the demo loader).
Viewer = User | AnonymousUser | None


class ActiveMembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> ActiveMembershipQuerySet:
        today = timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


class Membership(models.Model):
    """A person holds a role over a scope: a place code (division or grid), or an organisation.

    For roles tied to an organisation (department staff, partner units) `scope_code` is the code of
    the place the organisation serves, so one prefix filter covers both kinds.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, db_index=True)
    scope_code = models.CharField(_("scope code"), max_length=20, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    # Y forces of the 1+1+X+Y team: police, lawyers, volunteers... say who they are.
    title = models.CharField(_("title"), max_length=50, blank=True)
    is_full_time = models.BooleanField(_("full time"), default=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ActiveMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        ordering = ["scope_code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_code"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_open_per_role_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_code}"


class ResidentProfile(models.Model):
    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="resident"
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    grid_code = models.CharField(_("grid code"), max_length=20, db_index=True)
    is_householder = models.BooleanField(_("householder"), default=False)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def scope_code(self) -> str:
        return self.grid_code


class PartyMemberProfile(models.Model):
    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="party_member"
    )
    branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("party branch"),
        on_delete=models.PROTECT,
        related_name="party_members",
    )
    is_in_service = models.BooleanField(_("in-service member"), default=False)
    employer = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("employer unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employed_members",
    )
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    # Where the member lives (in-service members register there: 双报到).
    scope_code = models.CharField(_("scope code"), max_length=20, db_index=True)

    class Meta:
        verbose_name = _("party-member profile")
        verbose_name_plural = _("party-member profiles")

    def __str__(self) -> str:
        return str(self.user)
