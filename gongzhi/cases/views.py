"""Case platform pages (the pages engineer replaces these)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def detail(request: HttpRequest, number: str) -> HttpResponse:
    return HttpResponse(status=501)


def errands(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
