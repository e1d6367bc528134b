"""GET requests and GET servicerequestupdates: the filters, their defaults and limits, and paging.

- `service_request_id` (a comma list) overrides every other filter.
- `service_code` (comma list), `status` (open, closed; comma list).
- `start_date`/`end_date` on the requested time, at most 90 days apart; one alone spans 90 days
  from (or to) it; neither: the last 90 days — unless `updated_after`/`updated_before` (on the
  last-modified time) are given, which then replace that default window.
- At most 1,000 requests: `page_size` (1–1,000, default 1,000) and `page` (from 1) walk further.
- An empty parameter is the same as an absent one; `jurisdiction_id` is accepted and ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import labels
from gongzhi.cases.models import OPEN_STATUSES, Case, CaseStep

from . import services, timeline
from .formats import Open311Error, parse_datetime
from .intake import param
from .models import ApiKey
from .serialisers import cases_for

MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)


@dataclass(frozen=True)
class Window:
    start: dt.datetime | None
    end: dt.datetime | None


def date_window(form: Any, *, default: bool = True) -> Window:
    start_text, end_text = param(form, "start_date"), param(form, "end_date")
    start = parse_datetime(start_text, "start_date") if start_text else None
    end = parse_datetime(end_text, "end_date") if end_text else None
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if end - start > MAX_SPAN:
            raise Open311Error(
                400, _("start_date and end_date may not be more than 90 days apart.")
            )
        return Window(start, end)
    if start:
        return Window(start, start + MAX_SPAN)
    if end:
        return Window(end - MAX_SPAN, end)
    if default:
        return Window(timezone.now() - MAX_SPAN, None)
    return Window(None, None)


def page_slice(form: Any) -> slice:
    def number(name: str, default: int, top: int | None) -> int:
        text = param(form, name)
        if not text:
            return default
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1 or (top is not None and value > top):
            limit = f"1–{top}" if top else _("1 or more")
            raise Open311Error(
                400,
                _("%(name)s must be a whole number, %(limit)s.") % {"name": name, "limit": limit},
            )
        return value

    size = number("page_size", MAX_REQUESTS, MAX_REQUESTS)
    page = number("page", 1, None)
    return slice((page - 1) * size, page * size)


def _comma_list(form: Any, name: str) -> list[str]:
    return [v.strip() for v in param(form, name).split(",") if v.strip()]


def _service_filter(codes: list[str]) -> Q:
    q = Q(pk__in=[])
    for code in codes:
        match = services.CODE_SHAPE.match(code.upper())
        if match is None:
            raise Open311Error(
                400, _("service_code %(code)s is not a service code.") % {"code": code}
            )
        q |= Q(category__kind=services.LETTER_KIND[match[1]], category__code=match[2])
    return q


def _status_filter(values: list[str]) -> Q | None:
    wanted = {v.lower() for v in values}
    unknown = wanted - {"open", "closed"}
    if unknown:
        raise Open311Error(
            400,
            _("status must be open or closed, not %(value)s.")
            % {"value": ", ".join(sorted(unknown))},
        )
    if wanted == {"open"}:
        return Q(status__in=OPEN_STATUSES)
    if wanted == {"closed"}:
        return ~Q(status__in=OPEN_STATUSES)
    return None


def find_requests(form: Any, key: ApiKey | None) -> list[Case]:
    cases = cases_for(key).select_related("category", "assigned_unit", "duplicate_of", "reporter")
    numbers = _comma_list(form, "service_request_id")
    if numbers:
        if len(numbers) > MAX_REQUESTS:
            raise Open311Error(
                400, _("At most %(n)d service_request_id at a time.") % {"n": MAX_REQUESTS}
            )
        cases = cases.filter(number__in=numbers)
    else:
        cases = _filtered(form, cases)
    return list(cases.order_by("-reported_at", "-pk")[page_slice(form)])


def _filtered(form: Any, cases: QuerySet[Case]) -> QuerySet[Case]:
    codes = _comma_list(form, "service_code")
    if codes:
        cases = cases.filter(_service_filter(codes))
    status = _status_filter(_comma_list(form, "status"))
    if status is not None:
        cases = cases.filter(status)
    after_text, before_text = param(form, "updated_after"), param(form, "updated_before")
    if after_text:
        cases = cases.filter(updated_at__gte=parse_datetime(after_text, "updated_after"))
    if before_text:
        cases = cases.filter(updated_at__lte=parse_datetime(before_text, "updated_before"))
    window = date_window(form, default=not (after_text or before_text))
    if window.start:
        cases = cases.filter(reported_at__gte=window.start)
    if window.end:
        cases = cases.filter(reported_at__lte=window.end)
    return cases


def find_updates(form: Any, key: ApiKey | None) -> list[dict[str, Any]]:
    """The status updates (the state-changing steps of the timeline) of the cases the caller may
    list, in the window, oldest first."""
    steps = CaseStep.objects.filter(
        case__in=cases_for(key), action__in=timeline.STATE_STEPS
    ).select_related("case__reporter")
    numbers = _comma_list(form, "service_request_id")
    if numbers:
        steps = steps.filter(case__number__in=numbers[:MAX_REQUESTS])
    window = date_window(form)
    if window.start:
        steps = steps.filter(at__gte=window.start)
    if window.end:
        steps = steps.filter(at__lte=window.end)
    page = list(steps.order_by("at", "id")[page_slice(form)])
    last_close = dict(
        CaseStep.objects.filter(case_id__in={s.case_id for s in page}, action="close")
        .values("case_id")
        .annotate(last=Max("id"))
        .values_list("case_id", "last")
    )
    return [update_entry(s, last_close.get(s.case_id)) for s in page]


def update_entry(step: CaseStep, last_close_id: int | None) -> dict[str, Any]:
    summary = str(labels.PUBLIC_STEP.get(step.action, step.action))
    reporter = step.case.reporter
    names = [reporter.full_name] if reporter is not None else []
    text = timeline.step_text(step, step.case, last_close_id, names)
    return {
        "update_id": str(step.pk),
        "service_request_id": step.case.number,
        "status": timeline.step_state(step.action, step.to_status, step.data),
        "updated_datetime": step.at,
        "description": f"{summary}：{text}" if text else summary,
        "media_url": None,
    }
