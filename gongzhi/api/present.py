"""Turning models into the API's shapes: what a caller sees of a case, a place, a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gongzhi.cases import workflow
from gongzhi.cases.duplicates import Candidate
from gongzhi.cases.models import (
    Case,
    CasePhoto,
    CaseStep,
    Category,
    CategoryRule,
    Errand,
    Kind,
    Status,
    Step,
    Summons,
    SummonsDuty,
    Tier,
)
from gongzhi.people.actions import contact_for
from gongzhi.people.models import Membership, Role, User
from gongzhi.places.models import Division, Grid
from gongzhi.places.queries import GridTeam

from . import schemas as s


def name_of(user: User | None) -> str | None:
    return str(user) if user is not None else None


def person(viewer: User, user: User) -> s.PersonOut:
    return s.PersonOut(name=str(user), phone=contact_for(viewer, user).phone)


def light_of(case: Case, now: dt.datetime) -> str | None:
    return case.light(now) or None


def category_ref(category: Category) -> s.CategoryRef:
    parent = category.parent
    return s.CategoryRef(
        kind=Kind(category.kind),
        code=category.code,
        name=category.name,
        major=parent.name if parent is not None else None,
    )


def _summary_fields(case: Case, light: str | None) -> dict[str, Any]:
    return {
        "number": case.number,
        "kind": case.kind,
        "category": category_ref(case.category),
        "status": case.status,
        "status_label": case.get_status_display(),
        "source": case.source,
        "description": case.description,
        "address": case.address,
        "lat": case.lat,
        "lng": case.lng,
        "grid_code": case.grid_code,
        "tier": case.tier,
        "light": light,
        "reported_at": case.reported_at,
        "step_due_at": case.step_due_at,
        "updated_at": case.updated_at,
        "version": case.version,
        "me_too": case.me_too,
        "rating": case.rating,
    }


def case_summary(case: Case, light: str | None) -> s.CaseSummaryOut:
    return s.CaseSummaryOut(**_summary_fields(case, light))


def photo(request: HttpRequest, p: CasePhoto) -> s.PhotoOut:
    return s.PhotoOut(
        id=p.pk,
        url=request.build_absolute_uri(p.image.url) if p.image else "",
        purpose=p.purpose,
        width=p.width,
        height=p.height,
        step_id=p.step_id,
    )


def with_timeline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a case's detail reads, fetched in a fixed number of queries."""
    return cases.select_related(
        "category__parent", "rule", "assigned_unit", "reporter", "duplicate_of"
    ).prefetch_related(
        Prefetch("steps", queryset=CaseStep.objects.select_related("actor").order_by("at", "id")),
        Prefetch("photos", queryset=CasePhoto.objects.order_by("id")),
        Prefetch(
            "summonses",
            queryset=Summons.objects.select_related("summoned_by").prefetch_related(
                Prefetch(
                    "duties",
                    queryset=SummonsDuty.objects.select_related("department").order_by("id"),
                )
            ),
        ),
    )


def case_detail(request: HttpRequest, viewer: User, case: Case) -> s.CaseDetailOut:
    now = timezone.now()
    is_reporter = case.reporter_id is not None and case.reporter_id == getattr(viewer, "pk", None)
    # An anonymous report's reporter is known to the system, not shown to others.
    hide_reporter = case.is_anonymous and not is_reporter
    photos = [photo(request, p) for p in case.photos.all()]
    by_step: dict[int, list[s.PhotoOut]] = {}
    for p in photos:
        if p.step_id is not None:
            by_step.setdefault(p.step_id, []).append(p)
    timeline = [
        s.StepOut(
            id=step.pk,
            action=step.action,
            actor=None
            if hide_reporter and step.actor_id == case.reporter_id
            else name_of(step.actor),
            at=step.at,
            from_status=step.from_status,
            to_status=step.to_status,
            note=step.note,
            on_time=step.on_time,
            data=step.data if isinstance(step.data, dict) else {},
            photos=by_step.get(step.pk, []),
        )
        for step in case.steps.all()
    ]
    departments = workflow.department_ids(viewer)
    summonses = [
        s.SummonsOut(
            id=summons.pk,
            at=summons.at,
            due_at=summons.due_at,
            note=summons.note,
            summoned_by=str(summons.summoned_by),
            duties=[
                s.DutyOut(
                    id=duty.pk,
                    department=s.Named(id=duty.department_id, name=duty.department.name),
                    checked_in_at=duty.checked_in_at,
                    report=duty.report,
                    reported_at=duty.reported_at,
                    is_late=duty.is_late,
                    may_report=duty.department_id in departments,
                )
                for duty in summons.duties.all()
            ],
        )
        for summons in case.summonses.all()
    ]
    unit = case.assigned_unit
    return s.CaseDetailOut(
        **_summary_fields(case, light_of(case, now)),
        reporter=None if case.reporter is None or hide_reporter else person(viewer, case.reporter),
        is_anonymous=case.is_anonymous,
        is_public=case.is_public,
        assigned_scope=case.assigned_scope,
        assigned_unit=s.Named(id=unit.pk, name=unit.name) if unit is not None else None,
        step_started_at=case.step_started_at,
        handle_due_at=case.handle_due_at,
        close_due_at=case.close_due_at,
        pending_extension=case.pending_extension,
        duplicate_of=case.duplicate_of.number if case.duplicate_of is not None else None,
        rework_count=case.rework_count,
        rating_comment=case.rating_comment,
        public_answer=case.public_answer,
        registered_at=case.registered_at,
        responded_at=case.responded_at,
        closed_at=case.closed_at,
        timeline=timeline,
        photos=photos,
        summonses=summonses,
        available_actions=workflow.available_actions(viewer, case),
    )


def duplicates(candidates: Iterable[Candidate], visible: set[int]) -> list[s.DuplicateOut]:
    """Likely duplicates, only those the caller may see."""
    return [
        s.DuplicateOut(
            number=c.case.number,
            status=Status(c.case.status),
            distance_m=round(c.distance_m, 1),
            similarity=round(c.similarity, 3),
        )
        for c in candidates
        if c.case.pk in visible
    ]


# --- categories ---------------------------------------------------------------------------------


def rule(r: CategoryRule) -> s.RuleOut:
    deadlines = {}
    for step in Step:
        if step.value in r.deadlines:
            amount, clock = r.deadline(step.value)
            deadlines[step.value] = s.DeadlineOut(
                amount=amount, clock=clock, clock_label=str(clock.label)
            )
    dept = r.department
    return s.RuleOut(
        effective_from=r.effective_from,
        lowest_tier=Tier(r.lowest_tier),
        lowest_tier_label=str(Tier(r.lowest_tier).label),
        department=s.Named(id=dept.pk, name=dept.name) if dept is not None else None,
        deadlines=deadlines,
        duplicate_radius_m=r.duplicate_radius_m,
    )


def rules_in_force(categories: QuerySet[Category]) -> QuerySet[Category]:
    """Prefetch, for each category, its rules already in force, newest first: the first is the
    one `cases.actions.rule_in_force` would pick."""
    in_force = (
        CategoryRule.objects.filter(effective_from__lte=timezone.now())
        .select_related("department")
        .order_by("-effective_from")
    )
    return categories.prefetch_related(Prefetch("rules", queryset=in_force, to_attr="in_force"))


def category(c: Category) -> s.CategoryOut:
    current = getattr(c, "in_force", [])
    return s.CategoryOut(
        id=c.pk,
        kind=Kind(c.kind),
        code=c.code,
        name=c.name,
        keywords=c.keywords,
        major_code=c.parent.code if c.parent is not None else None,
        rule=rule(current[0]) if current else None,
    )


# --- places -------------------------------------------------------------------------------------


def division(d: Division, children: list[s.DivisionOut] | None = None) -> s.DivisionOut:
    return s.DivisionOut(
        code=d.code,
        name=d.name,
        short_name=d.short_name,
        level=d.level,
        parent_code=d.code[: {4: 2, 6: 4, 9: 6, 12: 9}[len(d.code)]]
        if len(d.code) in (4, 6, 9, 12)
        else None,
        children=children or [],
    )


def grid_feature(g: Grid) -> s.GridFeature:
    return s.GridFeature(
        type="Feature",
        id=g.code,
        geometry=g.boundary if isinstance(g.boundary, dict) else None,
        properties=s.GridProperties(
            code=g.code,
            name=g.name,
            number=g.number,
            community_code=g.community.code,
            community=g.community.short_name,
            households=g.households,
        ),
    )


def team_member(viewer: User, m: Membership) -> s.TeamMemberOut:
    return s.TeamMemberOut(
        name=str(m.user),
        role=m.role,
        role_label=str(Role(m.role).label),
        title=m.title,
        phone=contact_for(viewer, m.user).phone,
    )


def team(viewer: User, t: GridTeam) -> s.GridTeamOut:
    return s.GridTeamOut(
        instructors=[team_member(viewer, m) for m in t.instructors],
        leaders=[team_member(viewer, m) for m in t.leaders],
        workers=[team_member(viewer, m) for m in t.workers],
        others=[team_member(viewer, m) for m in t.others],
    )


def grid(g: Grid, team_out: s.GridTeamOut | None) -> s.GridOut:
    street = g.community.parent
    box = None
    if None not in (g.min_lng, g.min_lat, g.max_lng, g.max_lat):
        box = [float(v) for v in (g.min_lng, g.min_lat, g.max_lng, g.max_lat) if v is not None]
    return s.GridOut(
        code=g.code,
        name=g.name,
        number=g.number,
        households=g.households,
        community=s.PlaceRef(code=g.community.code, name=g.community.short_name),
        street=s.PlaceRef(code=street.code, name=street.name) if street is not None else None,
        boundary=g.boundary if isinstance(g.boundary, dict) else None,
        bbox=box,
        team=team_out,
    )


# --- errands ------------------------------------------------------------------------------------


def errand(viewer: User, e: Errand) -> s.ErrandOut:
    return s.ErrandOut(
        number=e.number,
        what=e.what,
        details=e.details,
        wanted_on=e.wanted_on,
        state=Errand.State(e.state),
        state_label=e.get_state_display(),
        grid_code=e.grid_code,
        resident=person(viewer, e.resident),
        taker=name_of(e.taker),
        working_days=e.working_days,
        taken_at=e.taken_at,
        due_at=e.due_at,
        result=e.result,
        done_at=e.done_at,
        requested_at=e.requested_at,
    )
