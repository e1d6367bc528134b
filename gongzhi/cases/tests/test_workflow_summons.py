"""街道吹哨、部门报到: the street summons departments with a check-in deadline; each checks in and
reports what it did; lateness is recorded and counted; only the summoned department answers."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries
from gongzhi.cases.models import Status, SummonsDuty
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    FakeNow,
    OtherDepartment,
    at,
    counter_totals,
    move,
    new_staff,
    report_in,
    snapshot,
    told,
)
from gongzhi.conftest import DISTRICT, Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import OrgKind
from gongzhi.people.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_two_departments_are_summoned_one_checks_in_on_time_and_one_late(
    cast: Cast, now: FakeNow, other_department: OtherDepartment
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    summons = actions.summon(
        cast.street_staff,
        case.pk,
        departments=[cast.department, other_department.department],
        hours=2,
        note="塌陷涉及管线，请两部门到场",
    )
    assert summons.due_at == at(2026, 9, 28, 12, 0)
    for staff in (cast.department_staff, other_department.staff):
        assert told(staff, "Summons: check in to case %(number)s", number=case.number)
        # A summoned department sees the case although it does not hold it.
        assert queries.visible_cases(staff).filter(pk=case.pk).exists()
    duty = SummonsDuty.objects.get(summons=summons, department=cast.department)
    late_duty = SummonsDuty.objects.get(summons=summons, department=other_department.department)

    now.set(at(2026, 9, 28, 11, 0))
    duty = actions.report_for_duty(cast.department_staff, duty.pk)
    assert (duty.checked_in_at, duty.checked_in_by, duty.is_late) == (
        at(2026, 9, 28, 11, 0),
        cast.department_staff,
        False,
    )
    now.set(at(2026, 9, 28, 13, 15))
    late_duty = actions.report_for_duty(other_department.staff, late_duty.pk, report="已派人到场")
    assert late_duty.is_late is True
    assert late_duty.report == "已派人到场" and late_duty.reported_at == at(2026, 9, 28, 13, 15)
    # The one on time reports what it did later; checking in again is refused.
    duty = actions.report_for_duty(cast.department_staff, duty.pk, report="已封闭现场")
    assert duty.report == "已封闭现场" and duty.is_late is False
    with pytest.raises(Conflict):
        actions.report_for_duty(cast.department_staff, duty.pk)

    steps = [(s.action, s.on_time) for s in case.steps.exclude(action__in=["report", "confirm"])]
    assert steps == [
        ("register", None),
        ("summon", None),
        ("report_for_duty", True),
        ("report_for_duty", False),
        ("duty_report", None),
        ("duty_report", None),
    ]
    totals = counter_totals()
    assert (totals["summoned"], totals["summons_on_time"]) == (2, 1)
    assert case.status == Status.REGISTERED


def test_a_department_that_was_not_summoned_cannot_answer(
    cast: Cast, now: FakeNow, other_department: OtherDepartment
) -> None:
    case = move(cast, report_in(cast.resident, cast.grid).case, Status.REGISTERED)
    summons = actions.summon(cast.command_centre, case.pk, departments=[cast.department], hours=4)
    duty = summons.duties.get()
    third = create_organisation(None, "双滦区水务局", OrgKind.DEPARTMENT, DISTRICT)
    third_staff = new_staff("shuiwu_staff", Role.DEPARTMENT_STAFF, DISTRICT, organisation=third)
    before = snapshot(case.pk)
    for who in (third_staff, other_department.staff, cast.street_staff, cast.anonymous):
        with pytest.raises(NotAllowed):
            actions.report_for_duty(who, duty.pk, report="我们来了")
    assert snapshot(case.pk) == before
    assert SummonsDuty.objects.get(pk=duty.pk).checked_in_at is None


def test_only_a_supervisor_summons_and_only_departments_within_72_hours(
    cast: Cast, now: FakeNow
) -> None:
    case = move(cast, report_in(cast.resident, cast.grid).case, Status.REGISTERED)
    office = create_organisation(None, "元宝山街道办事处", OrgKind.STREET_OFFICE, "130803001")
    before = snapshot(case.pk)
    for who in (cast.community_secretary, cast.grid_worker, cast.department_staff):
        with pytest.raises(NotAllowed):
            actions.summon(who, case.pk, departments=[cast.department], hours=2)
    for departments, hours in (([], 2), ([cast.department], 0), ([cast.department], 73)):
        with pytest.raises(ActionError):
            actions.summon(cast.street_staff, case.pk, departments=departments, hours=hours)
    with pytest.raises(ActionError) as refused:
        actions.summon(cast.street_staff, case.pk, departments=[office], hours=2)
    assert refused.value.field == "departments"
    assert snapshot(case.pk) == before


def test_a_department_still_to_check_in_is_not_summoned_again(
    cast: Cast, now: FakeNow, other_department: OtherDepartment
) -> None:
    case = move(cast, report_in(cast.resident, cast.grid).case, Status.REGISTERED)
    # Named twice in one summons, it is summoned once.
    summons = actions.summon(
        cast.street_staff, case.pk, departments=[cast.department, cast.department], hours=2
    )
    assert summons.duties.count() == 1
    before = snapshot(case.pk)
    with pytest.raises(Conflict) as refused:
        actions.summon(
            cast.command_centre,
            case.pk,
            departments=[other_department.department, cast.department],
            hours=4,
        )
    assert refused.value.field == "departments"
    assert cast.department.name in str(refused.value.message)
    assert snapshot(case.pk) == before
    # Once it has checked in, a new summons may call it again.
    actions.report_for_duty(cast.department_staff, summons.duties.get().pk)
    again = actions.summon(
        cast.command_centre,
        case.pk,
        departments=[other_department.department, cast.department],
        hours=4,
    )
    assert again.duties.count() == 2
    # And one whose time ran out without checking in may be summoned once more.
    now.advance(hours=5)
    third = actions.summon(cast.street_staff, case.pk, departments=[cast.department], hours=1)
    assert third.duties.get().department == cast.department
