"""The workbench (待办 / 已办 / 超期) and the command centre's map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.core.clock import light_at, provisional_years
from gongzhi.core.errors import NotAllowed
from gongzhi.core.permissions import can
from gongzhi.places.queries import visible_grids
from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import page_view

from .. import queries
from ..forms import (
    LIGHTS,
    WorkbenchFilterForm,
)
from ..models import (
    OPEN_STATUSES,
    Case,
    Status,
)
from .common import (
    LIGHT_LABELS,
    MAP_CASES_LIMIT,
    _grid_names,
    _grid_urls,
    _map_settings,
    _page,
)

# The workbench: 待办 / 已办 / 超期
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    light: str
    grid: str

    @property
    def light_label(self) -> Any:
        return LIGHT_LABELS.get(self.light, "")


def _filtered(cases: QuerySet[Case], form: WorkbenchFilterForm) -> QuerySet[Case]:
    if category := form.value("category"):
        cases = cases.filter(category_id=int(category))
    if grid := form.value("grid"):
        cases = cases.filter(grid_code__startswith=grid)
    if source := form.value("source"):
        cases = cases.filter(source=source)
    return cases


@require_GET
@page_view
def workbench(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, "core.staff"):
        raise NotAllowed(_("The workbench is for the staff who handle cases."))
    if wanted := request.GET.get("find", "").strip():
        # A case asked for by its number (a caller, a colleague): open it if it is in sight.
        found = queries.visible_cases(user).filter(number=wanted).values_list("number", flat=True)
        if found:
            return redirect("cases:detail", found[0])
        messages.warning(request, _("No case %(number)s in your sight.") % {"number": wanted})
    form = WorkbenchFilterForm(request.GET, grids=visible_grids(user))
    tab = form.value("tab") or "inbox"
    lists = {
        "inbox": queries.inbox(user),
        "done": queries.done(user),
        "overdue": queries.overdue(user),
    }
    filtered = {name: _filtered(cases, form) for name, cases in lists.items()}
    counts = {name: cases.count() for name, cases in filtered.items()}
    shown = filtered[tab]
    now = timezone.now()
    if light := form.value("light"):
        shown = queries.with_light(shown, light, now)
    page = _page(request, shown.select_related("category__parent"))
    names = _grid_names(c.grid_code for c in page.object_list)
    rows = [CaseRow(c, c.light(now), names.get(c.grid_code, c.grid_code)) for c in page.object_list]
    tabs = [
        ("inbox", _("To do"), "inbox", counts["inbox"]),
        ("done", _("Done"), "check2-square", counts["done"]),
        ("overdue", _("Overdue"), "alarm", counts["overdue"]),
    ]
    return render(
        request,
        "cases/workbench.html",
        {
            "form": form,
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "rows": rows,
            # The years of the deadlines listed that were counted on a provisional calendar.
            "provisional_years": provisional_years(r.case.step_due_at for r in rows),
            "filtered": any(form.value(n) for n in ("category", "grid", "light", "source")),
            "can_report_calls": can(user, "cases.report_hotline"),
            "can_see_map": can(user, "cases.command_map"),
        },
    )


# ---------------------------------------------------------------------------------------------
# The command centre's map
# ---------------------------------------------------------------------------------------------


@require_GET
@page_view
def command_map(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, "cases.command_map"):
        raise NotAllowed(_("The case map is for the district command centre."))
    open_cases = queries.visible_cases(user).filter(status__in=OPEN_STATUSES)
    total = open_cases.count()
    rows = list(
        open_cases.order_by("-reported_at").values_list(
            "number",
            "lat",
            "lng",
            "status",
            "step_warn_at",
            "step_due_at",
            "category__name",
        )[:MAP_CASES_LIMIT]
    )
    now = timezone.now()
    statuses = dict(Status.choices)
    markers = []
    tally = {"green": 0, "yellow": 0, "red": 0, "": 0}
    for number, lat, lng, status, warn, due, category in rows:
        light = light_at(now, warn, due)
        tally[light] += 1
        markers.append(
            {
                "number": number,
                "lat": lat,
                "lng": lng,
                "light": light or "none",
                "category": category,
                "status": str(statuses.get(status, status)),
                "url": reverse("cases:detail", args=[number]),
            }
        )
    legend = [(key, label, tally[key]) for key, label in LIGHTS]
    return render(
        request,
        "cases/command_map.html",
        {
            "markers": markers,
            "total": total,
            "shown": len(markers),
            "capped": total > len(markers),
            "legend": legend,
            "grid_urls": _grid_urls(user),
            **_map_settings(),
        },
    )


# ---------------------------------------------------------------------------------------------
