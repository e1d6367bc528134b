"""A case goes report → confirm → register → dispatch → accept → respond (with a photo) → verify
→ close → rate entirely through the API, each step by its holder, with the version each saw;
the actions offered are always exactly those the workflow allows; summons, duplicates and
extensions work the same way."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from gongzhi.api.tests.conftest import Api, move, report_as
from gongzhi.cases import workflow
from gongzhi.cases.models import Case, Status
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db


def step(api: Api, number: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
    seen = api.get(f"/api/v1/cases/{number}").json()
    offered = api.get(f"/api/v1/cases/{number}/actions").json()
    assert action in [a["name"] for a in offered["actions"]], (action, offered)
    assert offered["version"] == seen["version"]
    response = api.post(
        f"/api/v1/cases/{number}/actions/{action}", {**body, "seen_version": seen["version"]}
    )
    assert response.status_code == 200, response.content
    out: dict[str, Any] = response.json()
    return out


def test_the_whole_way(
    cast: Cast,
    categories: None,
    api_as: Callable[[User | None], Api],
    token_for: Callable[[User], str],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = report_as(cast.resident, cast)
    number = case.number
    grid, community = api_as(cast.grid_worker), api_as(cast.community_worker)
    dept = api_as(cast.department_staff)
    step(grid, number, "confirm", {"note": "属实"})
    step(grid, number, "register", {})
    out = step(
        community, number, "dispatch", {"tier": "street", "unit": cast.department.pk, "note": "请"}
    )
    assert out["assigned_unit"] == {"id": cast.department.pk, "name": cast.department.name}
    step(dept, number, "accept", {})
    seen = dept.get(f"/api/v1/cases/{number}").json()
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(picture, "PNG")
    picture.seek(0)
    picture.name = "fixed.png"
    responded = Client().post(
        f"/api/v1/cases/{number}/actions/respond/with-photos",
        {"note": "已修好", "seen_version": seen["version"], "photos": [picture]},
        headers={"Authorization": f"Bearer {token_for(cast.department_staff)}"},
    )
    assert responded.status_code == 200, responded.content
    assert responded.json()["photos"][0]["purpose"] == "result"
    step(grid, number, "verify", {"note": "现场核查通过"})
    step(community, number, "close", {"public_answer": "电梯已修复"})
    rated = step(api_as(cast.resident), number, "rate", {"rating": "satisfied", "comment": "好"})
    assert rated["status"] == "closed" and rated["rating"] == "satisfied"
    assert [s["action"] for s in rated["timeline"]] == [
        "report", "confirm", "register", "dispatch", "accept", "respond", "verify", "close", "rate",
    ]  # fmt: skip
    assert AuditEntry.objects.filter(channel="api", action__startswith="cases.").count() == 8


def test_the_actions_offered_are_what_the_workflow_allows(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    for status in (Status.REPORTED, Status.REGISTERED, Status.HANDLING, Status.CLOSED):
        case = move(cast, report_as(cast.resident, cast), status)
        for person in (cast.grid_worker, cast.community_worker, cast.street_staff,
                       cast.department_staff, cast.resident):  # fmt: skip
            api = api_as(person)
            offered = api.get(f"/api/v1/cases/{case.number}/actions")
            if offered.status_code == 404:
                continue
            names = [a["name"] for a in offered.json()["actions"]]
            assert names == workflow.available_actions(person, case), (status, person)
            detail = api.get(f"/api/v1/cases/{case.number}").json()
            assert detail["available_actions"] == names


def test_a_stale_version_is_refused_and_changes_nothing(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    case = report_as(cast.resident, cast)
    grid = api_as(cast.grid_worker)
    grid.post(f"/api/v1/cases/{case.number}/actions/confirm", {"seen_version": 0})
    late = api_as(cast.community_worker).post(
        f"/api/v1/cases/{case.number}/actions/decline", {"reason": "不属实", "seen_version": 0}
    )
    assert late.status_code == 409 and late.json()["code"] == "conflict"
    assert Case.objects.get(pk=case.pk).status == Status.CONFIRMED


def test_a_summoned_department_checks_in_through_the_api(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    case = move(cast, report_as(cast.resident, cast), Status.HANDLING)
    summoned = api_as(cast.street_staff).post(
        f"/api/v1/cases/{case.number}/actions/summon",
        {"departments": [cast.department.pk], "hours": 4, "note": "请到场"},
    )
    assert summoned.status_code == 200
    duty = summoned.json()["summonses"][0]["duties"][0]
    assert duty["may_report"] is False  # the street summons; the department answers
    dept = api_as(cast.department_staff)
    detail = dept.get(f"/api/v1/cases/{case.number}").json()
    assert detail["summonses"][0]["duties"][0]["may_report"] is True
    checked = dept.post(
        f"/api/v1/cases/{case.number}/actions/report_for_duty",
        {"duty": duty["id"], "report": "已派人到场"},
    ).json()
    assert checked["summonses"][0]["duties"][0]["checked_in_at"] is not None
    assert checked["summonses"][0]["duties"][0]["report"] == "已派人到场"
    wrong = dept.post(
        f"/api/v1/cases/{case.number}/actions/report_for_duty", {"duty": duty["id"] + 100}
    )
    assert wrong.status_code == 404 and wrong.json()["field"] == "duty"


def test_a_duplicate_is_voided_into_the_original(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    original = report_as(cast.resident, cast)
    copy = report_as(cast.resident, cast)
    grid = api_as(cast.grid_worker)
    out = grid.post(
        f"/api/v1/cases/{copy.number}/actions/void", {"duplicate_of": original.number}
    ).json()
    assert out["status"] == "void" and out["duplicate_of"] == original.number
    assert grid.get(f"/api/v1/cases/{original.number}").json()["me_too"] == 1
    unknown = grid.post(
        f"/api/v1/cases/{original.number}/actions/void", {"duplicate_of": "2099010100000001"}
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "duplicate_of"


def test_an_extension_is_asked_and_decided(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    case = move(cast, report_as(cast.resident, cast), Status.HANDLING)
    asked = (
        api_as(cast.department_staff)
        .post(
            f"/api/v1/cases/{case.number}/actions/request_extension",
            {"days": 3, "reason": "等配件"},
        )
        .json()
    )
    assert asked["pending_extension"] == 3
    decided = (
        api_as(cast.street_staff)
        .post(f"/api/v1/cases/{case.number}/actions/decide_extension", {"approve": True})
        .json()
    )
    assert decided["pending_extension"] is None
    assert decided["timeline"][-1]["action"] == "approve_extension"
