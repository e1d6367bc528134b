"""The pages of the case platform (慧办): 随手拍, the workbench, the case page and its actions, the
command centre's map, my reports, the echo wall and errands.

Each view parses the request with a form, calls one action (or a scoped query) and renders. A
refused action (ActionError) comes back with its status, its message shown, and what the person
typed still in the form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.clock import light_at
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.permissions import STAFF_ROLES, can, roles_of
from gongzhi.people.actions import Contact, contact_for
from gongzhi.people.models import Role, User
from gongzhi.places.models import Division, Grid
from gongzhi.places.queries import grids_feature_collection, top_divisions, visible_grids
from gongzhi.web.views import page_view

from . import actions, queries, workflow
from .duplicates import Candidate, likely_duplicates
from .forms import (
    LIGHTS,
    AcceptForm,
    CancelErrandForm,
    CaseActionForm,
    CloseForm,
    CompleteErrandForm,
    DispatchForm,
    DutyForm,
    ErrandForm,
    ErrandRequestForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowUpForm,
    MergeForm,
    NoteForm,
    RateForm,
    ReasonForm,
    ReportForm,
    RespondForm,
    SummonForm,
    SuperviseForm,
    TakeErrandForm,
    VerifyForm,
    WorkbenchFilterForm,
    category_hints,
)
from .models import (
    OPEN_STATUSES,
    Case,
    CasePhoto,
    CaseStep,
    Errand,
    Rating,
    Source,
    Status,
    Summons,
    SummonsDuty,
)

PER_PAGE = 20
# The command map draws at most this many open cases (the newest), and says so.
MAP_CASES_LIMIT = 2000

PATROL_ROLES = frozenset(r for roles in workflow.TIER_ROLES.values() for r in roles)
HOTLINE_ROLES = frozenset(
    {
        Role.COMMUNITY_WORKER,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_STAFF,
        Role.COMMAND_CENTRE_STAFF,
        Role.ADMINISTRATOR,
    }
)
COMMAND_ROLES = frozenset({Role.COMMAND_CENTRE_STAFF, Role.ADMINISTRATOR})
ERRAND_STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_WORKER,
        Role.COMMUNITY_SECRETARY,
        Role.ADMINISTRATOR,
    }
)
LIGHT_LABELS: dict[str, Any] = dict(LIGHTS)

# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_page(request: HttpRequest, exc: ActionError) -> HttpResponse:
    template = "web/_error_fragment.html" if _is_htmx(request) else "web/error.html"
    return render(
        request, template, {"message": exc.message, "status": exc.status}, status=exc.status
    )


def _attach(form: forms.Form, exc: ActionError, aliases: dict[str, str] | None = None) -> None:
    """Show an action's message on the field it names, or above the form."""
    name = (aliases or {}).get(exc.field or "", exc.field)
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
    form.add_error(name if name in form.fields else None, exc.message)


def _page(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _is_staff(user: User) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def _is_administrator(user: User) -> bool:
    return user.is_superuser or Role.ADMINISTRATOR in roles_of(user)


def _grid_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Grid.objects.filter(code__in=wanted).values_list("code", "name"))


def _community_names(codes: Iterable[str]) -> dict[str, str]:
    """The community (12-digit prefix) of each grid code, by its short name."""
    wanted = {c[:12] for c in codes if c}
    if not wanted:
        return {}
    return {d.code: d.short_name for d in Division.objects.filter(code__in=wanted)}


def _map_settings() -> dict[str, str]:
    from django.conf import settings

    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _grid_urls(user: User) -> list[str]:
    """The GeoJSON of the grids a person may see, one URL per place their scopes start at."""
    return [
        reverse("web:division_grids_geojson", args=[d.code])
        for d in top_divisions(user).order_by("code")[:5]
    ]


# ---------------------------------------------------------------------------------------------
# 随手拍: report, patrol, phone-in
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@page_view
def report(request: HttpRequest) -> HttpResponse:
    """A resident's snapshot; the same page is a grid worker's patrol report."""
    user = _user(request)
    source = Source.PATROL if roles_of(user) & PATROL_ROLES else Source.RESIDENT_APP
    return _report_page(request, user, source)


@require_http_methods(["GET", "POST"])
@page_view
def report_hotline(request: HttpRequest) -> HttpResponse:
    """A phone-in (12345) case entered by a community worker or the command centre."""
    user = _user(request)
    if not roles_of(user) & HOTLINE_ROLES:
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
            "can_take_calls": bool(roles_of(user) & HOTLINE_ROLES),
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
    if not _is_staff(user):
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
            "filtered": any(form.value(n) for n in ("category", "grid", "light", "source")),
            "can_report_calls": bool(roles_of(user) & HOTLINE_ROLES),
            "can_see_map": bool(roles_of(user) & COMMAND_ROLES),
        },
    )


# ---------------------------------------------------------------------------------------------
# The command centre's map
# ---------------------------------------------------------------------------------------------


@require_GET
@page_view
def command_map(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not roles_of(user) & COMMAND_ROLES:
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
# The case page
# ---------------------------------------------------------------------------------------------

STEP_LABELS: dict[str, Any] = {
    "report": gettext_lazy("Reported"),
    "confirm": gettext_lazy("Confirmed on checking"),
    "register": gettext_lazy("Registered"),
    "decline": gettext_lazy("Declined"),
    "dispatch": gettext_lazy("Dispatched"),
    "accept": gettext_lazy("Accepted for handling"),
    "respond": gettext_lazy("Responded"),
    "return": gettext_lazy("Returned"),
    "escalate": gettext_lazy("Reported up"),
    "request_extension": gettext_lazy("Extension asked"),
    "approve_extension": gettext_lazy("Extension approved"),
    "reject_extension": gettext_lazy("Extension refused"),
    "verify": gettext_lazy("Verified on site"),
    "rework": gettext_lazy("Sent back for rework"),
    "close": gettext_lazy("Closed"),
    "rate": gettext_lazy("Rated"),
    "follow_up": gettext_lazy("Called back"),
    "shelve": gettext_lazy("Shelved"),
    "unshelve": gettext_lazy("Taken up again"),
    "supervise": gettext_lazy("Supervised"),
    "remind": gettext_lazy("Reminded"),
    "void": gettext_lazy("Voided"),
    "merge": gettext_lazy("A duplicate merged in"),
    "summon": gettext_lazy("Departments summoned"),
    "report_for_duty": gettext_lazy("Checked in to the summons"),
    "duty_report": gettext_lazy("Reported on the summons"),
}
STEP_ICONS = {
    "report": "camera",
    "confirm": "patch-check",
    "register": "journal-plus",
    "decline": "x-octagon",
    "dispatch": "send",
    "accept": "hand-thumbs-up",
    "respond": "reply",
    "return": "arrow-return-left",
    "escalate": "arrow-up-circle",
    "verify": "clipboard-check",
    "rework": "arrow-repeat",
    "close": "check-circle",
    "rate": "star",
    "summon": "megaphone",
    "void": "trash",
    "merge": "union",
}

# The order the action forms appear in; the first ones are the main way forward.
PRIMARY = (
    "confirm",
    "register",
    "dispatch",
    "accept",
    "respond",
    "verify",
    "close",
    "rate",
    "decide_extension",
    "unshelve",
)
SECONDARY = (
    "decline",
    "return",
    "escalate",
    "request_extension",
    "follow_up",
    "supervise",
    "summon",
    "shelve",
    "void",
)

Run = Callable[[User, Case, dict[str, Any]], object]


@dataclass(frozen=True)
class ActionSpec:
    form: type[CaseActionForm]
    title: Any
    button: Any
    icon: str
    done: Any
    run: Run
    style: str = "btn-gz"


def _duty_of(case: Case, duty_id: int) -> int:
    if not SummonsDuty.objects.filter(pk=duty_id, summons__case=case).exists():
        raise NotFound(_("No such summons on this case."))
    return duty_id


def _merge(user: User, case: Case, d: dict[str, Any]) -> Case:
    """The later report joins the earlier one (void + link); the earlier counts one more reporter."""
    other = queries.get_case(user, d["other"])
    if _is_earlier(other, case):
        return actions.void(user, case.pk, duplicate_of=other.pk, seen_version=d["seen_version"])
    return actions.void(user, other.pk, duplicate_of=case.pk)


def _is_earlier(a: Case, b: Case) -> bool:
    return (a.reported_at, a.pk) < (b.reported_at, b.pk)


ACTIONS: dict[str, ActionSpec] = {
    "confirm": ActionSpec(
        NoteForm,
        gettext_lazy("Confirm the report (核实)"),
        gettext_lazy("Confirm"),
        "patch-check",
        gettext_lazy("Confirmed."),
        lambda u, c, d: actions.confirm(u, c.pk, note=d["note"], seen_version=d["seen_version"]),
    ),
    "register": ActionSpec(
        NoteForm,
        gettext_lazy("Register the case (立案)"),
        gettext_lazy("Register"),
        "journal-plus",
        gettext_lazy("Registered."),
        lambda u, c, d: actions.register(u, c.pk, note=d["note"], seen_version=d["seen_version"]),
    ),
    "decline": ActionSpec(
        ReasonForm,
        gettext_lazy("Decline to register"),
        gettext_lazy("Decline"),
        "x-octagon",
        gettext_lazy("Declined; the reporter is told why."),
        lambda u, c, d: actions.decline(
            u, c.pk, reason=d["reason"], seen_version=d["seen_version"]
        ),
        "btn-outline-danger",
    ),
    "dispatch": ActionSpec(
        DispatchForm,
        gettext_lazy("Dispatch"),
        gettext_lazy("Dispatch"),
        "send",
        gettext_lazy("Dispatched."),
        lambda u, c, d: actions.dispatch(
            u,
            c.pk,
            tier=d["tier"],
            unit=d["department"],
            note=d["note"],
            seen_version=d["seen_version"],
        ),
    ),
    "accept": ActionSpec(
        AcceptForm,
        gettext_lazy("Accept for handling"),
        gettext_lazy("Accept"),
        "hand-thumbs-up",
        gettext_lazy("Accepted: the case is yours to handle."),
        lambda u, c, d: actions.accept(u, c.pk, seen_version=d["seen_version"]),
    ),
    "respond": ActionSpec(
        RespondForm,
        gettext_lazy("Respond with the result (反馈)"),
        gettext_lazy("Send the response"),
        "reply",
        gettext_lazy("Response sent; the grid will verify it on site."),
        lambda u, c, d: actions.respond(
            u, c.pk, note=d["note"], photos=d["photos"], seen_version=d["seen_version"]
        ),
    ),
    "return": ActionSpec(
        ReasonForm,
        gettext_lazy("Return to the dispatcher"),
        gettext_lazy("Return"),
        "arrow-return-left",
        gettext_lazy("Returned."),
        lambda u, c, d: actions.return_case(
            u, c.pk, reason=d["reason"], seen_version=d["seen_version"]
        ),
        "btn-outline-secondary",
    ),
    "escalate": ActionSpec(
        ReasonForm,
        gettext_lazy("Report up to the next tier"),
        gettext_lazy("Report up"),
        "arrow-up-circle",
        gettext_lazy("Reported up to the next tier."),
        lambda u, c, d: actions.escalate(
            u, c.pk, reason=d["reason"], seen_version=d["seen_version"]
        ),
        "btn-outline-secondary",
    ),
    "request_extension": ActionSpec(
        ExtensionRequestForm,
        gettext_lazy("Ask for more time"),
        gettext_lazy("Ask for an extension"),
        "hourglass-split",
        gettext_lazy("Extension asked."),
        lambda u, c, d: actions.request_extension(
            u, c.pk, days=d["days"], reason=d["reason"], seen_version=d["seen_version"]
        ),
        "btn-outline-secondary",
    ),
    "decide_extension": ActionSpec(
        ExtensionDecisionForm,
        gettext_lazy("Decide on the extension asked"),
        gettext_lazy("Decide"),
        "hourglass-split",
        gettext_lazy("Extension decided."),
        lambda u, c, d: actions.decide_extension(
            u,
            c.pk,
            approve=d["decision"] == "approve",
            note=d["note"],
            seen_version=d["seen_version"],
        ),
    ),
    "verify": ActionSpec(
        VerifyForm,
        gettext_lazy("Verify on site (核查)"),
        gettext_lazy("Record the check"),
        "clipboard-check",
        gettext_lazy("Check recorded."),
        lambda u, c, d: actions.verify(
            u,
            c.pk,
            passed=d["outcome"] == "pass",
            note=d["note"],
            photos=d["photos"],
            seen_version=d["seen_version"],
        ),
    ),
    "close": ActionSpec(
        CloseForm,
        gettext_lazy("Close the case (结案)"),
        gettext_lazy("Close"),
        "check-circle",
        gettext_lazy("Closed; the reporter is asked to rate it."),
        lambda u, c, d: actions.close(
            u,
            c.pk,
            note=d["note"],
            public_answer=d["public_answer"],
            seen_version=d["seen_version"],
        ),
    ),
    "rate": ActionSpec(
        RateForm,
        gettext_lazy("Rate the result"),
        gettext_lazy("Send my rating"),
        "star",
        gettext_lazy("Thank you for your rating."),
        lambda u, c, d: actions.rate(u, c.pk, rating=d["rating"], comment=d["comment"]),
    ),
    "follow_up": ActionSpec(
        FollowUpForm,
        gettext_lazy("Record the call-back (回访)"),
        gettext_lazy("Record"),
        "telephone",
        gettext_lazy("Call-back recorded."),
        lambda u, c, d: actions.follow_up(u, c.pk, note=d["note"]),
        "btn-outline-secondary",
    ),
    "shelve": ActionSpec(
        ReasonForm,
        gettext_lazy("Shelve (not solvable now)"),
        gettext_lazy("Shelve"),
        "archive",
        gettext_lazy("Shelved."),
        lambda u, c, d: actions.shelve(u, c.pk, reason=d["reason"], seen_version=d["seen_version"]),
        "btn-outline-secondary",
    ),
    "unshelve": ActionSpec(
        NoteForm,
        gettext_lazy("Take the case up again"),
        gettext_lazy("Take up again"),
        "box-arrow-up",
        gettext_lazy("Taken up again."),
        lambda u, c, d: actions.unshelve(u, c.pk, note=d["note"]),
    ),
    "supervise": ActionSpec(
        SuperviseForm,
        gettext_lazy("Supervise or remind"),
        gettext_lazy("Send"),
        "eye",
        gettext_lazy("Sent to whoever holds the case."),
        lambda u, c, d: actions.supervise(u, c.pk, note=d["note"], remind=d["remind"]),
        "btn-outline-secondary",
    ),
    "summon": ActionSpec(
        SummonForm,
        gettext_lazy("Summon departments (吹哨)"),
        gettext_lazy("Summon"),
        "megaphone",
        gettext_lazy("Departments summoned."),
        lambda u, c, d: actions.summon(
            u, c.pk, departments=list(d["departments"]), hours=d["hours"], note=d["note"]
        ),
        "btn-outline-secondary",
    ),
    "void": ActionSpec(
        ReasonForm,
        gettext_lazy("Void the case"),
        gettext_lazy("Void"),
        "trash",
        gettext_lazy("Voided."),
        lambda u, c, d: actions.void(u, c.pk, reason=d["reason"], seen_version=d["seen_version"]),
        "btn-outline-danger",
    ),
    "duty": ActionSpec(
        DutyForm,
        gettext_lazy("Answer the summons (报到)"),
        gettext_lazy("Check in / report"),
        "person-check",
        gettext_lazy("Your department's answer is recorded."),
        lambda u, c, d: actions.report_for_duty(u, _duty_of(c, d["duty"]), report=d["report"]),
    ),
    "merge": ActionSpec(
        MergeForm,
        gettext_lazy("Merge duplicates"),
        gettext_lazy("Merge"),
        "union",
        gettext_lazy("Merged: the later report now counts with the earlier case."),
        _merge,
        "btn-outline-secondary",
    ),
}


@dataclass
class ActionSlot:
    key: str
    spec: ActionSpec
    form: CaseActionForm
    primary: bool
    failed: bool = False


@dataclass(frozen=True)
class StepRow:
    step: CaseStep
    label: Any
    icon: str
    who: str
    photos: list[CasePhoto]


@dataclass(frozen=True)
class DutyRow:
    duty: SummonsDuty
    slot: ActionSlot | None


@dataclass(frozen=True)
class SummonsRow:
    summons: Summons
    duties: list[DutyRow]


@dataclass(frozen=True)
class DuplicateRow:
    candidate: Candidate
    merge: ActionSlot | None
    into_other: bool  # merging voids this case into the candidate (else the candidate into it)


@dataclass(frozen=True)
class ReporterView:
    """What the viewer may know of the reporter."""

    name: str
    contact: Contact | None
    user_id: int | None
    anonymous: bool


@dataclass
class Failure:
    key: str
    form: CaseActionForm
    message: str
    status: int
    duty_id: int | None = None
    other: str = ""


def _slot(
    key: str, case: Case, failure: Failure | None, primary: bool, **initial: Any
) -> ActionSlot:
    spec = ACTIONS[key]
    if (
        failure is not None
        and failure.key == key
        and (
            (key != "duty" or failure.duty_id == initial.get("duty"))
            and (key != "merge" or failure.other == initial.get("other"))
        )
    ):
        return ActionSlot(key, spec, failure.form, primary, failed=True)
    return ActionSlot(key, spec, spec.form(case=case, initial=initial), primary)


def _reporter(user: User, case: Case) -> ReporterView | None:
    person = case.reporter
    if person is None:
        return None
    if person.pk == user.pk:
        return ReporterView(_("You"), None, None, case.is_anonymous)
    if case.is_anonymous and not _is_administrator(user):
        return ReporterView(_("Anonymous"), None, None, True)
    if _is_administrator(user) or workflow.triages(user, case):
        return ReporterView(person.get_full_name(), contact_for(user, person), person.pk, False)
    return None


def _who(step: CaseStep, case: Case, user: User, reporter: ReporterView | None) -> str:
    if step.actor is None:
        return _("System")
    if step.actor_id == user.pk:
        return _("You")
    if step.actor_id == case.reporter_id:
        return reporter.name if reporter is not None else _("The reporter")
    return step.actor.get_full_name()


def _panel_context(
    user: User,
    case: Case,
    *,
    failure: Failure | None = None,
    done: str = "",
) -> dict[str, Any]:
    now = timezone.now()
    available = set(workflow.available_actions(user, case))
    if "rework" in available:
        available.add("verify")
    primary = [_slot(k, case, failure, True) for k in PRIMARY if k in available]
    secondary = [_slot(k, case, failure, False) for k in SECONDARY if k in available]

    reporter = _reporter(user, case)
    photos = list(case.photos.all())
    by_step: dict[int, list[CasePhoto]] = {}
    for p in photos:
        if p.step_id is not None:
            by_step.setdefault(p.step_id, []).append(p)
    steps = [
        StepRow(
            s,
            STEP_LABELS.get(s.action, s.action),
            STEP_ICONS.get(s.action, "dot"),
            _who(s, case, user, reporter),
            by_step.get(s.pk, []),
        )
        for s in case.steps.select_related("actor").order_by("at", "id")
    ]

    mine = workflow.department_ids(user)
    summonses = []
    for summons in case.summonses.prefetch_related("duties__department").order_by("-at"):
        rows = []
        for duty in summons.duties.all():
            slot = None
            if duty.department_id in mine and (duty.checked_in_at is None or not duty.reported_at):
                slot = _slot("duty", case, failure, True, duty=duty.pk)
            rows.append(DutyRow(duty, slot))
        summonses.append(SummonsRow(summons, rows))

    duplicates: list[DuplicateRow] = []
    if case.is_open and workflow.triages(user, case):
        found = likely_duplicates(
            case.category_id,
            case.lat,
            case.lng,
            case.description,
            case.rule.duplicate_radius_m,
            exclude=case.pk,
        )
        for cand in found:
            if not workflow.triages(user, cand.case):
                continue
            # The later of the two reports is the one voided into the earlier.
            into_other = _is_earlier(cand.case, case)
            allowed = "void" in available if into_other else workflow.may(user, "void", cand.case)
            merge = (
                _slot("merge", case, failure, False, other=cand.case.number) if allowed else None
            )
            duplicates.append(DuplicateRow(cand, merge, into_other))
    merged = list(case.duplicates.order_by("reported_at")) if _is_staff(user) else []

    grid = Grid.objects.filter(code=case.grid_code).select_related("community").first()
    map_data = {
        "lat": case.lat,
        "lng": case.lng,
        "grid": grids_feature_collection(Grid.objects.filter(code=case.grid_code)),
    }
    return {
        "case": case,
        "light": case.light(now),
        "light_label": LIGHT_LABELS.get(case.light(now), ""),
        "primary": primary,
        "secondary": secondary,
        "steps": steps,
        "report_photos": [p for p in photos if p.purpose == CasePhoto.Purpose.REPORT],
        "result_photos": [p for p in photos if p.purpose == CasePhoto.Purpose.RESULT],
        "verify_photos": [p for p in photos if p.purpose == CasePhoto.Purpose.VERIFY],
        "reporter": reporter,
        "can_reveal": reporter is not None
        and reporter.user_id is not None
        and can(user, "people.view_personal_data"),
        "summonses": summonses,
        "duplicates": duplicates,
        "merged": merged,
        "grid": grid,
        "is_staff": _is_staff(user),
        "map_data": map_data,
        "failure": failure,
        "done": done,
        "progress": progress_of(case),
        "rating_choices": Rating.choices,
        **_map_settings(),
    }


@require_GET
@page_view
def detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    case = queries.get_case(user, number)
    return render(request, "cases/detail.html", _panel_context(user, case))


@require_POST
@login_required
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One action on a case from its page (htmx re-renders the panel) or from a plain form."""
    user = _user(request)
    spec = ACTIONS.get(action)
    try:
        if spec is None:
            raise NotFound(_("No such action."))
        case = queries.get_case(user, number)
    except ActionError as exc:
        return _error_page(request, exc)
    form = spec.form(request.POST, request.FILES, case=case)
    status = 400
    message = ""
    if form.is_valid():
        try:
            spec.run(user, case, form.cleaned_data)
        except ActionError as exc:
            status, message = exc.status, exc.message
            if isinstance(exc, Conflict):
                # Show the case as it is now; what was typed stays, the version is the new one.
                case = queries.get_case(user, number)
                data = request.POST.copy()
                data["seen_version"] = str(case.version)
                form = spec.form(data, case=case)
            _attach(form, exc)
        else:
            done = str(spec.done)
            target = _safe_next(request)
            if _is_htmx(request):
                try:
                    case = queries.get_case(user, number)
                except ActionError:
                    # The action took the case out of this person's sight (rare): say so.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target or reverse("cases:workbench")
                    return response
                context = _panel_context(user, case, done=done)
                return render(request, "cases/_panel.html", context)
            messages.success(request, done)
            return HttpResponseRedirect(target or reverse("cases:detail", args=[number]))
    else:
        message = _("Please correct what is marked below.")
    failure = Failure(
        key=action,
        form=form,
        message=message,
        status=status,
        duty_id=_int(request.POST.get("duty")),
        other=request.POST.get("other", ""),
    )
    context = _panel_context(user, case, failure=failure)
    template = "cases/_panel.html" if _is_htmx(request) else "cases/detail.html"
    return render(request, template, context, status=status)


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


@require_GET
@login_required
def photo(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """A case photo, only for those who may see the case (photos are not public files)."""
    user = _user(request)
    try:
        case = queries.get_case(user, number)
    except ActionError as exc:
        return _error_page(request, exc)
    item = case.photos.filter(pk=pk).first()
    if item is None or not item.image:
        return _error_page(request, NotFound(_("No such photo.")))
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# ---------------------------------------------------------------------------------------------
# Residents: my reports and the echo wall
# ---------------------------------------------------------------------------------------------

PROGRESS = (
    (Status.REPORTED, gettext_lazy("Reported")),
    (Status.CONFIRMED, gettext_lazy("Checked")),
    (Status.REGISTERED, gettext_lazy("Registered")),
    (Status.DISPATCHED, gettext_lazy("Dispatched")),
    (Status.RESPONDED, gettext_lazy("Handled")),
    (Status.VERIFIED, gettext_lazy("Verified")),
    (Status.CLOSED, gettext_lazy("Closed")),
)
_PROGRESS_INDEX = {
    Status.REPORTED: 0,
    Status.CONFIRMED: 1,
    Status.REGISTERED: 2,
    Status.DISPATCHED: 3,
    Status.HANDLING: 3,
    Status.RESPONDED: 4,
    Status.VERIFIED: 5,
    Status.CLOSED: 6,
}


@dataclass(frozen=True)
class ProgressStep:
    label: Any
    state: str  # done / current / todo


def progress_of(case: Case) -> list[ProgressStep]:
    """The step bar of a case; empty for cases that left the road (declined, shelved, void)."""
    index = _PROGRESS_INDEX.get(Status(case.status))
    if index is None:
        return []
    steps = []
    for i, (_status, label) in enumerate(PROGRESS):
        state = "done" if i < index or case.status == Status.CLOSED else "todo"
        if i == index and case.status != Status.CLOSED:
            state = "current"
        steps.append(ProgressStep(label, state))
    return steps


@dataclass(frozen=True)
class MyReport:
    case: Case
    progress: list[ProgressStep]
    rate_form: RateForm | None


@require_GET
@page_view
def my_reports(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = _page(request, queries.my_reports(user))
    rows = [
        MyReport(
            c,
            progress_of(c),
            RateForm(case=c, auto_id=f"id_rate_{c.pk}_%s")
            if workflow.may(user, "rate", c)
            else None,
        )
        for c in page.object_list
    ]
    return render(
        request,
        "cases/my_reports.html",
        {"page": page, "rows": rows, "rating_choices": Rating.choices},
    )


_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_numbers(text: str) -> str:
    """Mobile and ID numbers that residents sometimes type into their words, masked for the wall."""
    text = _ID_NUMBER.sub(r"\1********\2", text)
    return _PHONE.sub(r"\1****\2", text)


@dataclass(frozen=True)
class EchoItem:
    number: str
    category: str
    community: str
    date: dt.date
    words: str
    answer: str
    status: str
    status_label: Any
    rating: Any


@require_GET
def echo_wall(request: HttpRequest) -> HttpResponse:
    """回音壁: public and without login. No reporter, no position: the community only."""
    page = _page(request, queries.echo_wall())
    communities = _community_names(c.grid_code for c in page.object_list)
    ratings = dict(Rating.choices)
    items = [
        EchoItem(
            number=c.number,
            category=c.category.name,
            community=communities.get(c.grid_code[:12], ""),
            date=timezone.localdate(c.closed_at or c.updated_at or c.reported_at),
            words=mask_numbers(c.description),
            answer=mask_numbers(c.public_answer),
            status=c.status,
            status_label=c.get_status_display(),
            rating=ratings.get(c.rating, ""),
        )
        for c in page.object_list
    ]
    return render(request, "cases/echo_wall.html", {"page": page, "items": items})


# ---------------------------------------------------------------------------------------------
# 预约代办: errands
# ---------------------------------------------------------------------------------------------


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
            "is_errand_staff": bool(roles_of(user) & ERRAND_STAFF_ROLES),
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
