"""Residents' pages: my reports with their progress, and the public echo wall."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import page_view

from .. import queries, workflow
from ..forms import (
    RateForm,
)
from ..models import (
    Case,
    Rating,
    Status,
)
from .common import (
    _community_names,
    _page,
)

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
