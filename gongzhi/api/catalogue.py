"""Reference lists: categories with the rules in force now, and the departments cases go to."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params import P, PathEx

from gongzhi.cases.models import Category, Kind
from gongzhi.core.errors import NotFound
from gongzhi.orgs.models import Organisation, OrgKind

from . import present
from . import schemas as s
from .auth import token_optional, token_required
from .errors import responses

router = Router(tags=["reference"])


class CategoryQuery(Schema):
    kind: Kind | None = None


@router.get(
    "/categories",
    response=responses({200: list[s.MajorCategoryOut]}, 400),
    auth=token_optional,
    openapi_extra={"x-token-optional": True},
    operation_id="list_categories",
    summary="Categories and their rules",
)
def categories(request: HttpRequest, params: Query[CategoryQuery]) -> list[s.MajorCategoryOut]:
    """Major classes with their minor classes (the ones a report names), each with the rules in
    force now: the lowest tier that may settle it, the default department and the deadlines.
    No token needed."""
    rows = Category.objects.filter(is_active=True).select_related("parent")
    if params.kind:
        rows = rows.filter(kind=params.kind)
    rows = present.rules_in_force(rows.order_by("kind", "code"))
    majors: dict[int, s.MajorCategoryOut] = {}
    minors: list[Category] = []
    for c in rows:
        if c.parent_id is None:
            majors[c.pk] = s.MajorCategoryOut(
                id=c.pk,
                kind=Kind(c.kind),
                code=c.code,
                name=c.name,
                minors=[],
            )
        else:
            minors.append(c)
    for c in minors:
        if c.parent_id in majors:
            majors[c.parent_id].minors.append(present.category(c))
    return list(majors.values())


KindPath = PathEx[Kind, P(description="event or component")]
CodePath = PathEx[str, P(pattern=r"^\d{2}(\d{2})?$", description="A 2- or 4-digit code.")]


@router.get(
    "/categories/{kind}/{code}",
    response=responses({200: s.CategoryOut}, 400, 404),
    auth=token_optional,
    openapi_extra={"x-token-optional": True},
    operation_id="get_category",
    summary="One category and its rules",
)
def category(request: HttpRequest, kind: KindPath, code: CodePath) -> s.CategoryOut:
    found = (
        present.rules_in_force(Category.objects.filter(kind=kind, code=code))
        .select_related("parent")
        .first()
    )
    if found is None:
        raise NotFound(_("No such category."))
    return present.category(found)


@router.get(
    "/departments",
    response=responses({200: list[s.DepartmentOut]}),
    auth=token_required,
    operation_id="list_departments",
    summary="Departments cases can be dispatched to",
)
def departments(request: HttpRequest) -> list[s.DepartmentOut]:
    """The departments (for `unit` in dispatch and `departments` in summon)."""
    rows = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by("name")
    return [s.DepartmentOut(id=o.pk, name=o.name, scope_code=o.scope_code) for o in rows]
