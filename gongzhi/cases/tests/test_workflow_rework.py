"""返工: a failed on-site verification, or an unsatisfied rating, sends the case back to the same
handler with a fresh handling deadline; the reworks are counted, and a closure that no longer
stands is taken back from the day it was counted."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    FakeNow,
    at,
    counter_totals,
    move,
    nonzero,
    report_in,
    snapshot,
    told,
)
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError
from gongzhi.insights.models import CaseCounter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def responded_case(cast: Cast) -> Case:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    return move(cast, case, Status.RESPONDED)


def test_a_failed_verification_sends_the_case_back_to_its_handler(cast: Cast, now: FakeNow) -> None:
    case = responded_case(cast)
    now.set(at(2026, 10, 9, 14, 0))
    what = "栏杆只换了一半，另一半仍然损坏"
    case = actions.verify(cast.grid_worker, case.pk, passed=False, note=what)

    assert case.status == Status.HANDLING and case.rework_count == 1
    assert case.assigned_unit_id == cast.department.pk
    # A fresh 5 working days from Friday 10-09 14:00: 10-10 (make-up), 10-12, 10-13, 10-14, 10-15.
    assert case.handle_due_at == at(2026, 10, 15, 14, 0) == case.step_due_at
    assert told(cast.department_staff, "Case %(number)s failed verification", number=case.number)
    assert case in queries.inbox(cast.department_staff)
    assert workflow.may(cast.department_staff, "respond", case)
    step = case.steps.last()
    assert step is not None and (step.action, step.note, step.actor) == (
        "rework",
        what,
        cast.grid_worker,
    )
    totals = counter_totals()
    assert totals["reworked"] == 1
    # The handling that failed no longer counts as handled.
    assert (totals["handled"], totals["handled_on_time"]) == (0, 0)

    now.set(at(2026, 10, 12, 10, 0))
    actions.respond(cast.department_staff, case.pk, note="全部更换完毕")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.community_worker, case.pk, public_answer="已修复")
    totals = counter_totals()
    assert (totals["handled"], totals["handled_on_time"], totals["closed"]) == (1, 1, 1)
    assert totals["responded"] == 1  # the department responded to the dispatch once


def test_a_failed_verification_needs_to_say_what_is_still_wrong(cast: Cast, now: FakeNow) -> None:
    case = responded_case(cast)
    before = snapshot(case.pk)
    with pytest.raises(ActionError) as refused:
        actions.verify(cast.grid_worker, case.pk, passed=False, note="")
    assert refused.value.status == 400
    assert snapshot(case.pk) == before


def test_an_unsatisfied_rating_reopens_the_case_and_takes_back_the_closure_on_its_day(
    cast: Cast, now: FakeNow
) -> None:
    case = responded_case(cast)
    actions.verify(cast.grid_worker, case.pk, passed=True)
    closing_day = at(2026, 9, 29, 11, 0)
    now.set(closing_day)
    actions.close(cast.community_worker, case.pk, public_answer="已修复")
    assert CaseCounter.objects.get(day=dt.date(2026, 9, 29), closed=1).closed_on_time == 1

    now.set(at(2026, 10, 8, 9, 0))
    case = actions.rate(cast.resident, case.pk, rating="unsatisfied", comment="根本没修好")
    assert case.status == Status.HANDLING and case.rework_count == 1
    assert case.closed_at is None
    assert case.assigned_unit_id == cast.department.pk
    assert told(
        cast.department_staff,
        "Case %(number)s reopened: the resident is unsatisfied",
        number=case.number,
    )
    closing_row = CaseCounter.objects.get(day=dt.date(2026, 9, 29))
    assert (closing_row.closed, closing_row.closed_on_time) == (0, 0)
    rating_row = CaseCounter.objects.get(day=dt.date(2026, 10, 8))
    assert (rating_row.rated_unsatisfied, rating_row.reworked) == (1, 1)
    totals = counter_totals()
    assert (totals["closed"], totals["handled"], totals["reworked"]) == (0, 0, 1)

    # Handled, verified and closed again, the resident rates the result of the rework.
    now.set(at(2026, 10, 9, 9, 0))
    actions.respond(cast.department_staff, case.pk, note="重新修复")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.community_worker, case.pk, public_answer="已重新修复")
    assert workflow.may(cast.resident, "rate", case)
    case = actions.rate(cast.resident, case.pk, rating="satisfied")
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert [s.data.get("rating") for s in case.steps.filter(action="rate")] == [
        "unsatisfied",
        "satisfied",
    ]
    assert nonzero(counter_totals()) == {
        "reported": 1,
        "valid": 1,
        "registered": 1,
        "dispatched": 1,
        "responded": 1,
        "handled": 1,
        "handled_on_time": 1,
        "closed": 1,
        "closed_on_time": 1,
        "reworked": 1,
        "rated_unsatisfied": 1,
        "rated_satisfied": 1,
    }


def test_a_satisfied_rating_is_final(cast: Cast, now: FakeNow) -> None:
    case = move(cast, responded_case(cast), Status.CLOSED)
    actions.rate(cast.resident, case.pk, rating="satisfied")
    case = Case.objects.get(pk=case.pk)
    assert not workflow.may(cast.resident, "rate", case)
    assert case.status == Status.CLOSED and case.rework_count == 0
