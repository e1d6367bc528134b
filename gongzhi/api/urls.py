"""REST API URLs: django-ninja's operations, the docs' local assets, and JSON for every miss.

Every view here answers in Chinese (the API's language whatever the client's Accept-Language),
and a wrong method or an unknown URL under /api/v1/ gets the same JSON error as the rest. Each
runs in an audit scope of its own, in which the token that authenticates is named to the log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.core import audit

from .api import api
from .docs import docs_asset
from .errors import error_response

app_name = "api"
LANGUAGE = "zh-hans"

View = Callable[..., HttpResponseBase]


def in_chinese(view: View) -> View:
    """Run `view` in Chinese, and turn django-ninja's plain-text 405 into our JSON error."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override(LANGUAGE):
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = error_response(
                    405,
                    "method_not_allowed",
                    _("This URL does not take %(method)s.") % {"method": request.method},
                )
                response["Allow"] = allowed
            response.headers.setdefault("Content-Language", LANGUAGE)
            return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def in_audit_scope(view: View) -> View:
    """Run `view` in an audit scope of its own: the token that authenticates (auth.py) is named to
    every entry the request writes, and forgotten when the request ends."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with audit.credential_scope():
            return view(request, *args, **kwargs)

    return wrapped


def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, "not_found", _("No such API endpoint."))


def _patterns() -> list[URLPattern | URLResolver]:
    found: list[URLPattern | URLResolver] = []
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern):
            pattern.callback = in_chinese(in_audit_scope(pattern.callback))
        found.append(pattern)
    return found


urlpatterns: list[URLPattern | URLResolver] = [
    *_patterns(),
    path("docs/assets/<str:name>", in_chinese(docs_asset), name="docs-asset"),
    re_path(r"^(?P<rest>.*)$", in_chinese(unknown), name="unknown"),
]
