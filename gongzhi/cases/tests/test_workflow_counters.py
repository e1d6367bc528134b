"""Counter rows: after a mixed set of cases, the sums of each column — per grid, per handling unit,
per day — are what happened, so that every indicator is a sum or a ratio of them."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Tier
from gongzhi.cases.tests.conftest import (
    COMMUNITY_CATEGORY,
    GRID_CATEGORY,
    STREET_CATEGORY,
    FakeNow,
    OtherDepartment,
    at,
    category,
    counter_totals,
    nonzero,
    report_in,
)
from gongzhi.conftest import YUXIANGYUAN, Cast
from gongzhi.insights.counters import bump
from gongzhi.insights.models import CaseCounter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_the_counter_sums_match_a_mixed_day_of_cases(
    cast: Cast, now: FakeNow, other_department: OtherDepartment
) -> None:
    grid_a, grid_b = cast.grid, cast.other_grid
    dept = cast.department

    # 1. Settled in grid A, on time, rated satisfied.
    one = report_in(cast.resident, grid_a, category_name=GRID_CATEGORY, description="垃圾堆放").case
    actions.confirm(cast.grid_worker, one.pk)
    actions.register(cast.grid_worker, one.pk)
    actions.dispatch(cast.grid_worker, one.pk, tier=Tier.GRID)
    actions.accept(cast.grid_worker, one.pk)
    actions.respond(cast.grid_worker, one.pk, note="已清运")
    actions.verify(cast.grid_worker, one.pk, passed=True)
    actions.close(cast.grid_worker, one.pk, public_answer="已清运")
    actions.rate(cast.resident, one.pk, rating="satisfied")

    # 2. Declined in grid A.
    two = report_in(cast.resident, grid_a, category_name=STREET_CATEGORY, description="路灯").case
    actions.decline(cast.grid_worker, two.pk, reason="不属实")

    # 3. Grid B, to the department: returned, dispatched again, extended, reworked after a failed
    #    verification, closed, then rated unsatisfied (reworked again, the closure taken back).
    three = report_in(cast.resident, grid_b, category_name=STREET_CATEGORY, description="栏杆").case
    actions.confirm(cast.other_grid_worker, three.pk)
    actions.register(cast.other_grid_worker, three.pk)
    actions.dispatch(cast.community_worker, three.pk, tier=Tier.STREET, unit=dept)
    actions.return_case(cast.department_staff, three.pk, reason="信息不全")
    actions.dispatch(cast.community_worker, three.pk, tier=Tier.STREET, unit=dept)
    actions.accept(cast.department_staff, three.pk)
    actions.request_extension(cast.department_staff, three.pk, days=2, reason="等配件")
    actions.decide_extension(cast.street_staff, three.pk, approve=True)
    actions.respond(cast.department_staff, three.pk, note="已修")
    actions.verify(cast.other_grid_worker, three.pk, passed=False, note="没修好")
    actions.respond(cast.department_staff, three.pk, note="又修了")
    actions.verify(cast.other_grid_worker, three.pk, passed=True)
    actions.close(cast.community_worker, three.pk, public_answer="已修复")
    actions.rate(cast.resident, three.pk, rating="unsatisfied")

    # 4. Grid B, a community matter sent up by the grid and shelved by the street.
    four = report_in(cast.resident, grid_b, category_name=COMMUNITY_CATEGORY).case
    actions.confirm(cast.other_grid_worker, four.pk)
    actions.register(cast.other_grid_worker, four.pk)
    actions.escalate(cast.other_grid_worker, four.pk, reason="物业不配合")
    actions.shelve(cast.street_staff, four.pk, reason="待业委会成立")

    # 5. Grid A, a duplicate of case 6, voided into it. 6. Grid A, summons to two departments,
    #    one checking in on time and one late; then handled late by the department.
    six = report_in(cast.resident, grid_a, category_name=STREET_CATEGORY, description="井盖").case
    five = report_in(cast.other_resident, grid_a, category_name=STREET_CATEGORY).case
    actions.void(cast.grid_worker, five.pk, duplicate_of=six.pk)
    actions.confirm(cast.grid_worker, six.pk)
    actions.register(cast.grid_worker, six.pk)
    summons = actions.summon(
        cast.street_staff, six.pk, departments=[dept, other_department.department], hours=1
    )
    on_time = summons.duties.get(department=dept)
    late = summons.duties.get(department=other_department.department)
    actions.report_for_duty(cast.department_staff, on_time.pk)
    now.advance(hours=2)
    actions.report_for_duty(other_department.staff, late.pk)
    actions.dispatch(cast.street_staff, six.pk, tier=Tier.STREET, unit=dept)
    now.set(at(2026, 10, 20, 9, 0))  # past its 5 working days
    actions.respond(cast.department_staff, six.pk, note="已补装")

    grid_a_totals = nonzero(counter_totals(grid_code=grid_a.code))
    assert grid_a_totals == {
        "reported": 4,
        "valid": 2,
        "declined": 1,
        "registered": 2,
        "dispatched": 2,
        "responded": 2,
        "handled": 2,
        "handled_on_time": 1,
        "closed": 1,
        "closed_on_time": 1,
        "voided": 1,
        "rated_satisfied": 1,
        "summoned": 2,
        "summons_on_time": 1,
    }
    assert nonzero(counter_totals(grid_code=grid_b.code)) == {
        "reported": 2,
        "valid": 2,
        "registered": 2,
        "dispatched": 2,
        "responded": 1,
        "returned": 1,
        "escalated": 1,
        "extended": 1,
        "reworked": 2,
        "shelved": 1,
        "rated_unsatisfied": 1,
    }

    # Per handling unit.
    assert nonzero(counter_totals(unit=f"org:{dept.pk}")) == {
        "dispatched": 3,
        "responded": 2,
        "handled": 1,
        "returned": 1,
        "extended": 1,
        "reworked": 2,
        "rated_unsatisfied": 1,
    }
    assert nonzero(counter_totals(unit=f"grid:{grid_a.code}")) == {
        "reported": 4,
        "valid": 2,
        "declined": 1,
        "registered": 2,
        "dispatched": 1,
        "responded": 1,
        "handled": 1,
        "handled_on_time": 1,
        "closed": 1,
        "closed_on_time": 1,
        "voided": 1,
        "rated_satisfied": 1,
        "summoned": 2,
        "summons_on_time": 1,
    }
    assert nonzero(counter_totals(unit=f"community:{YUXIANGYUAN}")) == {"shelved": 1}
    assert nonzero(counter_totals(unit=f"grid:{grid_b.code}")) == {
        "reported": 2,
        "valid": 2,
        "registered": 2,
        "escalated": 1,
    }
    # Per category, and per day: the late response (straight from dispatch, so it is also the
    # department's response to the dispatch) is counted on the day it was made.
    assert counter_totals(category_id=category(STREET_CATEGORY).pk)["reported"] == 4
    assert nonzero(counter_totals(day=dt.date(2026, 10, 20))) == {"responded": 1, "handled": 1}
    assert not CaseCounter.objects.filter(day__gt=dt.date(2026, 10, 20)).exists()
    # No column anywhere went below zero.
    totals = counter_totals()
    assert all(v >= 0 for v in totals.values())


def test_bump_adds_to_one_row_per_day_grid_category_and_unit(cast: Cast) -> None:
    day = dt.date(2026, 9, 28)
    bump(day, cast.grid.code, 1, "grid:x", reported=1)
    bump(day, cast.grid.code, 1, "grid:x", reported=1, valid=1)
    bump(day, cast.grid.code, 1, "grid:y", reported=1)
    row = CaseCounter.objects.get(unit="grid:x")
    assert (row.reported, row.valid, row.closed) == (2, 1, 0)
    assert CaseCounter.objects.count() == 2
    with pytest.raises(ValueError, match="unknown counters"):
        bump(day, cast.grid.code, 1, "grid:x", bogus=1)
