"""What a viewer may ask the insights about: the scopes their roles cover, resolved from the pages'
parameters (anything else is "not found"), and the names of places, units and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import workflow
from gongzhi.cases.models import Category, Tier
from gongzhi.core.errors import ActionError, NotAllowed, NotFound
from gongzhi.core.permissions import can, scope_codes
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import Membership, Role, User, Viewer
from gongzhi.places.models import Division, Grid

from .indicators import PERIOD_KINDS, Period, Scope, place_level

VIEW = "insights.view"
WORKER_ROLES = (Role.GRID_WORKER,)


def place_codes(user: Viewer) -> list[str]:
    """The place codes whose figures `user` may see ("" = everywhere)."""
    return scope_codes(user, VIEW)


def covers(user: Viewer, code: str) -> bool:
    return any(code.startswith(c) for c in place_codes(user))


def department_ids(user: Viewer) -> set[int]:
    return workflow.department_ids(user)


def may_use_insights(user: Viewer) -> bool:
    """May `user` open the insights at all: a place's figures, or their department's. The one
    rule, in core.permissions.ACTIONS; the navigation asks the same."""
    return can(user, "insights.use")


# ------------------------------------------------------------------------------- names


def place_names(codes: Iterable[str]) -> dict[str, str]:
    """Short names of divisions and grids by code."""
    wanted = {c for c in codes if c}
    names = {
        d.code: d.short_name
        for d in Division.objects.filter(code__in=[c for c in wanted if len(c) <= 12])
    }
    names.update(
        Grid.objects.filter(code__in=[c for c in wanted if len(c) > 12]).values_list("code", "name")
    )
    return names


def place_label(code: str) -> str:
    if not code:
        return _("All places")
    return place_names([code]).get(code, code)


TIER_NAMES = dict(Tier.choices)


def unit_labels(keys: Iterable[str]) -> dict[str, str]:
    """ "org:5" → the department's name; "community:130803001008" → "御祥园社区 · Community"."""
    keys = [k for k in keys if k]
    org_ids = [int(k[4:]) for k in keys if k.startswith("org:") and k[4:].isdigit()]
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    places = place_names(k.partition(":")[2] for k in keys if not k.startswith("org:"))
    out: dict[str, str] = {}
    for k in keys:
        head, _sep, rest = k.partition(":")
        if head == "org":
            out[k] = orgs.get(int(rest), k) if rest.isdigit() else k
        else:
            out[k] = f"{places.get(rest, rest)} · {TIER_NAMES.get(head, head)}"
    return out


def unit_tier(key: str) -> str:
    """The tier a unit key belongs to; departments are their own group."""
    head = key.partition(":")[0]
    return "department" if head == "org" else head or "none"


# ------------------------------------------------------------------------------- scopes


def worker_grids(worker_id: int) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(user_id=worker_id, role__in=WORKER_ROLES)
        .values_list("scope_code", flat=True)
    )


def resolve_scope(user: Viewer, param: str) -> Scope:
    """The scope named by `param`, if `user` may see it; otherwise NotFound (404), so that a
    scope one may not see is indistinguishable from one that does not exist."""
    param = (param or "").strip()
    missing = NotFound(_("No such place or unit, or you may not see its figures."))
    if param.isdigit():
        if not covers(user, param) or place_level(param) == "place":
            raise missing
        exists = (
            Grid.objects.filter(code=param).exists()
            if len(param) > 12
            else Division.objects.filter(code=param).exists()
        )
        if not exists:
            raise missing
        return Scope.place(param, place_label(param))
    head, _sep, rest = param.partition(":")
    if head == "org" and rest.isdigit():
        org = Organisation.objects.filter(pk=int(rest), kind=OrgKind.DEPARTMENT).first()
        if org is None or not (org.pk in department_ids(user) or covers(user, org.scope_code)):
            raise missing
        return Scope.unit(param, org.name)
    if head in TIER_NAMES and rest.isdigit():
        if not covers(user, rest):
            raise missing
        return Scope.unit(param, unit_labels([param])[param])
    if head == "worker" and rest.isdigit():
        grids = worker_grids(int(rest))
        worker = User.objects.filter(pk=int(rest)).first()
        if worker is None or not grids:
            raise missing
        if worker.pk != getattr(user, "pk", None) and not all(covers(user, g) for g in grids):
            raise missing
        label = _("%(name)s (grid worker)") % {"name": worker.get_full_name() or worker.username}
        return Scope.worker(worker.pk, grids, label)
    raise missing


def home_scopes(user: Viewer) -> list[Scope]:
    """Where a viewer's figures start: the top places of their roles, then their departments."""
    codes = place_codes(user)
    if "" in codes:
        codes = list(
            Division.objects.filter(level=Division.Level.DISTRICT).values_list("code", flat=True)
        )
    kept: list[str] = []
    for c in sorted(set(codes), key=len):
        if not any(c.startswith(k) for k in kept):
            kept.append(c)
    names = place_names(kept)
    scopes = [Scope.place(c, names.get(c, c)) for c in sorted(kept)]
    for org in Organisation.objects.filter(pk__in=department_ids(user)).order_by("name"):
        scopes.append(Scope.unit(f"org:{org.pk}", org.name))
    return scopes


def default_scope(user: Viewer) -> Scope:
    scopes = home_scopes(user)
    if not scopes:
        raise NotAllowed(_("Your roles do not include the figures of any place or department."))
    return scopes[0]


def scope_from(user: Viewer, param: str | None) -> Scope:
    return resolve_scope(user, param) if param else default_scope(user)


@dataclass(frozen=True)
class ScopeOption:
    param: str
    label: str
    group: str
    selected: bool = False


def scope_options(user: Viewer, current: Scope) -> list[ScopeOption]:
    """The scope picker: the viewer's home scopes, the places between them and the current one,
    the current one's children, and the departments the viewer may see. Nothing outside the
    viewer's scope is offered."""
    options: list[ScopeOption] = []
    seen: set[str] = set()

    def offer(param: str, label: str, group: str) -> None:
        if param not in seen:
            seen.add(param)
            options.append(ScopeOption(param, label, group, param == current.param))

    home = home_scopes(user)
    group_home = _("Your places")
    for s in home:
        if s.kind == "place":
            offer(s.param, s.label, group_home)
    if current.kind == "place":
        chain = [current.key[:n] for n in (6, 9, 12) if n < len(current.key)] + [current.key]
        names = place_names(chain)
        for code in chain:
            if covers(user, code):
                offer(code, names.get(code, code), _("Places above"))
        digits = current.child_digits
        if digits is not None:
            group = _("Places inside")
            for code, label in child_places(current):
                offer(code, label, group)
    for s in home:
        if s.kind == "unit":
            offer(s.param, s.label, _("Departments"))
    for org in visible_departments(user):
        offer(f"org:{org.pk}", org.name, _("Departments"))
    if current.param not in seen:
        offer(current.param, current.label, _("Current"))
    return options


def child_places(scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the places one level inside a place scope."""
    digits = scope.child_digits
    if digits is None:
        return []
    if digits == 0:
        return list(
            Grid.objects.filter(code__startswith=scope.key)
            .order_by("code")
            .values_list("code", "name")
        )
    level = {9: Division.Level.STREET, 12: Division.Level.COMMUNITY}[digits]
    return [
        (d.code, d.short_name)
        for d in Division.objects.filter(level=level, code__startswith=scope.key).order_by("code")
    ]


def visible_departments(user: Viewer) -> QuerySet[Organisation]:
    """Departments whose scoreboard row the viewer may see: those in a place they cover, and their
    own."""
    codes = place_codes(user)
    qs = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True)
    mine = department_ids(user)
    if "" in codes:
        return qs.order_by("name")
    from django.db.models import Q

    q = Q(pk__in=mine)
    for c in codes:
        q |= Q(scope_code__startswith=c)
    return qs.filter(q).order_by("name")


# ------------------------------------------------------------------------------- parameters


def parse_date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ActionError(_("Give dates as YYYY-MM-DD."), field=field) from exc


def period_from(params: Any, default_kind: str = "month") -> Period:
    kind = params.get("period") or default_kind
    if kind not in dict(PERIOD_KINDS):
        raise ActionError(_("Unknown period."), field="period")
    anchor = parse_date(params.get("date"), "date") or timezone.localdate()
    if kind == "custom":
        start = parse_date(params.get("start"), "start")
        end = parse_date(params.get("end"), "end")
        if start is None or end is None:
            raise ActionError(_("A custom period needs a first and a last day."), field="start")
        try:
            return Period.of(kind, anchor, start, end)
        except ValueError as exc:
            raise ActionError(_("A custom period is at most three years."), field="end") from exc
    return Period.of(kind, anchor)


def category_from(params: Any) -> Category | None:
    value = params.get("category") or ""
    if not value:
        return None
    if not value.isdigit():
        raise ActionError(_("Unknown category."), field="category")
    category = Category.objects.filter(pk=int(value)).select_related("parent").first()
    if category is None:
        raise ActionError(_("Unknown category."), field="category")
    return category


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Major classes, each with its minor classes, for the category picker."""
    majors = Category.objects.filter(parent__isnull=True).order_by("kind", "code")
    minors: dict[int, list[tuple[int, str]]] = {}
    for c in Category.objects.filter(parent__isnull=False).order_by("code"):
        minors.setdefault(c.parent_id or 0, []).append((c.pk, c.name))
    return [
        (m.name, [(m.pk, _("%(name)s (all)") % {"name": m.name}), *minors.get(m.pk, [])])
        for m in majors
    ]
