"""Reads of places, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can, scope_codes, scoped
from gongzhi.people.models import Membership, Role, User

from .models import Division, Grid


def top_divisions(user: User) -> QuerySet[Division]:
    """The divisions a user's scopes start at: where the place browser opens."""
    codes = scope_codes(user, "places.view")
    if "" in codes:
        return Division.objects.filter(level=Division.Level.DISTRICT)
    division_codes = {c[:12] for c in codes}  # a grid scope opens at its community
    return Division.objects.filter(code__in=division_codes)


def get_division(user: User, code: str) -> Division:
    """A division the user may browse: inside one of their scopes, or an ancestor of one (by name only)."""
    division = Division.objects.filter(code=code).select_related("parent").first()
    if division is None or not (
        can(user, "places.view", division) or is_ancestor_of_scope(user, code)
    ):
        raise NotFound(_("No such place, or you may not see it."))
    return division


def is_ancestor_of_scope(user: User, code: str) -> bool:
    return any(s.startswith(code) for s in scope_codes(user, "places.view"))


def visible_children(user: User, division: Division) -> QuerySet[Division]:
    codes = scope_codes(user, "places.view")
    children = division.children.all()
    # Children inside a scope, or on the way down to one.
    q = Q()
    for c in codes:
        q |= Q(code__startswith=c) if c else Q()
        if c:
            q |= Q(code__in=[c[:n] for n in (9, 12) if len(c) >= n])
    return children.filter(q) if codes else children.none()


def visible_grids(user: User, under: str = "") -> QuerySet[Grid]:
    return scoped(user, "places.view", Grid.objects.filter(code__startswith=under), field="code")


def get_grid(user: User, code: str) -> Grid:
    grid = visible_grids(user).select_related("community__parent").filter(code=code).first()
    if grid is None:
        raise NotFound(_("No such grid, or you may not see it."))
    return grid


@dataclass
class GridTeam:
    """The "1+1+X+Y" team: 1 instructor, 1 leader, X grid workers, Y other forces."""

    instructors: list[Membership] = field(default_factory=list)
    leaders: list[Membership] = field(default_factory=list)
    workers: list[Membership] = field(default_factory=list)
    others: list[Membership] = field(default_factory=list)


def grid_team(grid: Grid) -> GridTeam:
    rows = (
        Membership.objects.active()
        .filter(
            Q(scope_code=grid.code) | Q(scope_code=grid.community.code, role=Role.GRID_INSTRUCTOR)
        )
        .exclude(role=Role.RESIDENT)
        .select_related("user", "organisation")
        .order_by("role", "user__full_name")
    )
    team = GridTeam()
    for m in rows:
        if m.role == Role.GRID_INSTRUCTOR:
            team.instructors.append(m)
        elif m.role == Role.GRID_LEADER:
            team.leaders.append(m)
        elif m.role == Role.GRID_WORKER:
            team.workers.append(m)
        else:
            team.others.append(m)
    return team


def grids_feature_collection(grids: QuerySet[Grid]) -> dict[str, Any]:
    features = []
    for g in grids.exclude(boundary__isnull=True).select_related("community"):
        features.append(
            {
                "type": "Feature",
                "geometry": g.boundary,
                "properties": {
                    "code": g.code,
                    "name": g.name,
                    "community": g.community.short_name,
                    "households": g.households,
                    "url": reverse("web:grid", args=[g.code]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
