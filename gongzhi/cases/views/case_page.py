"""The case page: the timeline, the forms of the actions the person may take now, photos."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.clock import provisional_years
from gongzhi.core.errors import ActionError, Conflict, NotFound
from gongzhi.core.permissions import can, is_administrator
from gongzhi.people.actions import Contact, contact_for
from gongzhi.people.models import User
from gongzhi.places.models import Grid
from gongzhi.places.queries import grids_feature_collection
from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import error_response as _error_page
from gongzhi.web.pages import is_htmx as _is_htmx
from gongzhi.web.pages import page_view
from gongzhi.web.pages import safe_next as _safe_next

from .. import actions, labels, queries, workflow
from ..duplicates import Candidate, likely_duplicates
from ..forms import (
    AcceptForm,
    CaseActionForm,
    CloseForm,
    DispatchForm,
    DutyForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowUpForm,
    MergeForm,
    NoteForm,
    RateForm,
    ReasonForm,
    RespondForm,
    SummonForm,
    SuperviseForm,
    VerifyForm,
)
from ..models import (
    Case,
    CasePhoto,
    CaseStep,
    Rating,
    Summons,
    SummonsDuty,
)
from .common import (
    LIGHT_LABELS,
    _attach,
    _map_settings,
)
from .public import progress_of

# The case page
# ---------------------------------------------------------------------------------------------

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
    other = queries.get_case(user, d["other"])  # only a case the person may see
    return actions.merge(user, case.pk, other.pk, seen_version=d["seen_version"])


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
    if case.is_anonymous and not is_administrator(user):
        return ReporterView(_("Anonymous"), None, None, True)
    if is_administrator(user) or workflow.triages(user, case):
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
            labels.STEP.get(s.action, s.action),
            labels.STEP_ICON.get(s.action, "dot"),
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
            into_other = workflow.is_earlier(cand.case, case)
            allowed = "void" in available if into_other else workflow.may(user, "void", cand.case)
            merge = (
                _slot("merge", case, failure, False, other=cand.case.number) if allowed else None
            )
            duplicates.append(DuplicateRow(cand, merge, into_other))
    merged = list(case.duplicates.order_by("reported_at")) if can(user, "core.staff") else []

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
        # The years of the deadlines shown that were counted on a provisional calendar.
        "provisional_years": provisional_years(
            [case.step_due_at, case.close_due_at if case.is_open else None]
        ),
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
        "is_staff": can(user, "core.staff"),
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
