"""Categories and their dated rules: the configuration every case follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.clock import Clock
from gongzhi.core.errors import ActionError, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.core.permissions import can
from gongzhi.orgs.models import Organisation, OrgKind

from .. import defaults
from ..models import Category, CategoryRule, Kind, Step, Tier
from .base import Actor, person


def rule_in_force(category: Category, at: dt.datetime | None = None) -> CategoryRule:
    """The rule of `category` in force at `at` (now by default)."""
    moment = at or timezone.now()
    rule = category.rules.filter(effective_from__lte=moment).order_by("-effective_from").first()
    if rule is None:
        raise NotFound(_("Category %(name)s has no rules in force yet.") % {"name": category.name})
    return rule


def clean_deadlines(deadlines: Any) -> dict[str, list[object]]:
    """Every step with a positive amount and a known clock; working days are whole days."""
    if not isinstance(deadlines, dict):
        raise ActionError(
            _("Deadlines must give an amount and a clock for each step."), field="deadlines"
        )
    clean: dict[str, list[object]] = {}
    for step in Step:
        value = deadlines.get(step.value)
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ActionError(
                _("Give the deadline of step %(step)s as an amount and a clock.")
                % {"step": step.label},
                field="deadlines",
            )
        amount, clock = value
        if clock not in Clock.values:
            raise ActionError(_("Unknown clock %(clock)s.") % {"clock": clock}, field="deadlines")
        try:
            number = float(amount)
        except (TypeError, ValueError) as exc:
            raise ActionError(_("A deadline must be a number."), field="deadlines") from exc
        if not number > 0 or (clock == Clock.WORKING_DAYS and number != int(number)):
            raise ActionError(
                _("The deadline of step %(step)s must be positive (whole days for working days).")
                % {"step": step.label},
                field="deadlines",
            )
        clean[step.value] = [int(number) if number == int(number) else number, clock]
    return clean


def change_rule(
    actor: Actor,
    category: Category,
    *,
    effective_from: dt.datetime,
    lowest_tier: str,
    deadlines: Any,
    department: Organisation | None = None,
    duplicate_radius_m: int = 50,
    note: str = "",
    channel: str = Channel.WEB,
) -> CategoryRule:
    """Add the rules that take effect at `effective_from`. Rules already in force are never edited,
    so that every case keeps the rules it was registered under."""
    if not can(actor, "cases.edit_categories"):
        raise NotAllowed(_("Only administrators change category rules."))
    if category.parent_id is None:
        raise ActionError(
            _("Rules belong to minor classes, not to a major class."), field="category"
        )
    if effective_from < timezone.now() - dt.timedelta(minutes=1):
        raise ActionError(_("A change cannot take effect in the past."), field="effective_from")
    if lowest_tier not in Tier.values:
        raise ActionError(_("Unknown tier."), field="lowest_tier")
    if department is not None and department.kind != OrgKind.DEPARTMENT:
        raise ActionError(_("The handling unit must be a department."), field="department")
    if not 0 < duplicate_radius_m <= 5000:
        raise ActionError(
            _("The duplicate radius must be between 1 and 5000 metres."), field="duplicate_radius_m"
        )
    clean = clean_deadlines(deadlines)
    with transaction.atomic():
        Category.objects.select_for_update().get(pk=category.pk)
        rule, _created = CategoryRule.objects.update_or_create(
            category=category,
            effective_from=effective_from,
            defaults={
                "lowest_tier": lowest_tier,
                "department": department,
                "deadlines": clean,
                "duplicate_radius_m": duplicate_radius_m,
                "note": note,
                "created_by": person(actor),
            },
        )
        audit.record(
            actor,
            "cases.change_rule",
            category,
            channel=channel,
            summary=f"{category} from {effective_from:%Y-%m-%d %H:%M}",
            data={"lowest_tier": lowest_tier, "deadlines": clean, "radius": duplicate_radius_m},
        )
    return rule


def load_default_categories(
    *, since: dt.datetime | None = None, channel: str = Channel.COMMAND
) -> int:
    """Create the default category set and first rules where they are missing. Returns how many
    categories were created; running it again creates nothing."""
    start = since or timezone.make_aware(dt.datetime(2020, 1, 1))
    departments = {o.name: o for o in Organisation.objects.filter(kind=OrgKind.DEPARTMENT)}
    created = 0
    with transaction.atomic():
        for kind, classes in (
            (Kind.EVENT, defaults.EVENT_CLASSES),
            (Kind.COMPONENT, defaults.COMPONENT_CLASSES),
        ):
            for code, name, minors in classes:
                major, was_new = Category.objects.get_or_create(
                    kind=kind, code=code, defaults={"name": name}
                )
                created += was_new
                for minor_code, minor_name, keywords, tier, dept, radius, profile in minors:
                    minor, was_new = Category.objects.get_or_create(
                        kind=kind,
                        code=minor_code,
                        defaults={"name": minor_name, "parent": major, "keywords": keywords},
                    )
                    created += was_new
                    if not minor.rules.exists():
                        CategoryRule.objects.create(
                            category=minor,
                            effective_from=start,
                            lowest_tier=tier,
                            department=departments.get(dept),
                            deadlines=clean_deadlines(profile),
                            duplicate_radius_m=radius,
                            note="默认规则",
                        )
        if created:
            first = Category.objects.order_by("pk").first()
            assert first is not None
            audit.record(
                None,
                "cases.load_default_categories",
                first,
                channel=channel,
                summary=f"{created} categories",
            )
    return created
