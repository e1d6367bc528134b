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
    point = shape(cast.grid.boundary).representative_point()
    category = Category.objects.get(name="物业纠纷")
    result = actions.report(
        cast.resident, category=category, description="小区电梯坏了三天没人修", lat=point.y, lng=point.x
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
        for m in ("reported", "valid", "registered", "dispatched", "responded", "handled", "closed", "rated_satisfied")
    }
    assert totals == dict.fromkeys(totals, 1)
    assert [s.action for s in case.steps.all()] == [
        "report", "confirm", "register", "dispatch", "accept", "respond", "verify", "close", "rate"
    ]
