"""Reads of cases, always scoped: who may see a case, the inboxes, the echo wall, my reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import prefix_filter, scope_codes

from . import workflow
from .models import OPEN_STATUSES, Case, CaseStep, Errand, Status, SummonsDuty, Tier


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases a user may see: in the places their staff roles cover, held by or summoning their
    department, or reported by themselves."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    q = prefix_filter(scope_codes(user, "cases.view"), "grid_code") or Q(pk__in=[])
    depts = workflow.department_ids(user)
    if depts:
        q |= Q(assigned_unit_id__in=depts)
        q |= Q(
            pk__in=SummonsDuty.objects.filter(department_id__in=depts).values("summons__case_id")
        )
    q |= Q(reporter=user)
    return Case.objects.filter(q)


def get_case(user: Any, number: str) -> Case:
    case = (
        visible_cases(user)
        .select_related("category__parent", "rule", "assigned_unit", "reporter", "duplicate_of")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case, or you may not see it."))
    return case


def inbox(user: Any) -> QuerySet[Case]:
    """待办: open cases the user must act on now, most urgent first."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    q = Q(pk__in=[])
    # Each tier holds the cases assigned to it over the places it covers.
    for tier, roles in workflow.TIER_ROLES.items():
        codes = [c for role in roles for c in workflow._codes_for_role(user, role)]
        if codes:
            q |= Q(tier=tier) & (prefix_filter(codes, "assigned_scope") or Q(pk__in=[]))
    depts = workflow.department_ids(user)
    if depts:
        q |= Q(assigned_unit_id__in=depts)
    # Reports waiting to be confirmed and results waiting to be verified belong to the grid staff
    # whatever tier holds the case.
    grid_codes = [
        c for role in workflow.TIER_ROLES[Tier.GRID] for c in workflow._codes_for_role(user, role)
    ]
    if grid_codes:
        q |= Q(status__in=[Status.REPORTED, Status.RESPONDED]) & (
            prefix_filter(grid_codes, "grid_code") or Q(pk__in=[])
        )
    return Case.objects.filter(q, status__in=OPEN_STATUSES).order_by("step_due_at", "id")


def done(user: Any) -> QuerySet[Case]:
    """已办: cases the user took a step on."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    ids = CaseStep.objects.filter(actor=user).values("case_id")
    return visible_cases(user).filter(pk__in=ids).order_by("-updated_at")


def overdue(user: Any) -> QuerySet[Case]:
    """超期: open cases in the user's places past their step's deadline."""
    return (
        visible_cases(user)
        .filter(status__in=OPEN_STATUSES, step_due_at__lt=timezone.now())
        .order_by("step_due_at")
    )


def my_reports(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
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


def visible_errands(user: Any) -> QuerySet[Errand]:
    if not getattr(user, "is_authenticated", False):
        return Errand.objects.none()
    q = prefix_filter(scope_codes(user, "cases.errands"), "grid_code") or Q(pk__in=[])
    return Errand.objects.filter(q | Q(resident=user))
