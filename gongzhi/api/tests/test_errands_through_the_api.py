"""预约代办 through the API: a resident asks, the grid's staff see it, one takes it and returns the
result; the resident sees it done. Others neither see nor take it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from gongzhi.api.tests.conftest import Api
from gongzhi.conftest import Cast
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db


def test_an_errand_is_asked_taken_and_done(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    resident, worker = api_as(cast.resident), api_as(cast.grid_worker)
    wanted = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    asked = resident.post(
        "/api/v1/errands",
        {"what": "代办居住证明", "details": "需要两份", "wanted_on": wanted},
        **{"Idempotency-Key": "errand-1"},
    )
    assert asked.status_code == 201
    errand = asked.json()
    assert errand["state"] == "requested" and errand["resident"]["phone"] == "13812341234"
    again = resident.post(
        "/api/v1/errands", {"what": "代办居住证明"}, **{"Idempotency-Key": "errand-1"}
    )
    assert again.json()["number"] == errand["number"]
    number = errand["number"]
    listed = worker.get("/api/v1/errands", {"state": "requested"}).json()["items"]
    assert [e["number"] for e in listed] == [number]
    assert listed[0]["resident"]["phone"] == "138****1234"
    taken = worker.post(f"/api/v1/errands/{number}/take", {"working_days": 2}).json()
    assert taken["state"] == "taken" and taken["taker"] == "御祥园网格员"
    assert worker.post(f"/api/v1/errands/{number}/take", {}).status_code == 409
    done = worker.post(f"/api/v1/errands/{number}/complete", {"result": "已办好，请到社区领取"})
    assert done.json()["state"] == "done"
    mine = resident.get(f"/api/v1/errands/{number}").json()
    assert mine["result"] == "已办好，请到社区领取"


def test_others_do_not_see_or_take_it(cast: Cast, api_as: Callable[[User | None], Api]) -> None:
    number = api_as(cast.resident).post("/api/v1/errands", {"what": "代缴水费"}).json()["number"]
    for person in (cast.other_grid_worker, cast.other_resident, cast.department_staff):
        api = api_as(person)
        assert api.get(f"/api/v1/errands/{number}").status_code == 404
        assert api.post(f"/api/v1/errands/{number}/take", {}).status_code == 404
    staff = api_as(cast.grid_worker).post("/api/v1/errands", {"what": "帮我办"})
    assert staff.status_code == 403  # errands are for registered residents
    cancelled = api_as(cast.resident).post(f"/api/v1/errands/{number}/cancel")
    assert cancelled.json()["state"] == "cancelled"
