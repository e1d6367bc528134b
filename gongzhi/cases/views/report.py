"""随手拍: a resident's report, a grid worker's patrol, a phone-in (12345)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.errors import ActionError, NotAllowed
from gongzhi.core.permissions import can
from gongzhi.people.models import User
from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import page_view

from .. import actions, queries
from ..forms import (
    ReportForm,
    category_hints,
)
from ..models import (
    Source,
)
from .common import (
    _attach,
    _grid_urls,
    _map_settings,
)

# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@page_view
def report(request: HttpRequest) -> HttpResponse:
    """A resident's snapshot; the same page is a grid worker's patrol report."""
    user = _user(request)
    source = Source.PATROL if can(user, "cases.patrol") else Source.RESIDENT_APP
    return _report_page(request, user, source)


@require_http_methods(["GET", "POST"])
@page_view
def report_hotline(request: HttpRequest) -> HttpResponse:
    """A phone-in (12345) case entered by a community worker or the command centre."""
    user = _user(request)
    if not can(user, "cases.report_hotline"):
        raise NotAllowed(
            _("Phone-in cases are entered by community workers and the command centre.")
        )
    return _report_page(request, user, Source.HOTLINE)


def _report_page(request: HttpRequest, user: User, source: str) -> HttpResponse:
    hotline = source == Source.HOTLINE
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, hotline=hotline)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions.report(
                    user,
                    category=data["category"],
                    description=data["description"],
                    lat=data["lat"],
                    lng=data["lng"],
                    photos=data["photos"],
                    source=source,
                    is_anonymous=bool(data.get("is_anonymous")),
                    address=data["address"],
                    idempotency_key=data["idempotency_key"],
                )
            except ActionError as exc:
                _attach(form, exc, {"position": "lat", "crs": "lat"})
                status = exc.status
            else:
                return redirect("cases:report_sent", result.case.number)
    else:
        form = ReportForm(hotline=hotline)
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "source": source,
            "hotline": hotline,
            "photos_lost": request.method == "POST" and bool(request.FILES),
            "category_hints": category_hints(),
            "grid_urls": _grid_urls(user),
            "max_photos": _max_photos(),
            "max_photo_mb": _max_photo_mb(),
            "can_take_calls": can(user, "cases.report_hotline"),
            **_map_settings(),
        },
        status=status,
    )


def _max_photos() -> int:
    from django.conf import settings

    return int(settings.MAX_PHOTOS)


def _max_photo_mb() -> int:
    from django.conf import settings

    return int(settings.MAX_PHOTO_BYTES) // 1048576


@require_GET
@page_view
def report_sent(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    case = queries.get_case(user, number)
    return render(request, "cases/report_sent.html", {"case": case})


# ---------------------------------------------------------------------------------------------
