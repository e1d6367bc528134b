"""Cases: the list with its views and filters, a case with its timeline, reporting, and one
operation per workflow action, each calling the action in `gongzhi.cases.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as WithStatus
from ninja.params import HeaderEx, P, PathEx

from gongzhi.cases import actions, labels, queries, workflow
from gongzhi.cases.models import Case, Category, Kind, Source, Status, SummonsDuty
from gongzhi.core.errors import ActionError, NotFound
from gongzhi.core.models import Channel
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import User

from . import present
from . import schemas as s
from .auth import token_required, user_of
from .errors import responses
from .paging import MOST_URGENT, NEWEST_REPORTED, Order, paginate

router = Router(tags=["cases"], auth=token_required)
# 随手拍: a report with photos, as multipart/form-data (apart from /cases, whose /{number} it
# would shadow).
snapshots = Router(tags=["cases"], auth=token_required)

Number = PathEx[str, P(pattern=r"^\d{1,20}$", max_length=20, description="The case number.")]
CHANNEL = Channel.API

VIEWS: dict[str, tuple[Callable[[Any], Any], Order]] = {
    "all": (queries.visible_cases, NEWEST_REPORTED),
    "inbox": (queries.inbox, MOST_URGENT),
    "done": (queries.done, NEWEST_REPORTED),
    "overdue": (queries.overdue, MOST_URGENT),
    "mine": (queries.my_reports, NEWEST_REPORTED),
}


class CaseFilters(Schema):
    view: s.CaseView = s.Field(
        "all",
        description="all: every case you may see, newest first; inbox (待办): what you must act "
        "on now, most urgent first; done (已办): cases you took a step on; overdue (超期), most "
        "urgent first; mine: the cases you reported.",
    )
    status: Status | None = None
    kind: Kind | None = None
    category: str | None = s.Field(
        None, pattern=r"^\d{2}(\d{2})?$", description="A major (2 digits) or minor class code."
    )
    grid: str | None = s.Field(
        None,
        pattern=r"^\d{1,20}$",
        description="A grid code, or a division code: cases in the places under it.",
    )
    source: Source | None = None
    light: s.Light | None = None
    cursor: str | None = s.Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]+$")
    limit: int = s.Field(20, ge=1, le=100)


@router.get(
    "",
    response=responses({200: s.CasePage}, 400),
    operation_id="list_cases",
    summary="List cases",
)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> s.CasePage:
    """Cases the caller may see, exactly as the pages scope them, a page at a time (cursor)."""
    user = user_of(request)
    query, order = VIEWS[filters.view]
    cases = query(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.category:
        field = "category__code" if len(filters.category) == 4 else "category__parent__code"
        cases = cases.filter(**{field: filters.category})
    if filters.grid:
        cases = cases.filter(grid_code__startswith=filters.grid)
    if filters.source:
        cases = cases.filter(source=filters.source)
    now = timezone.now()
    if filters.light is not None:
        cases = queries.with_light(cases, filters.light, now)
    page = paginate(cases.select_related("category__parent"), order, filters.cursor, filters.limit)
    return s.CasePage(
        items=[present.case_summary(c, present.light_of(c, now)) for c in page.items],
        next_cursor=page.next_cursor,
    )


def _detail(request: HttpRequest, case: Case) -> s.CaseDetailOut:
    fresh = present.with_timeline(Case.objects.filter(pk=case.pk)).get()
    return present.case_detail(request, user_of(request), fresh)


@router.get(
    "/{number}",
    response=responses({200: s.CaseDetailOut}, 400, 404),
    operation_id="get_case",
    summary="A case with its timeline",
)
def get_case(request: HttpRequest, number: Number) -> s.CaseDetailOut:
    """The case, its timeline (steps with their photos), summonses, and the actions you may take."""
    return _detail(request, queries.get_case(user_of(request), number))


@router.get(
    "/{number}/actions",
    response=responses({200: s.ActionsOut}, 400, 404),
    operation_id="list_case_actions",
    summary="The actions you may take on a case now",
)
def case_actions(request: HttpRequest, number: Number) -> s.ActionsOut:
    """Exactly the forms the case page offers you: POST to /cases/{number}/actions/{name}."""
    user = user_of(request)
    case = queries.get_case(user, number)
    names = workflow.available_actions(user, case)
    return s.ActionsOut(
        number=case.number,
        version=case.version,
        actions=[s.ActionOut(name=n, label=str(labels.ACTION.get(n, n))) for n in names],
    )


# --- reporting ----------------------------------------------------------------------------------

IDEMPOTENCY_KEY = P(
    alias="Idempotency-Key",
    max_length=64,
    pattern=r"^[!-~]{1,64}$",
    description="Any string up to 64 printable ASCII characters: a retry with the same key "
    "returns the case the first request made (200, created false) instead of a second case.",
)


def _report(
    request: HttpRequest, payload: s.ReportIn, key: str | None, photos: list[Any]
) -> WithStatus[s.ReportOut]:
    user = user_of(request)
    category = Category.objects.filter(kind=payload.kind, code=payload.category).first()
    if category is None:
        raise ActionError(_("Choose a category from the list."), field="category")
    result = actions.report(
        user,
        category=category,
        description=payload.description,
        lat=payload.lat,
        lng=payload.lng,
        crs=payload.crs,
        photos=photos,
        source=payload.source,
        is_anonymous=payload.is_anonymous,
        address=payload.address,
        idempotency_key=key or "",
        channel=CHANNEL,
    )
    visible = set(
        queries.visible_cases(user)
        .filter(pk__in=[c.case.pk for c in result.duplicates])
        .values_list("pk", flat=True)
    )
    out = s.ReportOut(
        created=result.created,
        case=_detail(request, result.case),
        duplicates=present.duplicates(result.duplicates, visible),
    )
    return WithStatus(201 if result.created else 200, out)


REPORT_RESPONSES = responses({201: s.ReportOut, 200: s.ReportOut}, 400, 403, 404)


@router.post("", response=REPORT_RESPONSES, operation_id="report_case", summary="Report a case")
def report_case(
    request: HttpRequest,
    payload: s.ReportIn,
    idempotency_key: HeaderEx[str | None, IDEMPOTENCY_KEY] = None,
) -> WithStatus[s.ReportOut]:
    """上报: a new case at a position (WGS-84 or GCJ-02), located in its grid. 201 with the case
    and any likely duplicates you may see; photos go through POST /snapshot-reports instead."""
    return _report(request, payload, idempotency_key, [])


@snapshots.post(
    "",
    response=REPORT_RESPONSES,
    operation_id="report_case_with_photos",
    summary="Report a case with photos (multipart)",
)
def report_case_with_photos(
    request: HttpRequest,
    payload: Form[s.ReportIn],
    photos: File[list[UploadedFile]],
    idempotency_key: HeaderEx[str | None, IDEMPOTENCY_KEY] = None,
) -> WithStatus[s.ReportOut]:
    """The same as POST /cases, as multipart/form-data with up to MAX_PHOTOS `photos` (JPEG, PNG
    or WebP; their location data is removed)."""
    return _report(request, payload, idempotency_key, photos)


# --- the workflow -------------------------------------------------------------------------------

ACTION_RESPONSES = responses({200: s.CaseDetailOut}, 400, 403, 404, 409)


def _act(request: HttpRequest, number: str, do: Callable[[Any, Case], object]) -> s.CaseDetailOut:
    """Find the case as the caller sees it (404 otherwise), let the action decide (403, 409, 400),
    and answer with the case as it is now."""
    user = user_of(request)
    case = queries.get_case(user, number)
    do(user, case)
    return _detail(request, case)


def _run(
    request: HttpRequest, number: str, action: Callable[..., object], **fields: Any
) -> s.CaseDetailOut:
    """`_act` for the usual action: `action(user, case id, **fields)` through the API channel."""
    return _act(
        request, number, lambda user, case: action(user, case.pk, **fields, channel=CHANNEL)
    )


def _action(name: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return router.post(
        f"/{{number}}/actions/{name}",
        response=ACTION_RESPONSES,
        operation_id="case_" + name.replace("/with-photos", "_with_photos"),
        summary=summary,
    )


def _department(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    unit = Organisation.objects.filter(pk=pk).first()
    if unit is None:
        raise ActionError(_("No such department."), field=field)
    return unit


@_action("confirm", "核实 Confirm the report")
def confirm(request: HttpRequest, number: Number, payload: s.NoteIn) -> s.CaseDetailOut:
    """The report is real and in scope (grid staff and above)."""
    return _run(
        request, number, actions.confirm, note=payload.note, seen_version=payload.seen_version
    )


@_action("register", "立案 Register")
def register(request: HttpRequest, number: Number, payload: s.NoteIn) -> s.CaseDetailOut:
    """Take the case on; its closing deadline is set from the category's rules now in force."""
    return _run(
        request, number, actions.register, note=payload.note, seen_version=payload.seen_version
    )


@_action("decline", "不予立案 Decline")
def decline(request: HttpRequest, number: Number, payload: s.ReasonIn) -> s.CaseDetailOut:
    """Refuse to register, with the reason the reporter is told."""
    return _run(
        request, number, actions.decline, reason=payload.reason, seen_version=payload.seen_version
    )


@_action("dispatch", "派遣 Dispatch")
def dispatch(request: HttpRequest, number: Number, payload: s.DispatchIn) -> s.CaseDetailOut:
    """Send the case to a tier over its place, or to a department (`unit`)."""
    unit = _department(payload.unit, "unit")
    return _run(
        request,
        number,
        actions.dispatch,
        tier=payload.tier,
        unit=unit,
        note=payload.note,
        seen_version=payload.seen_version,
    )


@_action("accept", "受理 Accept")
def accept(request: HttpRequest, number: Number, payload: s.VersionIn) -> s.CaseDetailOut:
    """The handler takes the case on."""
    return _run(request, number, actions.accept, seen_version=payload.seen_version)


def _respond(
    request: HttpRequest, number: str, payload: s.RequiredNoteIn, photos: list[Any]
) -> Any:
    return _run(
        request,
        number,
        actions.respond,
        note=payload.note,
        photos=photos,
        seen_version=payload.seen_version,
    )


@_action("respond", "反馈 Respond")
def respond(request: HttpRequest, number: Number, payload: s.RequiredNoteIn) -> s.CaseDetailOut:
    """The handler reports what was done (photos: the with-photos variant)."""
    out: s.CaseDetailOut = _respond(request, number, payload, [])
    return out


@_action("respond/with-photos", "反馈 Respond, with photos of the result (multipart)")
def respond_with_photos(
    request: HttpRequest,
    number: Number,
    payload: Form[s.RequiredNoteIn],
    photos: File[list[UploadedFile]],
) -> s.CaseDetailOut:
    out: s.CaseDetailOut = _respond(request, number, payload, photos)
    return out


@_action("return", "退回 Return to whoever dispatched it")
def return_case(request: HttpRequest, number: Number, payload: s.ReasonIn) -> s.CaseDetailOut:
    return _run(
        request,
        number,
        actions.return_case,
        reason=payload.reason,
        seen_version=payload.seen_version,
    )


@_action("escalate", "上报上级 Escalate to the next tier")
def escalate(request: HttpRequest, number: Number, payload: s.ReasonIn) -> s.CaseDetailOut:
    return _run(
        request, number, actions.escalate, reason=payload.reason, seen_version=payload.seen_version
    )


@_action("request_extension", "延期申请 Request an extension")
def request_extension(
    request: HttpRequest, number: Number, payload: s.ExtensionIn
) -> s.CaseDetailOut:
    return _run(
        request,
        number,
        actions.request_extension,
        days=payload.days,
        reason=payload.reason,
        seen_version=payload.seen_version,
    )


@_action("decide_extension", "延期审批 Approve or refuse the extension")
def decide_extension(
    request: HttpRequest, number: Number, payload: s.DecideExtensionIn
) -> s.CaseDetailOut:
    return _run(
        request,
        number,
        actions.decide_extension,
        approve=payload.approve,
        note=payload.note,
        seen_version=payload.seen_version,
    )


def _verify(
    request: HttpRequest, number: str, passed: bool, note: str, seen: int | None, photos: list[Any]
) -> Any:
    return _run(
        request, number, actions.verify, passed=passed, note=note, photos=photos, seen_version=seen
    )


@_action("verify", "核查 Verify on site: passed")
def verify(request: HttpRequest, number: Number, payload: s.NoteIn) -> s.CaseDetailOut:
    """The result holds: the case is ready to close."""
    out: s.CaseDetailOut = _verify(request, number, True, payload.note, payload.seen_version, [])
    return out


@_action("verify/with-photos", "核查 Verify on site: passed, with photos (multipart)")
def verify_with_photos(
    request: HttpRequest,
    number: Number,
    payload: Form[s.NoteIn],
    photos: File[list[UploadedFile]],
) -> s.CaseDetailOut:
    out: s.CaseDetailOut = _verify(
        request, number, True, payload.note, payload.seen_version, photos
    )
    return out


@_action("rework", "返工 Verification failed: back to the handler")
def rework(request: HttpRequest, number: Number, payload: s.RequiredNoteIn) -> s.CaseDetailOut:
    """The on-site check failed; `note` says what is still wrong."""
    out: s.CaseDetailOut = _verify(request, number, False, payload.note, payload.seen_version, [])
    return out


@_action("rework/with-photos", "返工 Verification failed, with photos (multipart)")
def rework_with_photos(
    request: HttpRequest,
    number: Number,
    payload: Form[s.RequiredNoteIn],
    photos: File[list[UploadedFile]],
) -> s.CaseDetailOut:
    out: s.CaseDetailOut = _verify(
        request, number, False, payload.note, payload.seen_version, photos
    )
    return out


@_action("close", "结案 Close")
def close(request: HttpRequest, number: Number, payload: s.CloseIn) -> s.CaseDetailOut:
    return _run(
        request,
        number,
        actions.close,
        note=payload.note,
        public_answer=payload.public_answer,
        seen_version=payload.seen_version,
    )


@_action("rate", "评价 Rate (the reporter)")
def rate(request: HttpRequest, number: Number, payload: s.RateIn) -> s.CaseDetailOut:
    """Unsatisfied reopens the case for rework."""
    return _run(request, number, actions.rate, rating=payload.rating, comment=payload.comment)


@_action("follow_up", "回访 Record the call-back")
def follow_up(
    request: HttpRequest, number: Number, payload: s.RequiredPlainNoteIn
) -> s.CaseDetailOut:
    return _run(request, number, actions.follow_up, note=payload.note)


@_action("shelve", "挂账 Shelve")
def shelve(request: HttpRequest, number: Number, payload: s.ReasonIn) -> s.CaseDetailOut:
    return _run(
        request, number, actions.shelve, reason=payload.reason, seen_version=payload.seen_version
    )


@_action("unshelve", "Take a shelved case up again")
def unshelve(request: HttpRequest, number: Number, payload: s.PlainNoteIn) -> s.CaseDetailOut:
    return _run(request, number, actions.unshelve, note=payload.note)


@_action("supervise", "督办/催办 Supervise or remind")
def supervise(request: HttpRequest, number: Number, payload: s.SuperviseIn) -> s.CaseDetailOut:
    return _run(request, number, actions.supervise, note=payload.note, remind=payload.remind)


@_action("void", "作废 Void (e.g. a duplicate)")
def void(request: HttpRequest, number: Number, payload: s.VoidIn) -> s.CaseDetailOut:
    """With `duplicate_of`, the case merges into that one, which counts one more reporter."""

    def do(user: User, case: Case) -> object:
        original = None
        if payload.duplicate_of is not None:
            found = queries.visible_cases(user).filter(number=payload.duplicate_of).first()
            if found is None:
                raise ActionError(_("No such case, or you may not see it."), field="duplicate_of")
            original = found.pk
        return actions.void(
            user,
            case.pk,
            reason=payload.reason,
            duplicate_of=original,
            seen_version=payload.seen_version,
            channel=CHANNEL,
        )

    return _act(request, number, do)


@_action("summon", "吹哨 Summon departments")
def summon(request: HttpRequest, number: Number, payload: s.SummonIn) -> s.CaseDetailOut:
    """Each department must check in (报到) within `hours` urgent hours."""
    wanted = set(payload.departments)
    departments = list(Organisation.objects.filter(pk__in=wanted))
    if len(departments) != len(wanted):
        raise ActionError(_("No such department."), field="departments")
    return _run(
        request,
        number,
        actions.summon,
        departments=departments,
        hours=payload.hours,
        note=payload.note,
    )


@_action("report_for_duty", "报到 Check in to a summons (and report what was done)")
def report_for_duty(
    request: HttpRequest, number: Number, payload: s.ReportForDutyIn
) -> s.CaseDetailOut:
    """For staff of a summoned department: `duty` is the id in the case's `summonses`."""

    def do(user: User, case: Case) -> object:
        if not SummonsDuty.objects.filter(pk=payload.duty, summons__case=case).exists():
            raise NotFound(_("No such summons."), field="duty")
        return actions.report_for_duty(user, payload.duty, report=payload.report, channel=CHANNEL)

    return _act(request, number, do)
