"""上报上级: 小事不出网格、大事不出社区 — a case goes up one tier at a time, and a matter beyond a tier
cannot be kept there."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Case, Status, Tier
from gongzhi.cases.tests.conftest import (
    STREET_CATEGORY,
    counter_totals,
    move,
    report_in,
    snapshot,
    told,
)
from gongzhi.conftest import DISTRICT, STREET, YUXIANGYUAN, Cast
from gongzhi.core.errors import ActionError, Conflict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_a_case_goes_up_from_grid_to_community_to_street_to_command_centre(cast: Cast) -> None:
    case = move(cast, report_in(cast.resident, cast.grid).case, Status.REGISTERED)
    climb = [
        (cast.grid_worker, Tier.COMMUNITY, YUXIANGYUAN, cast.community_worker),
        (cast.community_worker, Tier.STREET, STREET, cast.street_staff),
        (cast.street_staff, Tier.COMMAND_CENTRE, DISTRICT, cast.command_centre),
    ]
    for who, tier, scope, next_holder in climb:
        assert workflow.may(who, "escalate", case)
        case = actions.escalate(who, case.pk, reason=f"{tier} 处理")
        assert (case.status, case.tier, case.assigned_scope) == (Status.REGISTERED, tier, scope)
        # The tier below lets go; the next one has it in its inbox and is told.
        assert not workflow.may(who, "dispatch", case)
        assert workflow.may(next_holder, "dispatch", case)
        assert case in queries.inbox(next_holder)
        assert case not in queries.inbox(who)
        assert told(next_holder, "Case %(number)s was reported up to you", number=case.number)
    assert [s.data["tier"] for s in case.steps.filter(action="escalate")] == [
        Tier.COMMUNITY,
        Tier.STREET,
        Tier.COMMAND_CENTRE,
    ]
    assert counter_totals()["escalated"] == 3
    assert counter_totals(unit=f"grid:{cast.grid.code}")["escalated"] == 1
    assert counter_totals(unit=f"community:{YUXIANGYUAN}")["escalated"] == 1
    assert counter_totals(unit=f"street:{STREET}")["escalated"] == 1

    # There is nothing above the command centre.
    assert not workflow.may(cast.command_centre, "escalate", case)
    before = snapshot(case.pk)
    with pytest.raises(Conflict):
        actions.escalate(cast.command_centre, case.pk, reason="再上报")
    assert snapshot(case.pk) == before


def test_a_handler_can_send_a_case_up_while_handling_it(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    actions.request_extension(cast.department_staff, case.pk, days=2, reason="等材料")
    case = actions.escalate(cast.department_staff, case.pk, reason="需多部门联合处置")
    assert (case.status, case.tier, case.assigned_unit_id, case.pending_extension) == (
        Status.REGISTERED,
        Tier.COMMAND_CENTRE,
        None,
        None,
    )
    assert not workflow.may(cast.department_staff, "respond", case)


def test_a_street_matter_cannot_be_dispatched_to_the_grid_or_the_community(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.REGISTERED)
    before = snapshot(case.pk)
    for who, tier in (
        (cast.grid_worker, Tier.GRID),
        (cast.community_worker, Tier.GRID),
        (cast.community_worker, Tier.COMMUNITY),
    ):
        with pytest.raises(ActionError) as refused:
            actions.dispatch(who, case.pk, tier=tier)
        assert refused.value.status == 400 and refused.value.field == "tier"
        assert STREET_CATEGORY in refused.value.message
    assert snapshot(case.pk) == before
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_a_lower_tier_cannot_dispatch_above_itself_but_must_escalate(cast: Cast) -> None:
    case = move(cast, report_in(cast.resident, cast.grid).case, Status.REGISTERED)
    before = snapshot(case.pk)
    with pytest.raises(ActionError) as refused:
        actions.dispatch(cast.grid_worker, case.pk, tier=Tier.STREET)
    assert refused.value.field == "tier"
    assert snapshot(case.pk) == before
