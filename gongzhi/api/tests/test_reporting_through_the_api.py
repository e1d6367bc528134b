"""Reporting a case: JSON with a position and a category code; a retry with the same
Idempotency-Key gives back the first case; photos through multipart; likely duplicates only
among cases the reporter may see; an anonymous report's reporter is not shown to others."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from coord_convert.transform import wgs2gcj
from django.test import Client
from PIL import Image

from gongzhi.api.tests.conftest import Api, inside
from gongzhi.cases.models import Case, CasePhoto, Category, Source
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry, Channel
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(cast: Cast, categories: None) -> dict[str, Any]:
    lat, lng = inside(cast.grid)
    category = Category.objects.get(name="物业纠纷")
    return {
        "kind": category.kind,
        "category": category.code,
        "description": "小区电梯坏了三天没人修",
        "lat": lat,
        "lng": lng,
    }


def test_a_report_makes_a_case_in_the_grid_of_its_position(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    response = api_as(cast.resident).post("/api/v1/cases", body)
    assert response.status_code == 201
    out = response.json()
    assert out["created"] is True and out["duplicates"] == []
    case = Case.objects.get(number=out["case"]["number"])
    assert (case.grid_code, case.reporter, case.source) == (cast.grid.code, cast.resident, "api")
    assert out["case"]["status"] == "reported" and out["case"]["timeline"][0]["action"] == "report"
    assert AuditEntry.objects.get(action="cases.report").channel == Channel.API


def test_a_gcj02_position_is_converted(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    glng, glat = wgs2gcj(body["lng"], body["lat"])
    response = api_as(cast.resident).post(
        "/api/v1/cases", {**body, "lat": glat, "lng": glng, "crs": "gcj02"}
    )
    assert response.status_code == 201
    case = response.json()["case"]
    assert case["grid_code"] == cast.grid.code
    assert abs(case["lat"] - body["lat"]) < 1e-5 and abs(case["lng"] - body["lng"]) < 1e-5


def test_a_retry_with_the_same_idempotency_key_returns_the_first_case(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    api = api_as(cast.resident)
    first = api.post("/api/v1/cases", body, **{"Idempotency-Key": "tap-1"})
    again = api.post("/api/v1/cases", body, **{"Idempotency-Key": "tap-1"})
    other = api.post("/api/v1/cases", body, **{"Idempotency-Key": "tap-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["created"] is False
    assert again.json()["case"]["number"] == first.json()["case"]["number"]
    assert other.json()["case"]["number"] != first.json()["case"]["number"]
    assert Case.objects.count() == 2
    bad = api.post("/api/v1/cases", body, **{"Idempotency-Key": "x" * 65})
    assert bad.status_code == 400 and bad.json()["field"] == "Idempotency-Key"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (40.0, 56.0, 52.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_snapshot_report_carries_photos_without_their_location(
    cast: Cast,
    body: dict[str, Any],
    token_for: Callable[[User], str],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO(_jpeg_with_gps())
    photo.name = "elevator.jpg"
    response = Client().post(
        "/api/v1/snapshot-reports",
        {**body, "source": Source.RESIDENT_APP, "photos": [photo]},
        headers={"Authorization": f"Bearer {token_for(cast.resident)}"},
    )
    assert response.status_code == 201, response.content
    case = response.json()["case"]
    assert case["source"] == "resident_app" and len(case["photos"]) == 1
    assert case["timeline"][0]["photos"] == case["photos"]
    assert case["photos"][0]["url"].startswith("http://testserver/media/cases/")
    stored = CasePhoto.objects.get()
    with Image.open(stored.image.path) as saved:
        assert saved.getexif().get(0x8825) is None
    not_an_image = io.BytesIO(b"hello")
    not_an_image.name = "x.jpg"
    refused = Client().post(
        "/api/v1/snapshot-reports",
        {**body, "photos": [not_an_image]},
        headers={"Authorization": f"Bearer {token_for(cast.resident)}"},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "photos"


def test_likely_duplicates_are_only_those_the_reporter_may_see(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    theirs = api_as(cast.other_resident).post("/api/v1/cases", body).json()["case"]["number"]
    mine = api_as(cast.resident).post("/api/v1/cases", body).json()
    assert mine["duplicates"] == []  # the other resident's report is not the resident's to see
    worker = api_as(cast.grid_worker).post("/api/v1/cases", body).json()
    assert {d["number"] for d in worker["duplicates"]} == {theirs, mine["case"]["number"]}


def test_an_anonymous_reports_reporter_is_hidden_from_others(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    out = api_as(cast.resident).post("/api/v1/cases", {**body, "is_anonymous": True}).json()
    number = out["case"]["number"]
    assert out["case"]["reporter"] == {"name": "张秀英", "phone": "13812341234"}
    seen = api_as(cast.grid_worker).get(f"/api/v1/cases/{number}").json()
    assert seen["reporter"] is None and seen["timeline"][0]["actor"] is None
    named = api_as(cast.resident).post("/api/v1/cases", body).json()["case"]["number"]
    masked = api_as(cast.grid_worker).get(f"/api/v1/cases/{named}").json()["reporter"]
    assert masked == {"name": "张秀英", "phone": "138****1234"}


def test_a_resident_may_not_file_a_patrol_report(
    cast: Cast, body: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    response = api_as(cast.resident).post("/api/v1/cases", {**body, "source": "patrol"})
    assert response.status_code == 403 and response.json()["field"] == "source"
    assert Case.objects.count() == 0
