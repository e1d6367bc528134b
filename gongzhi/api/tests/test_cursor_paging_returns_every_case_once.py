"""Walking a list page by page with its cursor returns every case exactly once and in order —
with ties on the ordering time, while new cases arrive, and filtered by traffic light."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.api.tests.conftest import Api, report_as
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.people.models import User

LIGHTS = ("green", "yellow", "red")

pytestmark = pytest.mark.django_db


def walk(api: Api, url: str, **params: Any) -> tuple[list[str], int]:
    """Every number the list gives, page after page, and how many pages it took."""
    numbers: list[str] = []
    cursor, pages = None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = api.get(url, query).json()
        numbers += [item["number"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return numbers, pages
        assert pages < 100


@pytest.fixture
def many(cast: Cast, categories: None) -> list[Case]:
    """23 reports; groups of them share their reported_at and their step deadline exactly."""
    cases = [report_as(cast.resident, cast, f"第{i}号问题") for i in range(23)]
    base = timezone.now() - dt.timedelta(days=1)
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            reported_at=base + dt.timedelta(minutes=i // 4),
            step_due_at=base + dt.timedelta(days=3, hours=i % 3),
        )
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]))


def test_every_case_once_newest_first(
    cast: Cast, many: list[Case], api_as: Callable[[User | None], Api]
) -> None:
    numbers, pages = walk(api_as(cast.grid_worker), "/api/v1/cases", limit=5)
    expected = [c.number for c in sorted(many, key=lambda c: (c.reported_at, c.pk), reverse=True)]
    assert numbers == expected and pages == 5


def test_every_case_once_most_urgent_first_in_the_inbox(
    cast: Cast, many: list[Case], api_as: Callable[[User | None], Api]
) -> None:
    numbers, _pages = walk(api_as(cast.grid_worker), "/api/v1/cases", view="inbox", limit=4)
    expected = [c.number for c in sorted(many, key=lambda c: (c.step_due_at, c.pk))]
    assert numbers == expected


def test_new_cases_during_the_walk_do_not_repeat_or_skip_the_others(
    cast: Cast, many: list[Case], api_as: Callable[[User | None], Api]
) -> None:
    api = api_as(cast.grid_worker)
    first = api.get("/api/v1/cases", {"limit": 10}).json()
    report_as(cast.resident, cast, "新来的问题")  # newer than all: it belongs before page one
    rest, _pages = walk(api, "/api/v1/cases", limit=10, cursor=first["next_cursor"])
    numbers = [c["number"] for c in first["items"]] + rest
    assert sorted(numbers) == sorted(c.number for c in many)
    assert len(set(numbers)) == len(numbers)


def test_the_light_filter_pages_through_each_light(
    cast: Cast, many: list[Case], api_as: Callable[[User | None], Api]
) -> None:
    # A third of the cases overdue (red), a third past their warning time (yellow).
    now = timezone.now()
    red, yellow = many[::3], many[1::3]
    Case.objects.filter(pk__in=[c.pk for c in red]).update(step_due_at=now - dt.timedelta(hours=1))
    Case.objects.filter(pk__in=[c.pk for c in yellow]).update(
        step_warn_at=now - dt.timedelta(minutes=5), step_due_at=now + dt.timedelta(hours=1)
    )
    api = api_as(cast.grid_worker)
    lights = {light: walk(api, "/api/v1/cases", light=light, limit=5)[0] for light in LIGHTS}
    assert sorted(lights["red"]) == sorted(c.number for c in red)
    assert sorted(lights["yellow"]) == sorted(c.number for c in yellow)
    assert sorted(lights["green"]) == sorted(c.number for c in many if c not in [*red, *yellow])
    for light in LIGHTS:
        items = api.get("/api/v1/cases", {"light": light}).json()["items"]
        assert {i["light"] for i in items} == {light}


def test_a_cursor_from_elsewhere_is_refused(
    cast: Cast, many: list[Case], api_as: Callable[[User | None], Api]
) -> None:
    api = api_as(cast.grid_worker)
    inbox_cursor = api.get("/api/v1/cases", {"view": "inbox", "limit": 2}).json()["next_cursor"]
    for cursor in (inbox_cursor, "bm90LWpzb24", "eyJvIjoicmVwb3J0ZWQifQ"):
        response = api.get("/api/v1/cases", {"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["field"] == "cursor"
