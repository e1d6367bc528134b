"""预约代办, errands: residents ask, grid staff take them and return the result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as WithStatus
from ninja.params import HeaderEx, P, PathEx

from gongzhi.cases import actions, queries
from gongzhi.cases.models import Errand
from gongzhi.core.errors import NotFound
from gongzhi.core.models import Channel
from gongzhi.people.models import User

from . import present
from . import schemas as s
from .auth import token_required, user_of
from .cases import IDEMPOTENCY_KEY
from .errors import responses
from .paging import NEWEST_REQUESTED, paginate

router = Router(tags=["errands"], auth=token_required)

ErrandNumber = PathEx[
    str, P(pattern=r"^[0-9A-Za-z]{1,20}$", max_length=20, description="The errand number.")
]
CHANNEL = Channel.API


class ErrandFilters(Schema):
    state: Errand.State | None = None
    mine: bool = s.Field(False, description="Only the errands you asked for.")
    cursor: str | None = s.Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]+$")
    limit: int = s.Field(20, ge=1, le=100)


def _visible(user: User) -> QuerySet[Errand]:
    return queries.visible_errands(user).select_related("resident", "taker")


@router.get(
    "",
    response=responses({200: s.ErrandPage}, 400),
    operation_id="list_errands",
    summary="Errands",
)
def list_errands(request: HttpRequest, filters: Query[ErrandFilters]) -> s.ErrandPage:
    """Your own errands, and those in the grids you look after; newest first."""
    user = user_of(request)
    rows = _visible(user)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.mine:
        rows = rows.filter(resident=user)
    page = paginate(rows, NEWEST_REQUESTED, filters.cursor, filters.limit)
    return s.ErrandPage(
        items=[present.errand(user, e) for e in page.items], next_cursor=page.next_cursor
    )


def _get(user: User, number: str) -> Errand:
    found = _visible(user).filter(number=number).first()
    if found is None:
        raise NotFound(_("No such errand."))
    return found


@router.get(
    "/{number}",
    response=responses({200: s.ErrandOut}, 400, 404),
    operation_id="get_errand",
    summary="One errand",
)
def get_errand(request: HttpRequest, number: ErrandNumber) -> s.ErrandOut:
    user = user_of(request)
    return present.errand(user, _get(user, number))


@router.post(
    "",
    response=responses({201: s.ErrandOut}, 400, 403),
    operation_id="request_errand",
    summary="Ask for an errand (residents)",
)
def request_errand(
    request: HttpRequest,
    payload: s.ErrandIn,
    idempotency_key: HeaderEx[str | None, IDEMPOTENCY_KEY] = None,
) -> WithStatus[s.ErrandOut]:
    """A registered resident asks; the grid's staff are told."""
    user = user_of(request)
    errand = actions.request_errand(
        user,
        what=payload.what,
        details=payload.details,
        wanted_on=payload.wanted_on,
        idempotency_key=idempotency_key or "",
        channel=CHANNEL,
    )
    return WithStatus(201, present.errand(user, _get(user, errand.number)))


def _act(request: HttpRequest, number: str, do: Callable[[Any, Errand], object]) -> s.ErrandOut:
    user = user_of(request)
    errand = _get(user, number)
    do(user, errand)
    fresh = Errand.objects.select_related("resident", "taker").get(pk=errand.pk)
    return present.errand(user, fresh)


ACTION_RESPONSES = responses({200: s.ErrandOut}, 400, 403, 404, 409)


@router.post(
    "/{number}/take",
    response=ACTION_RESPONSES,
    operation_id="take_errand",
    summary="Take an errand",
)
def take(request: HttpRequest, number: ErrandNumber, payload: s.TakeErrandIn) -> s.ErrandOut:
    """A grid worker or cadre takes it, to be done within `working_days`."""
    return _act(
        request,
        number,
        lambda user, e: actions.take_errand(
            user, e.pk, working_days=payload.working_days, channel=CHANNEL
        ),
    )


@router.post(
    "/{number}/complete",
    response=ACTION_RESPONSES,
    operation_id="complete_errand",
    summary="Return the result",
)
def complete(
    request: HttpRequest, number: ErrandNumber, payload: s.CompleteErrandIn
) -> s.ErrandOut:
    return _act(
        request,
        number,
        lambda user, e: actions.complete_errand(user, e.pk, result=payload.result, channel=CHANNEL),
    )


@router.post(
    "/{number}/cancel",
    response=ACTION_RESPONSES,
    operation_id="cancel_errand",
    summary="Cancel (the resident who asked)",
)
def cancel(request: HttpRequest, number: ErrandNumber) -> s.ErrandOut:
    return _act(request, number, lambda user, e: actions.cancel_errand(user, e.pk, channel=CHANNEL))
