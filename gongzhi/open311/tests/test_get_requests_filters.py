"""GET requests.{fmt} filters: service_request_id (comma list) overrides the rest; service_code,
status and the requested-date window (at most 90 days; last 90 days by default); an empty
parameter is the same as an absent one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.conftest import Cast

from .conftest import Open311Client, errors, ids, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(cast: Cast, services: None) -> dict[str, str]:
    """Four public cases: two new, one 30 days old, one 120 days old; one closed-type (declined)."""
    fresh = report(cast, "环境卫生差", "垃圾堆积")
    noise = report(cast, "噪音扰民", "夜里广场舞太吵")
    actions.decline(cast.grid_worker, noise.pk, reason="已转派出所处理")
    month = report(cast, "违法停车", "车堵门口", days_ago=30)
    old = report(cast, "环境卫生差", "老问题", days_ago=120)
    return {"fresh": fresh.number, "noise": noise.number, "month": month.number, "old": old.number}


def test_by_default_the_last_90_days_newest_first(
    o311: Open311Client, cases: dict[str, str]
) -> None:
    assert ids(o311.get("requests.json")) == [cases["noise"], cases["fresh"], cases["month"]]


def test_empty_parameters_are_the_same_as_absent_ones(
    o311: Open311Client, cases: dict[str, str]
) -> None:
    empty = dict.fromkeys(
        [
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "page",
            "page_size",
            "updated_after",
            "updated_before",
            "jurisdiction_id",
            "api_key",
        ],
        "",
    )
    assert ids(o311.get("requests.json", **empty)) == ids(o311.get("requests.json"))


def test_a_service_request_id_list_overrides_every_other_filter(
    o311: Open311Client, cases: dict[str, str]
) -> None:
    found = ids(
        o311.get(
            "requests.json",
            service_request_id=f"{cases['old']}, {cases['fresh']},nope",
            service_code="E0401",
            status="closed",
            start_date="2001-01-01",
            end_date="2001-01-02",
        )
    )
    assert sorted(found) == sorted([cases["old"], cases["fresh"]])


def test_service_code_filters_and_takes_a_comma_list(
    o311: Open311Client, cases: dict[str, str]
) -> None:
    assert ids(o311.get("requests.json", service_code="E0101")) == [cases["fresh"]]
    assert ids(o311.get("requests.json", service_code="E0401,E0601")) == [
        cases["noise"],
        cases["month"],
    ]
    response = o311.get("requests.json", service_code="nonsense")
    assert response.status_code == 400 and errors(response)[0]["code"] == 400


def test_status_open_and_closed(o311: Open311Client, cases: dict[str, str]) -> None:
    assert ids(o311.get("requests.json", status="closed")) == [cases["noise"]]
    assert ids(o311.get("requests.json", status="open")) == [cases["fresh"], cases["month"]]
    assert len(ids(o311.get("requests.json", status="open,closed"))) == 3
    assert o311.get("requests.json", status="pending").status_code == 400


def test_dates_select_the_requested_window(o311: Open311Client, cases: dict[str, str]) -> None:
    now = timezone.localtime()
    start = (now - dt.timedelta(days=150)).isoformat()
    end = (now - dt.timedelta(days=61)).isoformat()
    assert ids(o311.get("requests.json", start_date=start, end_date=end)) == [cases["old"]]
    utc = (now - dt.timedelta(days=40)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(o311.get("requests.json", start_date=utc)) == [
        cases["noise"],
        cases["fresh"],
        cases["month"],
    ]
    # end_date alone: the 90 days before it
    only_end = (now - dt.timedelta(days=100)).date().isoformat()
    assert ids(o311.get("requests.json", end_date=only_end)) == [cases["old"]]


def test_a_window_over_90_days_or_backwards_is_400(
    o311: Open311Client, cases: dict[str, str]
) -> None:
    response = o311.get(
        "requests.json",
        start_date="2026-01-01T00:00:00+08:00",
        end_date="2026-04-02T00:00:00+08:00",
    )
    assert response.status_code == 400
    assert "90 days" in errors(response)[0]["description"]
    ninety = o311.get(
        "requests.json",
        start_date="2026-01-01T00:00:00+08:00",
        end_date="2026-04-01T00:00:00+08:00",
    )
    assert ninety.status_code == 200
    assert (
        o311.get("requests.json", start_date="2026-02-01", end_date="2026-01-01").status_code == 400
    )
    assert o311.get("requests.xml", start_date="yesterday").status_code == 400
