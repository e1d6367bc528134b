"""回音壁, the echo wall: public cases with their answers, for anyone (no token needed)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongzhi.cases import queries
from gongzhi.cases.models import Status
from gongzhi.places.models import Division

from . import schemas as s
from .auth import token_optional
from .errors import responses
from .paging import NEWEST_REPORTED, paginate

router = Router(tags=["echo wall"], auth=token_optional)


class EchoQuery(Schema):
    cursor: str | None = s.Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]+$")
    limit: int = s.Field(20, ge=1, le=100)


@router.get(
    "",
    response=responses({200: s.EchoPage}, 400),
    operation_id="list_echo_wall",
    openapi_extra={"x-token-optional": True},
    summary="The echo wall",
)
def echo_wall(request: HttpRequest, params: Query[EchoQuery]) -> s.EchoPage:
    """Residents' reports that were closed or declined with a public answer: no reporter and no
    exact position, only the community. Without a token, limited per IP."""
    page = paginate(
        queries.echo_wall().select_related("category"), NEWEST_REPORTED, params.cursor, params.limit
    )
    communities = {
        d.code: d.short_name
        for d in Division.objects.filter(code__in={c.grid_code[:12] for c in page.items})
    }
    return s.EchoPage(
        items=[
            s.EchoOut(
                number=c.number,
                category=c.category.name,
                description=c.description,
                public_answer=c.public_answer,
                status=Status(c.status),
                status_label=c.get_status_display(),
                community=communities.get(c.grid_code[:12]),
                reported_at=c.reported_at,
                closed_at=c.closed_at,
                me_too=c.me_too,
            )
            for c in page.items
        ],
        next_cursor=page.next_cursor,
    )
