"""The cases behind a figure: for each counted metric, the timeline rows that count in it (the
same rule as rebuild.step_deltas, as a query), so that a figure and the list it opens agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case as Choice
from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case, CaseStep
from gongzhi.cases.queries import visible_cases
from gongzhi.people.models import Viewer

from .indicators import Period, Scope, category_ids, overdue_cases
from .models import CLOSE_BUCKETS

UNSATISFIED = Q(action="rate", data__rating="unsatisfied")
# What takes a counted step back: rework takes back the last handling, an unsatisfied rating the
# last closure and the last handling.
TAKEN_BACK_BY = {"respond": Q(action="rework") | UNSATISFIED, "close": UNSATISFIED}

# metric → the timeline rows counted in it (besides "standing" for respond and close).
STEPS: dict[str, Q] = {
    "reported": Q(action="report"),
    "valid": Q(action="confirm"),
    "declined": Q(action="decline"),
    "registered": Q(action="register"),
    "dispatched": Q(action="dispatch"),
    "responded": Q(action="accept") | Q(action="respond", from_status="dispatched"),
    "handled": Q(action="respond"),
    "handled_on_time": Q(action="respond", on_time=True),
    "closed": Q(action="close"),
    "closed_on_time": Q(action="close", on_time=True),
    "returned": Q(action="return"),
    "escalated": Q(action="escalate"),
    "extended": Q(action="approve_extension"),
    "reworked": Q(action="rework") | UNSATISFIED,
    "shelved": Q(action="shelve"),
    "voided": Q(action="void"),
    "rated_satisfied": Q(action="rate", data__rating="satisfied"),
    "rated_basically_satisfied": Q(action="rate", data__rating="basically_satisfied"),
    "rated_unsatisfied": UNSATISFIED,
    "rated": Q(action="rate"),
    "summoned": Q(action="summon"),
    "summons_on_time": Q(action="report_for_duty", on_time=True),
    "finished": Q(action="close") | Q(action="decline"),
}
# Closures by time to close: in bucket (lower, bound] of whole seconds, as close_time_metrics
# counts them (whole seconds s <= bound  <=>  duration < bound + 1 s).
BUCKET_RANGES: dict[str, tuple[int, int | None]] = {}
_lower = 0
for _name, _bound in CLOSE_BUCKETS:
    BUCKET_RANGES[_name] = (_lower, _bound)
    STEPS[_name] = Q(action="close")
    _lower = _bound or _lower

DRILL_LABELS: dict[str, Promise] = {
    "reported": _("Reported"),
    "valid": _("Confirmed as valid"),
    "declined": _("Declined"),
    "registered": _("Registered"),
    "dispatched": _("Dispatched"),
    "responded": _("Responded to"),
    "handled": _("Handled"),
    "handled_on_time": _("Handled on time"),
    "closed": _("Closed"),
    "closed_on_time": _("Closed on time"),
    "returned": _("Returned"),
    "escalated": _("Escalated"),
    "extended": _("Extended"),
    "reworked": _("Reworked"),
    "shelved": _("Shelved"),
    "voided": _("Voided"),
    "rated_satisfied": _("Rated satisfied"),
    "rated_basically_satisfied": _("Rated basically satisfied"),
    "rated_unsatisfied": _("Rated unsatisfied"),
    "rated": _("Rated"),
    "summoned": _("Summoned"),
    "summons_on_time": _("Summons answered on time"),
    "finished": _("Finished (closed or declined)"),
    "overdue": _("Overdue now"),
}


def _after_outer() -> Q:
    return Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))


def _next_kind(action: str) -> Subquery:
    """For a respond or close step: "back" when the first later step that is either another of its
    kind or one that takes it back takes it back, "same" or NULL when the step stands."""
    killer = TAKEN_BACK_BY[action]
    later = (
        CaseStep.objects.filter(_after_outer(), case_id=OuterRef("case_id"))
        .filter(Q(action=action) | killer)
        .annotate(kind=Choice(When(killer, then=Value("back")), default=Value("same")))
        .order_by("at", "pk")
        .values("kind")[:1]
    )
    return Subquery(later)


def steps_behind(
    metric: str, scope: Scope, period: Period, category: Any = None
) -> QuerySet[CaseStep]:
    """The timeline rows that count in `metric` for the scope, period and category."""
    if metric not in STEPS:
        raise KeyError(metric)
    lo, hi = period.bounds()
    qs = CaseStep.objects.filter(STEPS[metric], scope.step_q(), at__gte=lo, at__lt=hi)
    ids = category_ids(category)
    if ids is not None:
        qs = qs.filter(case__category_id__in=ids)
    counted = "respond" if metric in ("handled", "handled_on_time") else None
    if metric.startswith("close") or metric == "finished":
        counted = "close"
    if metric in BUCKET_RANGES:
        lower, bound = BUCKET_RANGES[metric]
        qs = qs.annotate(took=ExpressionWrapper(F("at") - F("case__reported_at"), DurationField()))
        if lower:
            qs = qs.filter(took__gte=dt.timedelta(seconds=lower + 1))
        if bound is not None:
            qs = qs.filter(took__lt=dt.timedelta(seconds=bound + 1))
    if counted is not None:
        stands = Q(next_kind__isnull=True) | Q(next_kind="same")
        qs = qs.annotate(next_kind=_next_kind(counted)).filter(stands | ~Q(action=counted))
    return qs


def cases_behind(
    user: Viewer, metric: str, scope: Scope, period: Period, category: Any = None
) -> QuerySet[Case]:
    """The cases behind a figure, as far as `user` may see them (the same scoped list as the
    case pages)."""
    visible = visible_cases(user)
    if metric == "overdue":
        return visible.filter(pk__in=overdue_cases(scope, category).values("pk"))
    steps = steps_behind(metric, scope, period, category)
    return visible.filter(pk__in=steps.values("case_id"))
