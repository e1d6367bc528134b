"""Our categories as Open311 services: service codes, the service list, service definitions with
their attributes, the service notice, and the checking of attribute answers in a POST."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Category, CategoryRule, Kind, Step, Tier
from gongzhi.core.clock import Clock

from .formats import Open311Error, parse_datetime
from .models import LIST_DATATYPES, Datatype, ServiceAttribute, ServiceProfile, ServiceType

KIND_LETTER = {Kind.EVENT: "E", Kind.COMPONENT: "C"}
LETTER_KIND = {letter: kind for kind, letter in KIND_LETTER.items()}
CODE_SHAPE = re.compile(r"^([EC])(\d{4})$")
MAX_ANSWER = 1000


def service_code(category: Category) -> str:
    """Event and component classes share their numbers, so the kind leads: E0401 违法停车,
    C0101 井盖缺失或破损."""
    return f"{KIND_LETTER[Kind(category.kind)]}{category.code}"


def offered() -> QuerySet[Category]:
    """The categories offered as services: minor classes in use that have rules in force."""
    return (
        Category.objects.filter(
            parent__isnull=False,
            is_active=True,
            rules__effective_from__lte=timezone.now(),
        )
        .distinct()
        .select_related("parent", "open311_profile")
        .prefetch_related(
            "rules",
            Prefetch(
                "open311_attributes",
                queryset=ServiceAttribute.objects.order_by("order"),
                to_attr="open311_attribute_list",
            ),
        )
        .order_by("kind", "code")
    )


def find_service(code: str | None) -> Category:
    """The service `code` names: 400 when no code is given, 404 when it names none."""
    code = (code or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    match = CODE_SHAPE.match(code.upper())
    category = None
    if match:
        category = offered().filter(kind=LETTER_KIND[match[1]], code=match[2]).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return category


def profile(category: Category) -> ServiceProfile | None:
    found: ServiceProfile | None = getattr(category, "open311_profile", None)
    return found


def service_type(category: Category) -> str:
    p = profile(category)
    return p.type if p else ServiceType.REALTIME


def attributes(category: Category) -> list[ServiceAttribute]:
    """The service's attributes in order (prefetched by `offered()`, else looked up)."""
    rows: list[ServiceAttribute] | None = getattr(category, "open311_attribute_list", None)
    if rows is None:
        rows = list(ServiceAttribute.objects.filter(category=category))
    return sorted(rows, key=lambda a: (a.order, a.code))


def _rule(category: Category) -> CategoryRule | None:
    moment = timezone.now()
    rules = [r for r in category.rules.all() if r.effective_from <= moment]
    return max(rules, key=lambda r: r.effective_from) if rules else None


def _amount(amount: float, clock: Clock) -> str:
    number = int(amount) if amount == int(amount) else amount
    if clock == Clock.WORKING_DAYS:
        return _("%(n)s working days") % {"n": number}
    if clock == Clock.OFFICE_HOURS:
        return _("%(n)s office hours") % {"n": number}
    return _("%(n)s hours") % {"n": number}


def notice(category: Category) -> str:
    """What the reporter can expect: the profile's words, or worded from the rules in force."""
    p = profile(category)
    if p and p.notice:
        return p.notice
    rule = _rule(category)
    if rule is None:
        return ""
    amount, clock = rule.deadline(Step.HANDLE)
    return _(
        "Settled at the %(tier)s tier or above; once dispatched it is handled within %(limit)s."
    ) % {"tier": Tier(rule.lowest_tier).label, "limit": _amount(amount, clock)}


def describe(category: Category) -> str:
    p = profile(category)
    if p and p.description:
        return p.description
    return f"{Kind(category.kind).label} · {category.parent} / {category.name}"


def service_entry(category: Category) -> dict[str, Any]:
    return {
        "service_code": service_code(category),
        "service_name": category.name,
        "description": describe(category),
        "metadata": bool(attributes(category)),
        "type": service_type(category),
        "keywords": ", ".join(category.keywords.split()) or None,
        "group": category.parent.name if category.parent else None,
    }


def service_list() -> list[dict[str, Any]]:
    return [service_entry(c) for c in offered()]


def definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": service_code(category),
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [
                    {"key": str(v.get("key")), "name": str(v.get("name"))}
                    for v in a.values or []
                    if isinstance(v, dict)
                ],
            }
            for a in attributes(category)
        ],
    }


@dataclass
class Answer:
    attribute: ServiceAttribute
    value: str | list[str]

    def shown(self) -> str:
        names = {str(v.get("key")): str(v.get("name")) for v in self.attribute.values or []}
        values = self.value if isinstance(self.value, list) else [self.value]
        return "、".join(names.get(v, v) for v in values)


ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def read_answers(category: Category, form: Any) -> list[Answer]:
    """The attribute[CODE] (and attribute[CODE][] for lists) answers in a POST, checked against the
    service definition: required ones present, numbers numbers, dates dates, list values known."""
    given: dict[str, list[str]] = {}
    for field in form:
        match = ATTRIBUTE_FIELD.match(field)
        if match:
            values = [v.strip() for v in form.getlist(field) if v.strip()]
            given.setdefault(match[1], []).extend(values)
    answers: list[Answer] = []
    problems: list[str] = []
    for attribute in attributes(category):
        if not attribute.variable:
            continue
        values = given.get(attribute.code, [])
        if not values:
            if attribute.required:
                problems.append(
                    _("attribute[%(code)s] is required: %(question)s")
                    % {"code": attribute.code, "question": attribute.description}
                )
            continue
        problem = _check(attribute, values)
        if problem:
            problems.append(problem)
            continue
        value: str | list[str] = (
            values if attribute.datatype == Datatype.MULTIVALUELIST else values[0]
        )
        answers.append(Answer(attribute, value))
    if problems:
        raise Open311Error(400, *problems)
    return answers


def _check(attribute: ServiceAttribute, values: list[str]) -> str:
    code = attribute.code
    if any(len(v) > MAX_ANSWER for v in values):
        return _("attribute[%(code)s] is longer than %(n)d characters.") % {
            "code": code,
            "n": MAX_ANSWER,
        }
    if attribute.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
        return _("attribute[%(code)s] takes one value.") % {"code": code}
    value = values[0]
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            return _("attribute[%(code)s] must be a number.") % {"code": code}
    elif attribute.datatype == Datatype.DATETIME:
        try:
            parse_datetime(value, f"attribute[{code}]")
        except Open311Error as exc:
            return exc.descriptions[0]
    elif attribute.datatype == Datatype.STRING and ("\n" in value or "\r" in value):
        return _("attribute[%(code)s] is one line of text.") % {"code": code}
    elif attribute.datatype in LIST_DATATYPES:
        known = set(attribute.value_keys())
        unknown = [v for v in values if v not in known]
        if unknown:
            return _("attribute[%(code)s]: %(values)s is not one of %(known)s.") % {
                "code": code,
                "values": ", ".join(unknown),
                "known": ", ".join(attribute.value_keys()),
            }
    return ""


def answers_text(answers: Iterable[Answer]) -> str:
    """The answers as lines for the case description, so that the staff handling it see them."""
    return "\n".join(f"{a.attribute.description}：{a.shown()}" for a in answers)
