"""Who may do what, where: the one place that answers it.

A person holds roles through membership rows, each with a scope code. A role grants an action on
an object when the action allows that role and the object's scope code starts with the
membership's scope code. Queries are scoped the same way, with one prefix filter per membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q

from gongzhi.people.models import Membership, Role

R = Role
STAFF_ROLES = frozenset(
    {
        R.GRID_WORKER,
        R.GRID_LEADER,
        R.GRID_INSTRUCTOR,
        R.COMMUNITY_WORKER,
        R.COMMUNITY_SECRETARY,
        R.STREET_STAFF,
        R.DEPARTMENT_STAFF,
        R.COMMAND_CENTRE_STAFF,
        R.ADMINISTRATOR,
    }
)
GRID_TEAM_ROLES = frozenset({R.GRID_WORKER, R.GRID_LEADER, R.GRID_INSTRUCTOR})
COMMUNITY_MANAGERS = frozenset(
    {R.COMMUNITY_SECRETARY, R.STREET_STAFF, R.COMMAND_CENTRE_STAFF, R.ADMINISTRATOR}
)
ALL_ROLES = frozenset(Role)

# action → the roles that may take it (within their scope). One table, read by can() and scoped().
ACTIONS: dict[str, frozenset[str]] = {
    # places
    "places.view": ALL_ROLES,
    "places.edit_grid": frozenset({R.STREET_STAFF, R.COMMAND_CENTRE_STAFF, R.ADMINISTRATOR}),
    "places.view_team": STAFF_ROLES | {R.BUILDING_HEAD, R.ENTRANCE_HEAD, R.RESIDENT},
    # people
    "people.view_person": STAFF_ROLES - {R.DEPARTMENT_STAFF},
    # Full phone and ID numbers: those who work with residents of that place directly.
    "people.view_personal_data": frozenset(
        {R.GRID_WORKER, R.GRID_LEADER, R.COMMUNITY_WORKER, R.COMMUNITY_SECRETARY, R.ADMINISTRATOR}
    ),
    "people.assign_role": COMMUNITY_MANAGERS,
    # organisations
    "orgs.view": ALL_ROLES,
    "orgs.edit": COMMUNITY_MANAGERS,
    # cases
    "cases.edit_categories": frozenset({R.ADMINISTRATOR}),
    # Cases in a place: its staff (department staff see cases through their department instead).
    "cases.view": STAFF_ROLES - {R.DEPARTMENT_STAFF},
    "cases.errands": frozenset(
        {R.GRID_WORKER, R.GRID_LEADER, R.COMMUNITY_WORKER, R.COMMUNITY_SECRETARY, R.ADMINISTRATOR}
    ),
    # the audit log
    "core.view_audit": frozenset({R.COMMAND_CENTRE_STAFF, R.ADMINISTRATOR}),
    # insights: the figures of a place (department staff see their department's instead)
    "insights.view": STAFF_ROLES - {R.DEPARTMENT_STAFF},
}


class Scoped(Protocol):
    @property
    def scope_code(self) -> str: ...


M = TypeVar("M", bound=models.Model)


def _roles_for(action: str) -> frozenset[str]:
    try:
        return ACTIONS[action]
    except KeyError as exc:
        raise KeyError(f"unknown action {action!r}: add it to core.permissions.ACTIONS") from exc


def scope_codes(user: Any, action: str) -> list[str]:
    """The scope codes under which `user` may take `action` (empty: nowhere)."""
    roles = _roles_for(action)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache: dict[str, list[tuple[str, str]]] | None = getattr(user, "_gongzhi_memberships", None)
    if cache is None:
        rows = list(Membership.objects.active().filter(user=user).values_list("role", "scope_code"))
        cache = {"rows": rows}
        user._gongzhi_memberships = cache
    return sorted({code for role, code in cache["rows"] if role in roles})


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    scope_codes(user, "places.view")  # fills the per-request cache
    return {role for role, _code in user._gongzhi_memberships["rows"]}


def can(user: Any, action: str, obj: Scoped | None = None) -> bool:
    """May `user` take `action` on `obj` (or anywhere at all, when obj is None)?"""
    codes = scope_codes(user, action)
    if obj is None:
        return bool(codes)
    target = obj.scope_code or ""
    return any(target.startswith(code) for code in codes)


def prefix_filter(codes: Iterable[str], field: str) -> Q | None:
    """`field LIKE code%` for each code, OR-ed; None when there are no codes."""
    # Drop codes already covered by a shorter one so the SQL stays small.
    kept: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    q: Q | None = None
    for code in kept:
        # "" (everywhere) stays a real condition: an empty Q() would vanish when OR-ed.
        term = Q(**{f"{field}__startswith": code})
        q = term if q is None else q | term
    return q


def scoped(
    user: Any, action: str, queryset: models.QuerySet[M], field: str = "scope_code"
) -> models.QuerySet[M]:
    """The part of `queryset` whose `field` lies inside a scope where `user` may take `action`."""
    q = prefix_filter(scope_codes(user, action), field)
    if q is None:
        return queryset.none()
    return queryset.filter(q)
