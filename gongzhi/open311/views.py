"""The Open311 GeoReport v2 endpoints under /open311/v2/: each path carries its format (.xml or
.json); every refusal is the error array with 400, 403 or 404. Each request runs in an audit scope
in which the api_key it sends is named to every entry it writes."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.core import audit
from gongzhi.core.errors import ActionError

from . import intake, keys, search, serialisers, services, updates
from .formats import CONTENT_TYPES, JSON, XML, Open311Error, error_response, render, w3c
from .models import ApiKey, ServiceAttribute, ServiceProfile

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed; a later change to the services' settings moves it on.
INTERFACE_CHANGED = dt.datetime(2026, 11, 28, tzinfo=dt.timezone(dt.timedelta(hours=8)))

View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Allow `methods`, turn refusals into the error array, and leave CSRF out: clients are not
    browsers and authenticate with api_key."""
    allowed = {*methods, *(["HEAD"] if "GET" in methods else [])}

    def wrap(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_response(
                    fmt,
                    405,
                    _("Method %(method)s is not allowed here.") % {"method": request.method},
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                with audit.credential_scope():
                    return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, *exc.descriptions)
            except ActionError as exc:
                status = exc.status if exc.status in (403, 404) else 400
                return error_response(fmt, status, exc.message)

        return inner

    return wrap


def _key(request: HttpRequest, *, required: bool) -> ApiKey | None:
    """The caller's key from api_key (form or query): 403 when required and missing, or when given
    and not valid (unknown or revoked)."""
    raw = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not raw:
        if required:
            raise Open311Error(403, _("api_key is missing: this call needs a valid key."))
        return None
    key = keys.authenticate(raw)
    if key is None:
        raise Open311Error(403, _("api_key is not valid, or has been revoked."))
    audit.name_credential(keys.key_label(key))
    return key


def _private(response: HttpResponse, key: ApiKey | None) -> HttpResponse:
    if key is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _true(request: HttpRequest, name: str) -> bool:
    return intake.param(request.GET, name).lower() in ("true", "1", "yes")


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    latest = [
        INTERFACE_CHANGED,
        ServiceAttribute.objects.aggregate(at=Max("updated_at"))["at"],
        ServiceProfile.objects.aggregate(at=Max("updated_at"))["at"],
    ]
    changeset = w3c(max(m for m in latest if m is not None))
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    return render(
        fmt,
        "discovery",
        {
            "changeset": changeset,
            "contact": getattr(
                settings,
                "OPEN311_CONTACT",
                _("The district command centre, through the administrators of gongzhi."),
            ),
            "key_service": getattr(
                settings,
                "OPEN311_KEY_SERVICE",
                _("API keys are issued by the administrators of gongzhi on request."),
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rsplit("/", 1)[0],
                    "changeset": changeset,
                    "type": "production",
                    "formats": [
                        CONTENT_TYPES[XML].split(";")[0],
                        CONTENT_TYPES[JSON].split(";")[0],
                    ],
                }
            ],
        },
    )


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", services.service_list())


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(fmt, "service_definition", services.definition(services.find_service(code)))


@endpoint("GET", "POST")
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        key = _key(request, required=True)
        assert key is not None
        return _private(render(fmt, "service_requests", [intake.submit(request, key)]), key)
    key = _key(request, required=False)
    cases = search.find_requests(request.GET, key)
    found = serialisers.service_requests(
        request, cases, key, extensions=_true(request, "extensions")
    )
    return _private(render(fmt, "service_requests", found), key)


@endpoint("GET")
def request_view(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    key = _key(request, required=False)
    case = (
        serialisers.cases_for(key)
        .select_related("category", "assigned_unit", "duplicate_of", "reporter")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Open311Error(404, _("Service request %(id)s was not found.") % {"id": number})
    found = serialisers.service_requests(
        request, [case], key, extensions=_true(request, "extensions")
    )
    return _private(render(fmt, "service_requests", found), key)


@endpoint("GET")
def token_view(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    return render(fmt, "service_requests", [intake.token_status(token)])


@endpoint("GET", "POST")
def updates_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        key = _key(request, required=True)
        assert key is not None
        return _private(
            render(fmt, "service_request_updates", [updates.post_update(request.POST, key)]), key
        )
    key = _key(request, required=False)
    return _private(
        render(fmt, "service_request_updates", search.find_updates(request.GET, key)), key
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    fmt = JSON if rest.endswith(".json") else XML
    return error_response(
        fmt,
        404,
        _("There is no Open311 resource at %(path)s (paths end in .xml or .json).")
        % {"path": request.path},
    )
