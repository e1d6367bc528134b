"""Case categories (GB/T 30428 major and minor classes of components and events) and their rules.

A category's rules (lowest tier that may settle it, default handling department, a deadline per
step with its clock, the radius for likely duplicates) are dated rows: an administrator's change
adds a row that takes effect at a moment, and a case keeps the row it was registered under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.clock import Clock


class Kind(models.TextChoices):
    EVENT = "event", _("Event")
    COMPONENT = "component", _("Component")


class Tier(models.TextChoices):
    """The platform's tiers, lowest first: 小事不出网格、大事不出社区."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street or department")
    COMMAND_CENTRE = "command_centre", _("Command centre")


TIER_ORDER = [Tier.GRID, Tier.COMMUNITY, Tier.STREET, Tier.COMMAND_CENTRE]


class Step(models.TextChoices):
    """The steps that have a deadline."""

    CONFIRM = "confirm", _("Confirm")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")
    CLOSE = "close", _("Close")


class Category(models.Model):
    """A major class (2-digit code) or a minor class (major code + 2 digits) of events or components."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="category_code_unique"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, code__regex=r"^\d{2}$")
                | models.Q(parent__isnull=False, code__regex=r"^\d{4}$"),
                name="category_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.parent_id is None else f"{self.parent} / {self.name}"


class CategoryRule(models.Model):
    """The rules of a minor class from `effective_from` until the next row takes over."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="rules"
    )
    effective_from = models.DateTimeField(_("effective from"))
    lowest_tier = models.CharField(
        _("lowest tier that may settle it"), max_length=16, choices=Tier.choices
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("default handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {step: [amount, clock]} for each Step, e.g. {"handle": [5, "working_days"]}.
    deadlines = models.JSONField(_("deadlines"))
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (metres)"), default=50)
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        ordering = ["category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="rule_one_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.effective_from:%Y-%m-%d}"

    def deadline(self, step: str) -> tuple[float, Clock]:
        amount, clock = self.deadlines[step]
        return float(amount), Clock(clock)
