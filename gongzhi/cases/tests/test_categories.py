"""Categories ship with a default set; their rules change only forward in time, by administrators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases.actions import (
    change_rule,
    clean_deadlines,
    load_default_categories,
    rule_in_force,
)
from gongzhi.cases.defaults import GENERAL
from gongzhi.cases.models import Category, CategoryRule, Kind, Tier
from gongzhi.conftest import Cast
from gongzhi.core.clock import Clock
from gongzhi.core.errors import ActionError, NotAllowed
from gongzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SEEDS_OWN = [
    "违法停车",
    "基础设施损毁",
    "环境卫生差",
    "噪音扰民",
    "物业纠纷",
    "旧房改造",
    "矛盾纠纷",
    "私搭乱建",
]


@pytest.fixture
def categories(cast: Cast) -> None:
    load_default_categories()


def test_the_default_set_has_the_seeds_categories_with_rules(categories: None) -> None:
    for name in SEEDS_OWN:
        category = Category.objects.get(name=name, kind=Kind.EVENT)
        rule = rule_in_force(category)
        assert rule.deadline("handle")[0] > 0
        assert rule.lowest_tier in Tier.values
    assert Category.objects.get(kind=Kind.EVENT, code="04").name == "街面秩序"
    manhole = Category.objects.select_related("parent").get(kind=Kind.COMPONENT, code="0101")
    assert manhole.parent is not None and manhole.parent.name == "公用设施"


def test_loading_the_defaults_twice_creates_nothing_new(categories: None) -> None:
    count, rules = Category.objects.count(), CategoryRule.objects.count()
    assert load_default_categories() == 0
    assert (Category.objects.count(), CategoryRule.objects.count()) == (count, rules)


def test_defaults_name_the_district_department_where_it_exists(categories: None) -> None:
    parking = rule_in_force(Category.objects.get(name="环境卫生差"))
    assert (
        parking.department is not None and parking.department.name == "双滦区城市管理综合行政执法局"
    )


def test_a_change_takes_effect_at_its_date_and_the_old_rule_stays_for_earlier_moments(
    cast: Cast, categories: None
) -> None:
    noise = Category.objects.get(name="噪音扰民")
    before = rule_in_force(noise)
    start = timezone.now() + dt.timedelta(days=3)
    deadlines = {**GENERAL, "handle": [3, "working_days"]}
    change_rule(
        cast.administrator,
        noise,
        effective_from=start,
        lowest_tier=Tier.GRID,
        deadlines=deadlines,
        note="夜间噪音投诉增多",
    )
    assert rule_in_force(noise) == before
    later = rule_in_force(noise, start + dt.timedelta(hours=1))
    assert later.deadline("handle") == (3.0, Clock.WORKING_DAYS)
    assert later.lowest_tier == Tier.GRID
    assert AuditEntry.objects.filter(action="cases.change_rule").count() == 1


def test_only_administrators_change_rules(cast: Cast, categories: None) -> None:
    noise = Category.objects.get(name="噪音扰民")
    for who in (cast.command_centre, cast.community_secretary, cast.anonymous):
        with pytest.raises(NotAllowed):
            change_rule(
                who, noise, effective_from=timezone.now(), lowest_tier=Tier.GRID, deadlines=GENERAL
            )


def test_a_change_cannot_rewrite_the_past(cast: Cast, categories: None) -> None:
    noise = Category.objects.get(name="噪音扰民")
    with pytest.raises(ActionError) as err:
        change_rule(
            cast.administrator,
            noise,
            effective_from=timezone.now() - dt.timedelta(days=1),
            lowest_tier=Tier.GRID,
            deadlines=GENERAL,
        )
    assert err.value.field == "effective_from"


@pytest.mark.parametrize(
    "bad",
    [
        {**GENERAL, "handle": [0, "working_days"]},
        {**GENERAL, "handle": [1.5, "working_days"]},
        {**GENERAL, "handle": [5, "moon_days"]},
        {k: v for k, v in GENERAL.items() if k != "verify"},
        "five days",
    ],
)
def test_malformed_deadlines_are_refused(bad: object) -> None:
    with pytest.raises(ActionError):
        clean_deadlines(bad)
