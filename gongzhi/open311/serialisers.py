"""Cases as Open311 service requests, at three levels of what the caller may see.

- Anyone (no key, or a key whose service account has no role there): public cases only, as the
  echo wall may show them — no reporter, the grid instead of the address, the position rounded
  to about 100 m, phone/ID numbers and email addresses in the texts masked. An anonymous case is
  listed without its description and photo.
- A key whose service account may see the case (`cases.visible_cases`: staff roles over its
  place, its department): the case as staff see it — exact address and position, the description
  as written, non-public cases too. Still no reporter.
- A key whose service account may see personal data in the case's place
  (`people.view_personal_data`): also the reporter's first_name, last_name, phone, email and
  account_id (the names of Open311's POST fields), unless the case was reported anonymously.
  Each such view is written to the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest

from gongzhi.cases import labels
from gongzhi.cases.models import Case, CasePhoto, CaseStep, Category, Status, Tier
from gongzhi.cases.queries import visible_cases
from gongzhi.core import audit
from gongzhi.core.models import Channel
from gongzhi.core.permissions import can
from gongzhi.places.models import Division, Grid

from . import services, timeline
from .models import ApiKey, Open311Request

PUBLIC_DECIMALS = 3  # about 100 m: the echo wall shows no exact position
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "尉迟",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "公孙",
    "轩辕",
    "端木",
)


def cases_for(key: ApiKey | None) -> QuerySet[Case]:
    """The cases a caller may list: public ones, and with a key those its service account sees."""
    public = Q(is_public=True)
    if key is None:
        return Case.objects.filter(public)
    staff = visible_cases(key.service_account).values("pk")
    return Case.objects.filter(public | Q(pk__in=staff))


def split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name) of a Chinese name: the family name leads (张秀英 → 秀英, 张)."""
    name = (full_name or "").strip()
    if not name or " " in name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        parts = name.rsplit(" ", 1)
        return (parts[0], parts[1]) if len(parts) == 2 else (name, "")
    family = 2 if name.startswith(COMPOUND_SURNAMES) and len(name) > 2 else 1
    return name[family:], name[:family]


@dataclass
class Context:
    """Everything looked up once for a page of cases, so that a page costs a fixed few queries."""

    request: HttpRequest
    key: ApiKey | None
    extensions: bool
    staff_ids: set[int] = field(default_factory=set)
    categories: dict[int, Category] = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)
    divisions: dict[str, Division] = field(default_factory=dict)
    photos: dict[int, CasePhoto] = field(default_factory=dict)
    records: dict[int, Open311Request] = field(default_factory=dict)
    steps: dict[int, list[CaseStep]] = field(default_factory=lambda: defaultdict(list))
    notices: dict[int, str] = field(default_factory=dict)


def _context(
    request: HttpRequest, cases: Sequence[Case], key: ApiKey | None, extensions: bool
) -> Context:
    ctx = Context(request=request, key=key, extensions=extensions)
    ids = [c.pk for c in cases]
    if not ids:
        return ctx
    if key is not None:
        ctx.staff_ids = set(
            visible_cases(key.service_account).filter(pk__in=ids).values_list("pk", flat=True)
        )
    ctx.categories = {
        c.pk: c
        for c in Category.objects.filter(pk__in={c.category_id for c in cases})
        .select_related("parent", "open311_profile")
        .prefetch_related("rules")
    }
    ctx.notices = {pk: services.notice(c) for pk, c in ctx.categories.items()}
    ctx.grids = {g.code: g for g in Grid.objects.filter(code__in={c.grid_code for c in cases})}
    ctx.divisions = {
        d.code: d
        for d in Division.objects.filter(
            code__in={c.assigned_scope for c in cases if not c.assigned_unit_id}
        )
    }
    first = CasePhoto.objects.filter(case_id__in=ids).values("case_id").annotate(first=Min("id"))
    ctx.photos = {
        p.case_id: p for p in CasePhoto.objects.filter(pk__in=[row["first"] for row in first])
    }
    ctx.records = {
        r.case_id: r for r in Open311Request.objects.filter(case_id__in=ids) if r.case_id
    }
    if extensions:
        for step in CaseStep.objects.filter(case_id__in=ids).order_by("at", "id"):
            ctx.steps[step.case_id].append(step)
    return ctx


def _agency(case: Case, ctx: Context) -> str:
    """The handling unit's name, or the place and tier that hold the case."""
    if case.assigned_unit_id and case.assigned_unit is not None:
        return case.assigned_unit.name
    tier = Tier(case.tier)
    if tier == Tier.GRID:
        grid = ctx.grids.get(case.assigned_scope)
        return grid.name if grid else str(tier.label)
    division = ctx.divisions.get(case.assigned_scope)
    place = division.short_name if division else ""
    return f"{place}（{tier.label}）" if place else str(tier.label)


def _names(case: Case, ctx: Context) -> list[str]:
    """The reporter's names, to be masked wherever public text repeats them."""
    names: list[str] = []
    if case.reporter is not None:
        names.append(case.reporter.full_name)
    record = ctx.records.get(case.pk)
    if record is not None:
        sub = record.submitter or {}
        first, last = sub.get("first_name", ""), sub.get("last_name", "")
        names += [f"{last}{first}", f"{first} {last}", f"{last} {first}"]
    return names


def _public_text(case: Case, ctx: Context) -> str:
    """The description the public sees: for a request received through Open311, the submitter's
    own words only (the attribute answers appended for the staff, a plate number say, stay in)."""
    record = ctx.records.get(case.pk)
    if record is not None and "text" in (record.payload or {}):
        return str(record.payload["text"])
    return case.description


def _status_notes(case: Case, public: bool, names: list[str]) -> str:
    if case.status in (Status.CLOSED, Status.DECLINED) and case.public_answer:
        return timeline.scrub(case.public_answer, names) if public else case.public_answer
    if case.status == Status.VOID and case.duplicate_of_id and case.duplicate_of is not None:
        return str(labels.PUBLIC_STEP["void"]) + " · " + case.duplicate_of.number
    return str(case.get_status_display())


def _media_url(case: Case, ctx: Context) -> str | None:
    photo = ctx.photos.get(case.pk)
    if photo is not None and photo.image:
        return ctx.request.build_absolute_uri(photo.image.url)
    record = ctx.records.get(case.pk)
    return record.media_url or None if record else None


def _reporter(case: Case, ctx: Context) -> dict[str, str | None] | None:
    """The reporter's contact fields, for a key that may see personal data here; else None."""
    if ctx.key is None or case.is_anonymous:
        return None
    account = ctx.key.service_account
    if case.pk not in ctx.staff_ids or not can(account, "people.view_personal_data", case):
        return None
    record = ctx.records.get(case.pk)
    if record is not None:
        sub = record.submitter or {}
        fields = {k: sub.get(k) or None for k in ("first_name", "last_name", "email", "phone")}
        fields["account_id"] = sub.get("account_id") or None
    elif case.reporter is not None:
        first, last = split_name(case.reporter.full_name)
        fields = {
            "first_name": first or None,
            "last_name": last or None,
            "email": case.reporter.email or None,
            "phone": case.reporter.phone or None,
            "account_id": None,
        }
    else:
        return None
    if not any(fields.values()):
        return None
    audit.record(
        account,
        "open311.view_personal_data",
        case,
        channel=Channel.OPEN311,
        summary=case.number,
        data={"key": ctx.key.prefix, "fields": sorted(k for k, v in fields.items() if v)},
    )
    return fields


def service_request(case: Case, ctx: Context) -> dict[str, Any]:
    staff = case.pk in ctx.staff_ids
    public = not staff
    category = ctx.categories.get(case.category_id) or case.category
    closed = not case.is_open
    hidden = public and case.is_anonymous
    grid = ctx.grids.get(case.grid_code)
    names = _names(case, ctx) if public else []
    if public:
        description = None if hidden else timeline.scrub(_public_text(case, ctx), names) or None
        address = grid.name if grid else ""
        lat, lng = round(case.lat, PUBLIC_DECIMALS), round(case.lng, PUBLIC_DECIMALS)
    else:
        description = case.description or None
        address = case.address or (grid.name if grid else "")
        lat, lng = case.lat, case.lng
    entry: dict[str, Any] = {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(case, public, names),
        "service_name": category.name,
        "service_code": services.service_code(category),
        "description": description,
        "agency_responsible": _agency(case, ctx),
        "service_notice": ctx.notices.get(case.category_id) or None,
        "requested_datetime": case.reported_at,
        "updated_datetime": case.closed_at
        if case.status == Status.CLOSED and case.closed_at
        else case.updated_at,
        "expected_datetime": case.close_due_at,
        "address": address or None,
        "address_id": case.grid_code,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": None if hidden else _media_url(case, ctx),
    }
    reporter = _reporter(case, ctx)
    if reporter is not None:
        entry.update(reporter)
    if ctx.extensions:
        steps = ctx.steps.get(case.pk, [])
        entry["extended_attributes"] = {
            "channel": case.source,
            "extended_status": timeline.case_state(case, steps),
            "notes": timeline.notes(case, steps, _names(case, ctx)),
        }
    return entry


def service_requests(
    request: HttpRequest, cases: Sequence[Case], key: ApiKey | None, *, extensions: bool = False
) -> list[dict[str, Any]]:
    ctx = _context(request, cases, key, extensions)
    return [service_request(c, ctx) for c in cases]
