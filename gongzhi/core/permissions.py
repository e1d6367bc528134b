"""Who may do what, where: the one place that answers it.

A person holds roles through membership rows, each with a scope code. A role grants an action on
an object when the action allows that role and the object's scope code starts with the
membership's scope code. Queries are scoped the same way, with one prefix filter per membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from django.db import models
from django.db.models import Q

from .roles import Role

if TYPE_CHECKING:
    # For the annotations only: core sits below people and imports none of its modules at run time.
    from gongzhi.people.models import User, Viewer

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
    # The errands page in the navigation: residents who ask and the grid's and community's staff
    # who take them. Administrators may take errands too, but the entry is not theirs.
    "cases.errands_page": frozenset(
        {R.RESIDENT, R.GRID_WORKER, R.GRID_LEADER, R.COMMUNITY_WORKER, R.COMMUNITY_SECRETARY}
    ),
    # Phone-ins (12345) entered by staff, on behalf of a caller.
    "cases.report_hotline": frozenset(
        {
            R.COMMUNITY_WORKER,
            R.COMMUNITY_SECRETARY,
            R.STREET_STAFF,
            R.COMMAND_CENTRE_STAFF,
            R.ADMINISTRATOR,
        }
    ),
    "cases.command_map": frozenset({R.COMMAND_CENTRE_STAFF, R.ADMINISTRATOR}),
    # Patrol reports (巡查上报): the staff of every tier that holds cases.
    "cases.patrol": frozenset(
        {
            R.GRID_WORKER,
            R.GRID_LEADER,
            R.COMMUNITY_WORKER,
            R.COMMUNITY_SECRETARY,
            R.STREET_STAFF,
            R.COMMAND_CENTRE_STAFF,
            R.ADMINISTRATOR,
        }
    ),
    # the audit log
    "core.view_audit": frozenset({R.COMMAND_CENTRE_STAFF, R.ADMINISTRATOR}),
    # The district's administrators: tokens and keys of anyone, settings of the platform.
    "core.administer": frozenset({R.ADMINISTRATOR}),
    # Work tools: the workbench, the place browser, organisations (residents have their own pages).
    "core.staff": STAFF_ROLES,
    # insights: the figures of a place (department staff see their department's instead)
    "insights.view": STAFF_ROLES - {R.DEPARTMENT_STAFF},
    # The insights pages at all: a place's figures (insights.view), or, for department staff, their
    # department's (insights.queries scopes those by department, not by place).
    "insights.use": STAFF_ROLES,
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


def _active_account(user: Viewer) -> User | None:
    """The account behind `user` when it is signed in and active; None otherwise."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    # Only accounts are authenticated; AnonymousUser and None never get here.
    return cast("User", user)


def _membership_rows(account: User) -> list[tuple[str, str, int | None]]:
    """(role, scope code, organisation id) of each active membership, read once per account object
    (that is, once per request)."""
    cache: list[tuple[str, str, int | None]] | None = getattr(account, "_gongzhi_memberships", None)
    if cache is None:
        # Through the account's own relation: core sits below people and imports none of its models.
        cache = list(
            account.memberships.active().values_list("role", "scope_code", "organisation_id")
        )
        account._gongzhi_memberships = cache  # type: ignore[attr-defined]  # a per-request cache
    return cache


def memberships_of(user: Viewer) -> list[tuple[str, str, int | None]]:
    """(role, scope code, organisation id) of each active membership of `user` (none: not signed in)."""
    account = _active_account(user)
    return [] if account is None else _membership_rows(account)


def scope_codes(user: Viewer, action: str) -> list[str]:
    """The scope codes under which `user` may take `action` (empty: nowhere)."""
    roles = _roles_for(action)
    account = _active_account(user)
    if account is None:
        return []
    return sorted({code for role, code, _org in _membership_rows(account) if role in roles})


def roles_of(user: Viewer) -> set[str]:
    account = _active_account(user)
    if account is None:
        return set()
    return {role for role, _code, _org in _membership_rows(account)}


def is_administrator(user: Viewer) -> bool:
    """A superuser, or someone who holds the administrator role: the one test of "administrator"."""
    account = _active_account(user)
    if account is None:
        return False
    return bool(account.is_superuser) or can(account, "core.administer")


def can(user: Viewer, action: str, obj: Scoped | None = None) -> bool:
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
    user: Viewer, action: str, queryset: models.QuerySet[M], field: str = "scope_code"
) -> models.QuerySet[M]:
    """The part of `queryset` whose `field` lies inside a scope where `user` may take `action`."""
    q = prefix_filter(scope_codes(user, action), field)
    if q is None:
        return queryset.none()
    return queryset.filter(q)
