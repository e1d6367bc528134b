"""A case goes the whole way: report → confirm → register → dispatch → accept → respond → verify
→ close → rate, by the people who hold it at each step."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Category, Status, Tier
from gongzhi.conftest import Cast
from gongzhi.insights.models import CaseCounter

pytestmark = pytest.mark.django_db


def test_a_case_goes_the_whole_way(cast: Cast) -> None:
    actions.load_default_categories()
    assert cast.grid.boundary is not None
    point = shape(cast.grid.boundary).representative_point()
    category = Category.objects.get(name="物业纠纷")
    result = actions.report(
        cast.resident,
        category=category,
        description="小区电梯坏了三天没人修",
        lat=point.y,
        lng=point.x,
    )
    case = result.case
    assert case.status == Status.REPORTED and case.grid_code == cast.grid.code
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    case = actions.dispatch(
        cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department, note="请处理"
    )
    assert case.status == Status.DISPATCHED
    actions.accept(cast.department_staff, case.pk)
    actions.respond(cast.department_staff, case.pk, note="已修好")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    case = actions.close(cast.community_worker, case.pk, public_answer="电梯已修复")
    assert case.status == Status.CLOSED
    case = actions.rate(cast.resident, case.pk, rating="satisfied")
    assert case.rating == "satisfied"
    totals = {
        m: sum(getattr(c, m) for c in CaseCounter.objects.all())
        for m in (
            "reported",
            "valid",
            "registered",
            "dispatched",
            "responded",
            "handled",
            "closed",
            "rated_satisfied",
        )
    }
    assert totals == dict.fromkeys(totals, 1)
    assert [s.action for s in case.steps.all()] == [
        "report",
        "confirm",
        "register",
        "dispatch",
        "accept",
        "respond",
        "verify",
        "close",
        "rate",
    ]


def test_counters_rebuilt_from_the_timeline_agree_and_tampering_is_found(cast: Cast) -> None:
    from django.core.management import CommandError, call_command

    actions.load_default_categories()
    assert cast.grid.boundary is not None
    point = shape(cast.grid.boundary).representative_point()
    category = Category.objects.get(name="噪音扰民")
    first = actions.report(
        cast.resident, category=category, description="楼下夜里施工很吵", lat=point.y, lng=point.x
    )
    actions.confirm(cast.grid_worker, first.case.pk)
    actions.register(cast.grid_worker, first.case.pk)
    actions.dispatch(cast.community_worker, first.case.pk, tier=Tier.COMMUNITY)
    actions.escalate(cast.community_worker, first.case.pk, reason="需要街道协调")
    actions.dispatch(cast.street_staff, first.case.pk, tier=Tier.STREET, unit=cast.department)
    actions.respond(cast.department_staff, first.case.pk, note="已责令停工")
    actions.verify(cast.grid_worker, first.case.pk, passed=True)
    actions.close(cast.community_worker, first.case.pk)
    actions.rate(cast.resident, first.case.pk, rating="unsatisfied", comment="还在吵")
    second = actions.report(
        cast.resident, category=category, description="另一处噪音", lat=point.y, lng=point.x
    )
    actions.decline(cast.grid_worker, second.case.pk, reason="不属实")

    call_command("rebuild_counters")  # agrees: no error
    row = CaseCounter.objects.filter(closed__gt=0).first() or CaseCounter.objects.first()
    assert row is not None
    CaseCounter.objects.filter(pk=row.pk).update(reported=row.reported + 5)
    with pytest.raises(CommandError, match="disagree"):
        call_command("rebuild_counters")
    call_command("rebuild_counters", "--write")
    call_command("rebuild_counters")
