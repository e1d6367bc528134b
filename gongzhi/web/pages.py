"""The plumbing every page shares: the signed-in account, refused actions as pages, paging, htmx.

It sits at the bottom of the web floor, so that each domain app's views may use it; the pages
themselves (home, places, audit log …) live in `web/views.py`, on the top floor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from gongzhi.core.errors import ActionError
from gongzhi.people.models import User

View = Callable[..., HttpResponse]


def current_user(request: HttpRequest) -> User:
    """The signed-in account (for views behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_response(request: HttpRequest, exc: ActionError) -> HttpResponse:
    """A refused action as a page (or an htmx fragment) with the action's status and message."""
    template = "web/_error_fragment.html" if is_htmx(request) else "web/error.html"
    return render(
        request, template, {"message": exc.message, "status": exc.status}, status=exc.status
    )


def page_view(view: View) -> View:
    """Login required, and ActionErrors become a page with their status and message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ActionError as exc:
            return error_response(request, exc)

    return login_required(wrapper)


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest) -> str | None:
    """The `next` address of a form, when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
