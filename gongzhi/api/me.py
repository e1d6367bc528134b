"""The caller: who the token acts as, their roles, and the cases they reported ("my cases")."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from gongzhi.cases import queries
from gongzhi.people.actions import contact_for
from gongzhi.people.models import Membership, Role

from . import present
from . import schemas as s
from .auth import caller, token_required, user_of
from .errors import responses
from .paging import NEWEST_REPORTED, paginate

router = Router(tags=["me"], auth=token_required)


@router.get("", response=responses({200: s.MeOut}), operation_id="get_me", summary="Who you are")
def me(request: HttpRequest) -> s.MeOut:
    """The account the token acts as, its roles with their places, and the token itself."""
    user, token = user_of(request), caller(request).token
    assert token is not None
    roles = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("scope_code", "role")
    )
    return s.MeOut(
        username=user.username,
        full_name=user.full_name,
        phone=contact_for(user, user).phone,
        roles=[
            s.RoleOut(
                role=m.role,
                role_label=str(Role(m.role).label),
                scope_code=m.scope_code,
                organisation=s.Named(id=m.organisation.pk, name=m.organisation.name)
                if m.organisation is not None
                else None,
                title=m.title,
            )
            for m in roles
        ],
        token=s.TokenOut(
            name=token.name,
            kind=token.kind,
            prefix=token.prefix,
            created_at=token.created_at,
            expires_at=token.expires_at,
        ),
    )


class MyCasesQuery(Schema):
    cursor: str | None = s.Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]+$")
    limit: int = s.Field(20, ge=1, le=100)


@router.get(
    "/cases",
    response=responses({200: s.CasePage}, 400),
    operation_id="list_my_cases",
    summary="My cases",
)
def my_cases(request: HttpRequest, params: Query[MyCasesQuery]) -> s.CasePage:
    """The cases you reported, newest first (the same as GET /cases?view=mine)."""
    user = user_of(request)
    page = paginate(queries.my_reports(user), NEWEST_REPORTED, params.cursor, params.limit)
    now = timezone.now()
    return s.CasePage(
        items=[present.case_summary(c, present.light_of(c, now)) for c in page.items],
        next_cursor=page.next_cursor,
    )
