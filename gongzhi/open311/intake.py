"""POST requests: a client's service request becomes a case through `cases.actions.report`, reported
by the client's service account with source Open311 — at once (realtime and blackbox services) or
by a background task after a token is returned (batch services). The reading and checking of the
request is here; the writes are in `actions` (which the task in `tasks` calls too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Length
from django.http import HttpRequest
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gongzhi.cases.models import Category
from gongzhi.core.errors import ActionError
from gongzhi.places.locator import check_position, locate
from gongzhi.places.models import Estate, Grid

from . import services, tasks
from .actions import make_case
from .formats import Open311Error
from .models import ApiKey, Open311Request, ServiceType

MAX_DESCRIPTION = 4000
SUBMITTER_FIELDS = ("first_name", "last_name", "email", "phone", "device_id", "account_id")
TOKEN_LENGTH = 32


def param(form: Any, name: str) -> str:
    """A parameter's value; an empty one is the same as one not sent."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class Place:
    lat: float
    lng: float
    address: str
    address_id: str


def _grid_point(grid: Grid) -> tuple[float, float]:
    """A point inside the grid (it has a boundary: only such grids are looked up)."""
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    return point.y, point.x


def _grid_for_address(text: str) -> Grid | None:
    """The one grid an address names: through the longest estate or grid name it contains."""
    haystack = Value(text)
    estates = list(
        Estate.objects.alias(text=haystack, size=Length("name"))
        .filter(text__contains=F("name"), grid__boundary__isnull=False)
        .select_related("grid")
        .order_by("-size")[:10]
    )
    grids = list(
        Grid.objects.alias(text=haystack, size=Length("name"))
        .filter(text__contains=F("name"), boundary__isnull=False)
        .order_by("-size")[:10]
    )
    found = [(len(e.name), e.grid) for e in estates] + [(len(g.name), g) for g in grids]
    if not found:
        return None
    longest = max(size for size, _grid in found)
    best = {g.code: g for size, g in found if size == longest}
    return next(iter(best.values())) if len(best) == 1 else None


def read_place(form: Any) -> Place:
    """The location: lat+long (WGS-84), or address_id (a grid code), or an address_string that
    names an estate or grid. The last two place the case at a point inside that grid."""
    lat, lng = param(form, "lat"), param(form, "long")
    address = param(form, "address_string")[:200]
    address_id = param(form, "address_id")
    if lat or lng:
        if not (lat and lng):
            raise Open311Error(400, _("lat and long must be sent together."))
        try:
            flat, flng = check_position(lat, lng)
        except ActionError as exc:
            raise Open311Error(400, exc.message) from exc
        return Place(flat, flng, address, "")
    if address_id:
        grid = Grid.objects.filter(code=address_id, boundary__isnull=False).first()
        if grid is None:
            raise Open311Error(
                400,
                _("address_id %(id)s is not a grid code of the district.") % {"id": address_id},
            )
        glat, glng = _grid_point(grid)
        return Place(glat, glng, address or grid.name, address_id)
    if address:
        grid = _grid_for_address(address)
        if grid is None:
            raise Open311Error(
                400,
                _(
                    "We could not place “%(address)s”: name an estate or grid of the district, "
                    "or send lat and long."
                )
                % {"address": address},
            )
        glat, glng = _grid_point(grid)
        return Place(glat, glng, address, grid.code)
    raise Open311Error(
        400, _("A location is required: lat and long, address_string or address_id.")
    )


def _description(category: Category, text: str, answers: list[services.Answer], client: str) -> str:
    """The case's description: the reporter's words and, where they fit, the attribute answers."""
    extra = services.answers_text(answers)
    if not text and not extra:
        return _("%(service)s, reported through %(client)s without a description.") % {
            "service": category.name,
            "client": client,
        }
    combined = f"{text}\n\n{extra}".strip() if extra else text
    return combined if len(combined) <= MAX_DESCRIPTION else text


def submit(request: HttpRequest, key: ApiKey) -> dict[str, Any]:
    """Check a POST requests call and act on it. Returns the one element of the response array."""
    form = request.POST
    category = services.find_service(param(form, "service_code"))
    answers = services.read_answers(category, form)
    text = param(form, "description")
    if len(text) > MAX_DESCRIPTION:
        raise Open311Error(
            400,
            _("description is longer than %(n)d characters (%(len)d).")
            % {"n": MAX_DESCRIPTION, "len": len(text)},
        )
    place = read_place(form)
    media_url = param(form, "media_url")
    if media_url and (not media_url.startswith(("http://", "https://")) or len(media_url) > 500):
        raise Open311Error(400, _("media_url must be an http(s) URL of at most 500 characters."))
    submitter = {f: param(form, f)[:100] for f in SUBMITTER_FIELDS if param(form, f)}
    kind = services.service_type(category)
    photos = request.FILES.getlist("media")
    record = Open311Request(
        api_key=key,
        category=category,
        payload={
            "description": _description(category, text, answers, key.name),
            "text": text,  # the submitter's own words: what the public sees of the description
            "lat": place.lat,
            "lng": place.lng,
            "address": place.address,
        },
        attributes={a.attribute.code: a.value for a in answers},
        address_id=place.address_id,
        media_url=media_url,
        submitter=submitter,
    )
    account_id = submitter.get("account_id") or None
    if kind == ServiceType.BATCH:
        if photos:
            raise Open311Error(
                400, _("Batch services take no uploaded media: send media_url instead.")
            )
        try:
            locate(place.lat, place.lng)  # refuse a position outside the district now
        except ActionError as exc:
            raise Open311Error(
                exc.status if exc.status in (403, 404) else 400, exc.message
            ) from exc
        record.token = get_random_string(TOKEN_LENGTH)
        record.payload["idempotency_key"] = f"open311:{record.token}"
        with transaction.atomic():
            record.save()
            transaction.on_commit(lambda: enqueue(record.pk))
        return {
            "token": record.token,
            "service_notice": services.notice(category),
            "account_id": account_id,
        }
    idempotency = request.headers.get("Idempotency-Key", "").strip()
    if idempotency:
        record.payload["idempotency_key"] = f"open311:{idempotency}"[:64]
    case = make_case(record, photos)
    if kind == ServiceType.BLACKBOX:
        return {"service_notice": services.notice(category), "account_id": account_id}
    return {
        "service_request_id": case.number,
        "service_notice": services.notice(category),
        "account_id": account_id,
    }


def enqueue(record_id: int) -> None:
    tasks.make_case_for_token.enqueue(record_id)


def token_status(token: str) -> dict[str, Any]:
    record = Open311Request.objects.select_related("case").filter(token=token).first()
    if record is None:
        raise Open311Error(404, _("Token %(token)s was not found.") % {"token": token})
    if record.state == Open311Request.State.FAILED:
        raise Open311Error(400, record.error or _("The request was refused."))
    return {
        "service_request_id": record.case.number if record.case else None,
        "token": token,
    }
