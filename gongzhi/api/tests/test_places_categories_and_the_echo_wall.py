"""Places as far as each person may browse them (the division tree, grids as GeoJSON with their
team's phones masked), the categories with the rules in force, the departments, and the echo
wall that anyone may read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.api.tests.conftest import Api, move, report_as
from gongzhi.cases import actions
from gongzhi.cases.models import Category, Status
from gongzhi.conftest import DISTRICT, SHUANGAN, STREET, YUXIANGYUAN, Cast
from gongzhi.people.models import User
from gongzhi.places.models import Grid

pytestmark = pytest.mark.django_db


def test_each_person_browses_from_their_own_places(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    top = api_as(cast.command_centre).get("/api/v1/places/divisions").json()
    assert [d["code"] for d in top] == [DISTRICT]
    tree = api_as(cast.command_centre).get(f"/api/v1/places/divisions/{DISTRICT}", {"depth": 2})
    streets = tree.json()["children"]
    assert STREET in [s["code"] for s in streets]
    communities = next(s for s in streets if s["code"] == STREET)["children"]
    assert {YUXIANGYUAN, SHUANGAN} <= {c["code"] for c in communities}
    worker = api_as(cast.community_worker)
    assert [d["code"] for d in worker.get("/api/v1/places/divisions").json()] == [YUXIANGYUAN]
    # The way down to their community is shown, the neighbour community is not.
    street = worker.get(f"/api/v1/places/divisions/{STREET}").json()
    assert [c["code"] for c in street["children"]] == [YUXIANGYUAN]
    assert worker.get(f"/api/v1/places/divisions/{SHUANGAN}").status_code == 404


def test_grids_come_as_geojson_within_scope(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    worker = api_as(cast.community_worker)
    collection = worker.get("/api/v1/places/grids").json()
    assert collection["type"] == "FeatureCollection"
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert codes == set(
        Grid.objects.filter(community__code=YUXIANGYUAN).values_list("code", flat=True)
    )
    feature = collection["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )
    mine = api_as(cast.grid_worker).get("/api/v1/places/grids").json()["features"]
    assert [f["id"] for f in mine] == [cast.grid.code]
    under = api_as(cast.command_centre).get("/api/v1/places/grids", {"under": SHUANGAN}).json()
    assert {f["properties"]["community_code"] for f in under["features"]} == {SHUANGAN}


def test_a_grid_shows_its_boundary_and_its_team_with_phones_masked(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    grid = api_as(cast.community_worker).get(f"/api/v1/places/grids/{cast.grid.code}").json()
    assert grid["community"]["code"] == YUXIANGYUAN and grid["street"]["code"] == STREET
    assert grid["boundary"]["type"] in ("Polygon", "MultiPolygon") and len(grid["bbox"]) == 4
    assert grid["team"]["workers"] == [
        {
            "name": "御祥园网格员",
            "role": "grid_worker",
            "role_label": grid["team"]["workers"][0]["role_label"],
            "title": "",
            "phone": "139****0008",
        }
    ]
    other = api_as(cast.grid_worker).get(f"/api/v1/places/grids/{cast.other_grid.code}")
    assert other.status_code == 404


def test_categories_carry_the_rules_in_force_without_a_token(cast: Cast, categories: None) -> None:
    body = Api(Client()).get("/api/v1/categories", {"kind": "event"}).json()
    assert body and {m["kind"] for m in body} == {"event"}
    minor = next(c for m in body for c in m["minors"] if c["name"] == "物业纠纷")
    rule = minor["rule"]
    assert set(rule["deadlines"]) == {"confirm", "dispatch", "handle", "verify", "close"}
    assert rule["lowest_tier"] == "community"
    category = Category.objects.get(name="物业纠纷")
    actions.change_rule(
        cast.administrator,
        category,
        effective_from=timezone.now() + dt.timedelta(days=1),
        lowest_tier="grid",
        deadlines={s: [1, "working_days"] for s in rule["deadlines"]},
    )
    again = Api(Client()).get(f"/api/v1/categories/event/{category.code}").json()
    assert again["rule"]["lowest_tier"] == "community"  # tomorrow's rule is not in force yet
    assert Api(Client()).get("/api/v1/categories/event/9999").status_code == 404


def test_departments_are_listed_for_dispatch(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    body = api_as(cast.community_worker).get("/api/v1/departments").json()
    assert body == [
        {"id": cast.department.pk, "name": cast.department.name, "scope_code": DISTRICT}
    ]


def test_the_echo_wall_is_public_and_shows_no_reporter(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    closed = move(cast, report_as(cast.resident, cast), Status.CLOSED)
    report_as(cast.resident, cast, "还没处理的问题")
    wall = Api(Client()).get("/api/v1/echo-wall").json()
    assert [i["number"] for i in wall["items"]] == [closed.number]
    item = wall["items"][0]
    assert item["public_answer"] == "已修复" and item["community"] == "御祥园社区"
    assert not {"reporter", "lat", "lng", "address"} & set(item)
