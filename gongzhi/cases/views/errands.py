"""预约代办: residents ask, the grid's and community's staff take and complete errands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.errors import ActionError, NotFound
from gongzhi.core.permissions import can
from gongzhi.people.models import User
from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import error_response as _error_page
from gongzhi.web.pages import is_htmx as _is_htmx
from gongzhi.web.pages import page_view

from .. import actions, queries
from ..forms import (
    CancelErrandForm,
    CompleteErrandForm,
    ErrandForm,
    ErrandRequestForm,
    TakeErrandForm,
)
from ..models import (
    Errand,
)
from .common import (
    _attach,
    _grid_names,
    _page,
)


@dataclass
class ErrandRow:
    errand: Errand
    grid: str
    take: TakeErrandForm | None = None
    complete: CompleteErrandForm | None = None
    cancel: CancelErrandForm | None = None
    error: str = ""


ERRAND_ACTIONS: dict[
    str, tuple[type[ErrandForm], Callable[[User, Errand, dict[str, Any]], Errand], Any]
] = {
    "take": (
        TakeErrandForm,
        lambda u, e, d: actions.take_errand(u, e.pk, working_days=d["working_days"]),
        gettext_lazy("Errand taken."),
    ),
    "complete": (
        CompleteErrandForm,
        lambda u, e, d: actions.complete_errand(u, e.pk, result=d["result"]),
        gettext_lazy("Errand done; the result is sent to the resident."),
    ),
    "cancel": (
        CancelErrandForm,
        lambda u, e, d: actions.cancel_errand(u, e.pk),
        gettext_lazy("Errand cancelled."),
    ),
}


def _errand_row(
    user: User, errand: Errand, grid: str, bound: tuple[str, ErrandForm, str] | None = None
) -> ErrandRow:
    row = ErrandRow(errand, grid)
    staff = can(user, "cases.errands", errand)
    if staff and errand.state == Errand.State.REQUESTED:
        row.take = TakeErrandForm(errand=errand)
    if staff and errand.state == Errand.State.TAKEN and errand.taker_id == user.pk:
        row.complete = CompleteErrandForm(errand=errand)
    if errand.resident_id == user.pk and errand.state in (
        Errand.State.REQUESTED,
        Errand.State.TAKEN,
    ):
        row.cancel = CancelErrandForm(errand=errand)
    if bound is not None:
        _key, form, message = bound
        if isinstance(form, TakeErrandForm):
            row.take = form
        elif isinstance(form, CompleteErrandForm):
            row.complete = form
        row.error = message
    return row


def _errand_state_filter(request: HttpRequest) -> str:
    state = request.GET.get("state", "")
    return state if state in Errand.State.values else ""


@require_http_methods(["GET", "POST"])
@page_view
def errands(request: HttpRequest) -> HttpResponse:
    """Residents ask for errands and follow theirs; grid and community staff take and do them."""
    user = _user(request)
    is_resident = getattr(user, "resident", None) is not None
    form = ErrandRequestForm() if is_resident else None
    status = 200
    if request.method == "POST":
        form = ErrandRequestForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                errand = actions.request_errand(
                    user,
                    what=data["what"],
                    details=data["details"],
                    wanted_on=data["wanted_on"],
                    idempotency_key=data["idempotency_key"],
                )
            except ActionError as exc:
                _attach(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Errand %(number)s requested; your grid's staff are told.")
                    % {"number": errand.number},
                )
                return redirect("cases:errands")
    return _errands_page(request, user, form, status=status)


def _errands_page(
    request: HttpRequest,
    user: User,
    form: ErrandRequestForm | None,
    *,
    bound: tuple[int, str, ErrandForm, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    visible = queries.visible_errands(user).select_related("resident", "taker")
    state = _errand_state_filter(request)
    if state:
        visible = visible.filter(state=state)
    page = _page(request, visible.order_by("-requested_at", "-id"))
    names = _grid_names(e.grid_code for e in page.object_list)
    rows = []
    for e in page.object_list:
        mine = (bound[1], bound[2], bound[3]) if bound is not None and bound[0] == e.pk else None
        rows.append(_errand_row(user, e, names.get(e.grid_code, e.grid_code), mine))
    return render(
        request,
        "cases/errands.html",
        {
            "form": form,
            "is_resident": getattr(user, "resident", None) is not None,
            "is_errand_staff": can(user, "cases.errands"),
            "page": page,
            "rows": rows,
            "state": state,
            "states": Errand.State.choices,
        },
        status=status,
    )


@require_POST
@login_required
def errand_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = _user(request)
    entry = ERRAND_ACTIONS.get(action)
    errand = queries.visible_errands(user).filter(number=number).first()
    if entry is None or errand is None:
        return _error_page(request, NotFound(_("No such errand, or you may not see it.")))
    form_class, run, done = entry
    form = form_class(request.POST, errand=errand)
    status, message = 400, _("Please correct what is marked below.")
    if form.is_valid():
        try:
            errand = run(user, errand, form.cleaned_data)
        except ActionError as exc:
            status, message = exc.status, exc.message
            _attach(form, exc)
        else:
            if _is_htmx(request):
                row = _errand_row(
                    user, errand, _grid_names([errand.grid_code]).get(errand.grid_code, "")
                )
                return render(request, "cases/_errand_row.html", {"row": row, "done": str(done)})
            messages.success(request, str(done))
            return redirect("cases:errands")
    if _is_htmx(request):
        errand.refresh_from_db()
        row = _errand_row(
            user,
            errand,
            _grid_names([errand.grid_code]).get(errand.grid_code, ""),
            (action, form, message),
        )
        return render(request, "cases/_errand_row.html", {"row": row}, status=status)
    request_form = ErrandRequestForm() if getattr(user, "resident", None) is not None else None
    return _errands_page(
        request, user, request_form, bound=(errand.pk, action, form, message), status=status
    )
