"""The shapes the API reads and writes, as the OpenAPI document describes them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from gongzhi.cases.actions import MAX_EXTENSION_DAYS
from gongzhi.cases.models import Errand, Kind, Rating, Source, Status, Tier
from gongzhi.core.clock import Clock
from gongzhi.places.locator import CRS_CHOICES


def _clean_text(value: str) -> str:
    """Text a database can store: no NUL characters, no lone surrogates."""
    if "\x00" in value:
        raise PydanticCustomError("null_characters", "Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError("text_encoding", "Text must be valid Unicode.") from exc
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
Light = Literal["green", "yellow", "red"]
Crs = Literal["wgs84", "gcj02"]
assert set(CRS_CHOICES) == {"wgs84", "gcj02"}
ReportSource = Literal["api", "resident_app", "patrol", "hotline", "command_centre"]
assert set(get_args(ReportSource)) <= set(Source.values)
CaseView = Literal["all", "inbox", "done", "overdue", "mine"]
SeenVersion = Annotated[
    int | None,
    Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="The case's `version` as the client last saw it: if the case has changed "
        "since, the action is refused with 409 instead of acting on a state nobody looked at.",
    ),
]
# A row id as databases store it (64-bit): larger numbers are refused here, not by the database.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
CaseNumber = Annotated[str, Field(pattern=r"^\d{1,20}$", max_length=20)]


# --- shared -------------------------------------------------------------------------------------


class Named(Schema):
    id: int
    name: str


class PlaceRef(Schema):
    code: str
    name: str


class PersonOut(Schema):
    """A person as others see them: the phone number masked (138****1234) except one's own."""

    name: str
    phone: str


# --- categories ---------------------------------------------------------------------------------


class DeadlineOut(Schema):
    amount: float
    clock: Clock
    clock_label: str


class RuleOut(Schema):
    """The rules in force now: these apply to cases registered from now on."""

    effective_from: dt.datetime
    lowest_tier: Tier
    lowest_tier_label: str
    department: Named | None
    deadlines: dict[str, DeadlineOut]
    duplicate_radius_m: int


class CategoryOut(Schema):
    id: int
    kind: Kind
    code: str
    name: str
    keywords: str
    major_code: str | None
    rule: RuleOut | None


class MajorCategoryOut(Schema):
    id: int
    kind: Kind
    code: str
    name: str
    minors: list[CategoryOut]


class CategoryRef(Schema):
    kind: Kind
    code: str
    name: str
    major: str | None


# --- cases --------------------------------------------------------------------------------------


class CaseSummaryOut(Schema):
    number: str
    kind: Kind
    category: CategoryRef
    status: Status
    status_label: str
    source: Source
    description: str
    address: str
    lat: float
    lng: float
    grid_code: str
    tier: Tier
    light: Light | None = Field(
        description="The current step's traffic light: green below 80 % of its time, yellow to "
        "100 %, red overdue; null when no clock runs."
    )
    reported_at: dt.datetime
    step_due_at: dt.datetime | None
    updated_at: dt.datetime
    version: int
    me_too: int
    rating: str


class CasePage(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class PhotoOut(Schema):
    id: int
    url: str
    purpose: str
    width: int
    height: int
    step_id: int | None


class StepOut(Schema):
    id: int
    action: str
    actor: str | None
    at: dt.datetime
    from_status: str
    to_status: str
    note: str
    on_time: bool | None
    data: dict[str, Any]
    photos: list[PhotoOut]


class DutyOut(Schema):
    id: int
    department: Named
    checked_in_at: dt.datetime | None
    report: str
    reported_at: dt.datetime | None
    is_late: bool
    may_report: bool = Field(description="Whether the caller may check in or report for it.")


class SummonsOut(Schema):
    id: int
    at: dt.datetime
    due_at: dt.datetime
    note: str
    summoned_by: str
    duties: list[DutyOut]


class CaseDetailOut(CaseSummaryOut):
    reporter: PersonOut | None
    is_anonymous: bool
    is_public: bool
    assigned_scope: str
    assigned_unit: Named | None
    step_started_at: dt.datetime
    handle_due_at: dt.datetime | None
    close_due_at: dt.datetime | None
    pending_extension: int | None
    duplicate_of: str | None
    rework_count: int
    rating_comment: str
    public_answer: str
    registered_at: dt.datetime | None
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None
    timeline: list[StepOut]
    photos: list[PhotoOut]
    summonses: list[SummonsOut]
    available_actions: list[str]


class DuplicateOut(Schema):
    number: str
    status: Status
    distance_m: float
    similarity: float


class ReportIn(Schema):
    kind: Kind = Field(description="Event or component: category codes are numbered per kind.")
    category: str = Field(pattern=r"^\d{4}$", description="The minor class's 4-digit code.")
    description: Text = Field("", max_length=4000)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    crs: Crs = Field("wgs84", description="wgs84 (GPS) or gcj02 (Chinese phone maps).")
    address: Text = Field("", max_length=200)
    is_anonymous: bool = False
    source: ReportSource = "api"


class ReportOut(Schema):
    created: bool = Field(
        description="False when the Idempotency-Key was seen before: the case is the first call's."
    )
    case: CaseDetailOut
    duplicates: list[DuplicateOut] = Field(
        description="Open cases you may see that look like the same problem."
    )


class ActionOut(Schema):
    name: str
    label: str


class ActionsOut(Schema):
    number: str
    version: int
    actions: list[ActionOut]


# --- action bodies ------------------------------------------------------------------------------


class NoteIn(Schema):
    note: Text = Field("", max_length=4000)
    seen_version: SeenVersion = None


class RequiredNoteIn(Schema):
    note: Text = Field(max_length=4000)
    seen_version: SeenVersion = None


class ReasonIn(Schema):
    reason: Text = Field(max_length=4000)
    seen_version: SeenVersion = None


class VersionIn(Schema):
    seen_version: SeenVersion = None


class DispatchIn(Schema):
    tier: Tier = Field(description="The tier to send the case to (a department: street).")
    unit: RowId | None = Field(None, description="A department's id (see /departments).")
    note: Text = Field("", max_length=4000)
    seen_version: SeenVersion = None


class ExtensionIn(Schema):
    days: int = Field(ge=1, le=MAX_EXTENSION_DAYS, description="Working days more.")
    reason: Text = Field(max_length=4000)
    seen_version: SeenVersion = None


class DecideExtensionIn(Schema):
    approve: bool
    note: Text = Field("", max_length=4000)
    seen_version: SeenVersion = None


class CloseIn(Schema):
    note: Text = Field("", max_length=4000)
    public_answer: Text = Field(
        "", max_length=4000, description="What the echo wall shows (the note when empty)."
    )
    seen_version: SeenVersion = None


class RateIn(Schema):
    rating: Rating
    comment: Text = Field("", max_length=500)


class PlainNoteIn(Schema):
    note: Text = Field("", max_length=4000)


class RequiredPlainNoteIn(Schema):
    note: Text = Field(max_length=4000)


class SuperviseIn(Schema):
    note: Text = Field(max_length=4000)
    remind: bool = Field(False, description="催办 (a reminder) rather than 督办 (supervision).")


class VoidIn(Schema):
    reason: Text = Field("", max_length=4000)
    duplicate_of: CaseNumber | None = Field(
        None, description="The number of the case this one duplicates (then no reason needed)."
    )
    seen_version: SeenVersion = None


class SummonIn(Schema):
    departments: list[RowId] = Field(min_length=1, max_length=50)
    hours: int = Field(ge=1, le=1000, description="Urgent hours to check in (1 to 72).")
    note: Text = Field("", max_length=4000)


class ReportForDutyIn(Schema):
    duty: RowId = Field(description="The id of your department's duty.")
    report: Text = Field("", max_length=4000, description="What the department did, if done.")


# --- places -------------------------------------------------------------------------------------


class DivisionOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    children: list[DivisionOut]


class GridProperties(Schema):
    code: str
    name: str
    number: int
    community_code: str
    community: str
    households: int


class GridFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] | None
    properties: GridProperties


class GridCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[GridFeature]


class TeamMemberOut(Schema):
    name: str
    role: str
    role_label: str
    title: str
    phone: str


class GridTeamOut(Schema):
    instructors: list[TeamMemberOut]
    leaders: list[TeamMemberOut]
    workers: list[TeamMemberOut]
    others: list[TeamMemberOut]


class GridOut(Schema):
    code: str
    name: str
    number: int
    households: int
    community: PlaceRef
    street: PlaceRef | None
    boundary: dict[str, Any] | None = Field(description="A GeoJSON geometry (WGS-84).")
    bbox: list[float] | None = Field(description="[min lng, min lat, max lng, max lat]")
    team: GridTeamOut | None = Field(
        description="The 1+1+X+Y team, for those who may see it; phones masked."
    )


class DepartmentOut(Schema):
    id: int
    name: str
    scope_code: str


# --- me -----------------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_label: str
    scope_code: str
    organisation: Named | None
    title: str


class TokenOut(Schema):
    name: str
    kind: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None


class MeOut(Schema):
    username: str
    full_name: str
    phone: str
    roles: list[RoleOut]
    token: TokenOut


# --- errands ------------------------------------------------------------------------------------


class ErrandOut(Schema):
    number: str
    what: str
    details: str
    wanted_on: dt.date | None
    state: Errand.State
    state_label: str
    grid_code: str
    resident: PersonOut
    taker: str | None
    working_days: int
    taken_at: dt.datetime | None
    due_at: dt.datetime | None
    result: str
    done_at: dt.datetime | None
    requested_at: dt.datetime


class ErrandPage(Schema):
    items: list[ErrandOut]
    next_cursor: str | None


class ErrandIn(Schema):
    what: Text = Field(max_length=200)
    details: Text = Field("", max_length=4000)
    wanted_on: dt.date | None = None


class TakeErrandIn(Schema):
    working_days: int = Field(3, ge=1, le=1000, description="Working days allowed (1 to 20).")


class CompleteErrandIn(Schema):
    result: Text = Field(max_length=4000)


# --- echo wall ----------------------------------------------------------------------------------


class EchoOut(Schema):
    """A public case with its answer: no reporter, no exact position."""

    number: str
    category: str
    description: str
    public_answer: str
    status: Status
    status_label: str
    community: str | None
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    me_too: int


class EchoPage(Schema):
    items: list[EchoOut]
    next_cursor: str | None


class IndexOut(Schema):
    title: str
    version: str
    openapi: str
    docs: str
