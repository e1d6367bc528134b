"""The back office lists categories, rules, cases, summonses and errands; cases are read-only there;
a category's new rules are added from a date through the action, never by editing the old ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.cases.models import Category, CategoryRule
from gongzhi.conftest import Cast

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def test_the_back_office_lists_the_case_models(cast: Cast, categories: None) -> None:
    lat, lng = inside(cast.grid)
    case = actions.report(
        cast.resident, category=minor("噪音扰民"), description="噪音", lat=lat, lng=lng
    ).case
    client = signed_in(cast.administrator)
    for url in (
        "/admin/cases/category/?q=噪音",
        "/admin/cases/categoryrule/",
        "/admin/cases/case/?status__exact=reported",
        "/admin/cases/summons/",
        "/admin/cases/errand/",
        f"/admin/cases/case/{case.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # shown, not edited
    assert client.get("/admin/cases/case/add/").status_code == 403


def test_new_rules_take_effect_from_a_date_and_leave_the_old_ones(
    cast: Cast, categories: None
) -> None:
    noise = minor("噪音扰民")
    old = list(noise.rules.values_list("pk", "deadlines"))
    client = signed_in(cast.administrator)
    assert (
        "New rules from a date"
        in client.get(f"/admin/cases/category/{noise.pk}/change/").content.decode()
    )
    form = client.get(f"/admin/cases/category/{noise.pk}/new-rule/")
    assert form.status_code == 200
    start = timezone.localtime() + dt.timedelta(days=1)
    data = {
        "effective_from": start.strftime("%Y-%m-%dT%H:%M"),
        "lowest_tier": "grid",
        "duplicate_radius_m": 80,
        "note": "试行网格内处置",
    }
    for step in ("confirm", "dispatch", "handle", "verify", "close"):
        data[f"{step}_amount"] = "2"
        data[f"{step}_clock"] = "working_days"

    response = client.post(f"/admin/cases/category/{noise.pk}/new-rule/", data)

    assert response.status_code == 302
    rules = CategoryRule.objects.filter(category=noise).order_by("effective_from")
    assert list(rules.values_list("pk", "deadlines"))[: len(old)] == old
    newest = rules.last()
    assert newest is not None and newest.lowest_tier == "grid" and newest.duplicate_radius_m == 80
    assert actions.rule_in_force(Category.objects.get(pk=noise.pk)).pk != newest.pk  # not yet


def test_a_rule_in_the_past_is_refused_with_the_message(cast: Cast, categories: None) -> None:
    noise = minor("噪音扰民")
    data = {
        "effective_from": "2020-01-01T00:00",
        "lowest_tier": "grid",
        "duplicate_radius_m": 50,
        "note": "补录",
    }
    for step in ("confirm", "dispatch", "handle", "verify", "close"):
        data[f"{step}_amount"] = "1"
        data[f"{step}_clock"] = "working_days"
    response = signed_in(cast.administrator).post(
        f"/admin/cases/category/{noise.pk}/new-rule/", data
    )
    assert response.status_code == 200
    assert "cannot take effect in the past" in response.content.decode()
