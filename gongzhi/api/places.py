"""Places: the division tree as far as the caller may browse it, grids as GeoJSON, one grid."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.params import P, PathEx

from gongzhi.core.permissions import can
from gongzhi.people.models import User
from gongzhi.places import queries
from gongzhi.places.models import Division, Grid

from . import present
from . import schemas as s
from .auth import token_required, user_of
from .errors import responses

router = Router(tags=["places"], auth=token_required)

DivisionCode = PathEx[
    str, P(pattern=r"^\d{2,12}$", max_length=12, description="A division code (2 to 12 digits).")
]
GridCode = PathEx[str, P(pattern=r"^\d{1,20}$", max_length=20, description="A grid code.")]


@router.get(
    "/divisions",
    response=responses({200: list[s.DivisionOut]}),
    operation_id="list_top_divisions",
    summary="Where your places start",
)
def top_divisions(request: HttpRequest) -> list[s.DivisionOut]:
    """The divisions your scopes start at (a district for the command centre, a community for its
    workers): where the place browser opens."""
    user = user_of(request)
    return [present.division(d) for d in queries.top_divisions(user).order_by("code")]


class TreeQuery(Schema):
    depth: int = s.Field(1, ge=0, le=3, description="How many levels of children to include.")


def _tree(user: User, division: Division, depth: int) -> s.DivisionOut:
    children: list[s.DivisionOut] = []
    if depth > 0:
        children = [
            _tree(user, child, depth - 1)
            for child in queries.visible_children(user, division).order_by("code")
        ]
    return present.division(division, children)


@router.get(
    "/divisions/{code}",
    response=responses({200: s.DivisionOut}, 400, 404),
    operation_id="get_division",
    summary="A division and the tree under it",
)
def division_tree(
    request: HttpRequest, code: DivisionCode, params: Query[TreeQuery]
) -> s.DivisionOut:
    """The division with its children (to `depth` levels) as far as you may see them."""
    user = user_of(request)
    return _tree(user, queries.get_division(user, code), params.depth)


class GridQuery(Schema):
    under: str = s.Field(
        "", pattern=r"^\d{0,20}$", description="Only grids under this division code."
    )


@router.get(
    "/grids",
    response=responses({200: s.GridCollection}, 400),
    operation_id="list_grids",
    summary="Grids as GeoJSON",
)
def grids(request: HttpRequest, params: Query[GridQuery]) -> s.GridCollection:
    """The grids you may see (under a division), as a GeoJSON FeatureCollection in WGS-84."""
    user = user_of(request)
    found = queries.visible_grids(user, params.under).select_related("community").order_by("code")
    return s.GridCollection(
        type="FeatureCollection", features=[present.grid_feature(g) for g in found]
    )


@router.get(
    "/grids/{code}",
    response=responses({200: s.GridOut}, 400, 404),
    operation_id="get_grid",
    summary="One grid, its boundary and its team",
)
def grid(request: HttpRequest, code: GridCode) -> s.GridOut:
    """The grid with its GeoJSON boundary and, for those who may see it, its 1+1+X+Y team with
    phone numbers masked."""
    user = user_of(request)
    found: Grid = queries.get_grid(user, code)
    team = (
        present.team(user, queries.grid_team(found))
        if can(user, "places.view_team", found)
        else None
    )
    return present.grid(found, team)
