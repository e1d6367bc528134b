"""Drill-down: for every counted metric, the timeline rows the list is built from are exactly as
many as the counter says, over a month of varied cases (returns, escalation, extension, rework,
unsatisfied ratings, shelving, voiding, summonses); and the list page shows those cases, scoped."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.cases import actions
from gongzhi.cases.models import SummonsDuty, Tier
from gongzhi.conftest import DISTRICT, YUXIANGYUAN, Cast
from gongzhi.insights.drilldown import STEPS, steps_behind
from gongzhi.insights.indicators import Period, Scope, totals
from gongzhi.people.models import User

from .conftest import URLS, Clock, ask, close, handle, report_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
SEPTEMBER = "2026-09-14"  # the month the clock runs in


@pytest.fixture
def month_of_cases(cast: Cast, categories: None, clock: Clock) -> None:
    a = report_in(cast, text="电梯坏了")  # handled, closed, satisfied
    handle(cast, a)
    clock.advance(hours=3)
    close(cast, a)
    actions.rate(cast.resident, a.pk, rating="satisfied")

    b = report_in(cast, text="楼道堆物")  # fails verification, reworked, closed, unsatisfied
    handle(cast, b)
    actions.verify(cast.community_worker, b.pk, passed=False, note="还没清完")
    clock.advance(hours=1)
    actions.respond(cast.community_worker, b.pk, note="清完了")
    close(cast, b)
    clock.advance(days=1)
    actions.rate(cast.resident, b.pk, rating="unsatisfied", comment="又堆上了")

    c = report_in(
        cast, name="基础设施损毁", text="路面塌陷"
    )  # to a department: returned, escalated
    actions.confirm(cast.grid_worker, c.pk)
    actions.register(cast.community_worker, c.pk)
    actions.dispatch(cast.street_staff, c.pk, tier=Tier.STREET, unit=cast.department)
    actions.return_case(cast.department_staff, c.pk, reason="不归我们管")
    actions.dispatch(cast.street_staff, c.pk, tier=Tier.STREET, unit=cast.department)
    actions.accept(cast.department_staff, c.pk)
    actions.request_extension(cast.department_staff, c.pk, days=3, reason="需要采购材料")
    actions.decide_extension(cast.street_staff, c.pk, approve=True)
    summons = actions.summon(cast.street_staff, c.pk, departments=[cast.department], hours=4)
    duty = SummonsDuty.objects.get(summons=summons)
    clock.advance(hours=1)
    actions.report_for_duty(cast.department_staff, duty.pk)
    clock.advance(days=10)  # late: handled after its deadline
    actions.respond(cast.department_staff, c.pk, note="已修复")

    d = report_in(cast, text="重复的电梯报告")  # voided as a duplicate of a
    actions.void(cast.grid_worker, d.pk, reason="重复")
    e = report_in(cast, text="不是真的")  # declined
    actions.decline(cast.grid_worker, e.pk, reason="不属实")
    f = report_in(cast, cast.other_community_grid, text="别处的事")  # shelved, in another community
    actions.confirm(cast.other_community_worker, f.pk)
    actions.register(cast.other_community_worker, f.pk)
    actions.shelve(cast.street_staff, f.pk, reason="暂不具备条件")


COUNTED_BY_STEP = [m for m in STEPS if m not in ("summoned", "rated", "finished", "close_seconds")]


@pytest.mark.parametrize("scope", [DISTRICT, YUXIANGYUAN])
def test_each_metric_lists_as_many_steps_as_it_counts(
    month_of_cases: None, clock: Clock, scope: str
) -> None:
    month = Period.of("month", clock.moment.date())
    where = Scope.place(scope)
    t = totals(where, month)
    assert t["closed"] == 1 and t["reworked"] == 2 and t["returned"] == 1
    for metric in COUNTED_BY_STEP:
        assert steps_behind(metric, where, month).count() == t[metric], metric
    finished = steps_behind("finished", where, month).count()
    assert finished == t["closed"] + t["declined"]


def test_a_department_unit_lists_what_it_counts(
    month_of_cases: None, clock: Clock, cast: Cast
) -> None:
    month = Period.of("month", clock.moment.date())
    unit = Scope.unit(f"org:{cast.department.pk}")
    t = totals(unit, month)
    assert t["dispatched"] == 2 and t["returned"] == 1 and t["extended"] == 1
    assert t["handled"] == 1 and t["handled_on_time"] == 0
    for metric in COUNTED_BY_STEP:
        assert steps_behind(metric, unit, month).count() == t[metric], metric


def test_the_list_page_shows_the_cases_and_only_visible_ones(
    month_of_cases: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    client = client_as(cast.community_worker)
    page = ask(client, "cases", metric="reported", date=SEPTEMBER)
    assert page.status_code == 200
    assert page.context["total"] == 5  # the sixth report is in another community
    closed = ask(client, "cases", metric="closed", date=SEPTEMBER)
    numbers = [row[0] for row in closed.context["table"].rows]
    assert len(numbers) == 1
    assert closed.context["table"].links[0].startswith("/cases/")
    district = ask(client_as(cast.command_centre), "cases", metric="reported", date=SEPTEMBER)
    assert district.context["total"] == 6
    assert ask(client, "cases", metric="nonsense").status_code == 400
