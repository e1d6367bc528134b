"""The interactive API docs, served entirely from this server: Swagger UI's files come from the
copy django-ninja ships, through a view here, so the page works with no internet access."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from .errors import error_response

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png", "favicon.svg"}
)


class OfflineSwagger(DocsBase):
    """Swagger UI from local files, with no calls out (no validator badge, no CDN)."""

    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": False,
        "tryItOutEnabled": False,
    }

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "swagger_settings": settings,
                "asset": reverse(f"{api.urls_namespace}:docs-asset", args=["x"])[:-1],
            },
        )


def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """One of Swagger UI's files, cached by the browser for a day."""
    if name not in ASSETS:
        return error_response(404, "not_found", "Not found.")
    content_type, _encoding = mimetypes.guess_type(name)
    response = FileResponse(
        (ASSETS_DIR / name).open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
