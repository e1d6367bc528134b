"""Reads of cases, always scoped: who may see a case, the inboxes, the echo wall, my reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import prefix_filter, scope_codes
from gongzhi.people.models import User, Viewer

from . import workflow
from .models import OPEN_STATUSES, Case, CaseStep, Errand, Status, SummonsDuty, Tier


def _within(codes: list[str], field: str) -> Q:
    q = prefix_filter(codes, field)
    return Q(pk__in=[]) if q is None else q


def _role_codes(user: Viewer, tiers: tuple[Tier, ...]) -> list[str]:
    return [
        c
        for t in tiers
        for role in workflow.TIER_ROLES[t]
        for c in workflow._codes_for_role(user, role)
    ]


def visible_cases(user: Viewer) -> QuerySet[Case]:
    """Cases a user may see: in the places their staff roles cover, held by or summoning their
    department, or reported by themselves."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Case.objects.none()
    q = _within(scope_codes(user, "cases.view"), "grid_code")
    depts = workflow.department_ids(user)
    if depts:
        q |= Q(assigned_unit_id__in=depts)
        q |= Q(
            pk__in=SummonsDuty.objects.filter(department_id__in=depts).values("summons__case_id")
        )
    q |= Q(reporter=user)
    return Case.objects.filter(q)


def get_case(user: Viewer, number: str) -> Case:
    case = (
        visible_cases(user)
        .select_related("category__parent", "rule", "assigned_unit", "reporter", "duplicate_of")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case, or you may not see it."))
    return case


def inbox(user: Viewer) -> QuerySet[Case]:
    """待办: open cases the user must act on now, most urgent first."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Case.objects.none()
    q = Q(pk__in=[])
    # Each tier dispatches and handles the cases assigned to it over the places it covers.
    for tier in workflow.TIER_ROLES:
        codes = _role_codes(user, (tier,))
        if codes:
            q |= Q(tier=tier, status__in=[Status.REGISTERED, *workflow.HANDLING]) & _within(
                codes, "assigned_scope"
            )
    depts = workflow.department_ids(user)
    if depts:
        # A department acts only while the case is with it to handle; the verification and the
        # closure that follow are not its to do.
        q |= Q(assigned_unit_id__in=depts, status__in=workflow.HANDLING)
    # Reports to confirm and register, and results to verify, belong to the grid staff whatever
    # tier holds the case; closing a verified case is the community's (or the grid's, for cases
    # settled in the grid).
    grid_codes = _role_codes(user, (Tier.GRID,))
    if grid_codes:
        q |= Q(status__in=[Status.REPORTED, Status.CONFIRMED, Status.RESPONDED]) & _within(
            grid_codes, "grid_code"
        )
        q |= Q(status=Status.VERIFIED, tier=Tier.GRID) & _within(grid_codes, "grid_code")
    upper = _role_codes(user, (Tier.COMMUNITY, Tier.STREET, Tier.COMMAND_CENTRE))
    if upper:
        q |= Q(status=Status.VERIFIED) & ~Q(tier=Tier.GRID) & _within(upper, "grid_code")
        q |= Q(pending_extension__isnull=False) & _within(upper, "grid_code")
    return Case.objects.filter(q, status__in=OPEN_STATUSES).order_by("step_due_at", "id")


def done(user: Viewer) -> QuerySet[Case]:
    """已办: cases the user took a step on."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Case.objects.none()
    ids = CaseStep.objects.filter(actor=user).values("case_id")
    return visible_cases(user).filter(pk__in=ids).order_by("-updated_at")


def overdue(user: Viewer) -> QuerySet[Case]:
    """超期: open cases in the user's places past their step's deadline."""
    return (
        visible_cases(user)
        .filter(status__in=OPEN_STATUSES, step_due_at__lt=timezone.now())
        .order_by("step_due_at")
    )


def with_light(cases: QuerySet[Case], light: str, now: dt.datetime) -> QuerySet[Case]:
    """The open cases showing `light` (green, yellow or red) at `now`, from each step's stored
    deadline and warning time (the same rule as `Case.light`)."""
    cases = cases.filter(status__in=OPEN_STATUSES)
    if light == "red":
        return cases.filter(step_due_at__lt=now)
    cases = cases.filter(step_due_at__gte=now)
    if light == "yellow":
        return cases.filter(step_warn_at__lte=now)
    return cases.filter(Q(step_warn_at__gt=now) | Q(step_warn_at__isnull=True))


def my_reports(user: Viewer) -> QuerySet[Case]:
    if not isinstance(user, User) or not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(reporter=user).select_related("category").order_by("-reported_at")


def echo_wall() -> QuerySet[Case]:
    """回音壁: public cases that have an answer; pages show no reporter and no exact position."""
    return (
        Case.objects.filter(is_public=True, status__in=[Status.CLOSED, Status.DECLINED])
        .exclude(public_answer="")
        .select_related("category")
        .order_by("-closed_at", "-reported_at")
    )


def visible_errands(user: Viewer) -> QuerySet[Errand]:
    if not isinstance(user, User) or not user.is_authenticated:
        return Errand.objects.none()
    q = _within(scope_codes(user, "cases.errands"), "grid_code")
    return Errand.objects.filter(q | Q(resident=user))
