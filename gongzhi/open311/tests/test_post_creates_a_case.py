"""POST requests.{fmt}: a client's request becomes a case reported by the key's service account,
located in its grid, with the attribute answers; the submitter's personal data stays out of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongzhi.cases.models import Case, Source, Status
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.open311.models import Open311Request

from .conftest import Key, Open311Client, event, inside, photo

pytestmark = pytest.mark.django_db


def test_a_post_in_json_creates_an_open311_case_in_the_right_grid(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    response = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "jurisdiction_id": "shuangluan.gov.cn",
            "service_code": "E0401",
            "lat": lat,
            "long": lng,
            "address_string": "御祥园小区北门",
            "description": "一辆白色轿车堵住消防通道",
            "attribute[VEHICLE]": "car",
            "attribute[PLATE]": "冀H12345",
            "first_name": "秀英",
            "last_name": "张",
            "phone": "13812341234",
            "email": "zhang@example.com",
            "device_id": "device-1",
            "account_id": "u-42",
        },
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()
    case = Case.objects.get(number=answer["service_request_id"])
    assert answer["account_id"] == "u-42"
    assert "working days" in answer["service_notice"] or "hours" in answer["service_notice"]
    assert case.source == Source.OPEN311
    assert case.status == Status.REPORTED
    assert case.grid_code == cast.grid.code
    assert case.category == event("0401")
    assert case.reporter == key.row.service_account
    assert case.address == "御祥园小区北门"
    assert case.description.startswith("一辆白色轿车堵住消防通道")
    assert "车辆类型：小汽车" in case.description
    assert "冀H12345" in case.description
    for personal in ("13812341234", "zhang@example.com", "秀英", "device-1", "u-42"):
        assert personal not in case.description and personal not in case.address
    record = Open311Request.objects.get(case=case)
    assert record.attributes == {"VEHICLE": "car", "PLATE": "冀H12345"}
    assert record.submitter["phone"] == "13812341234"
    assert record.state == Open311Request.State.CREATED
    entry = AuditEntry.objects.get(action="cases.report", object_id=str(case.pk))
    assert entry.channel == "open311" and entry.actor == key.row.service_account


def test_a_post_in_xml_answers_in_xml(o311: Open311Client, cast: Cast, key: Key) -> None:
    lat, lng = inside(cast.other_community_grid)
    response = o311.post(
        "requests.xml",
        {
            "api_key": key.raw,
            "service_code": "C0101",
            "lat": lat,
            "long": lng,
            "description": "井盖没了",
        },
    )
    assert response.status_code == 200, response.content
    root = o311.parse(response)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert Case.objects.get(number=number).grid_code == cast.other_community_grid.code
    assert root.find("request/token") is None
    assert root.find("request/account_id") is not None


def test_a_list_attribute_takes_several_values(o311: Open311Client, cast: Cast, key: Key) -> None:
    lat, lng = inside(cast.grid)
    response = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0402",
            "lat": lat,
            "long": lng,
            "attribute[FACILITY][]": ["railing", "bench"],
            "attribute[AREA_M2]": "2.5",
        },
    )
    assert response.status_code == 200, response.content
    record = Open311Request.objects.get()
    assert record.attributes == {"FACILITY": ["railing", "bench"], "AREA_M2": "2.5"}
    assert record.case is not None and "栏杆、座椅" in record.case.description


def test_an_address_id_or_an_address_string_places_the_case_in_its_grid(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    by_id = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0101",
            "address_id": cast.other_grid.code,
            "description": "垃圾满了",
        },
    )
    assert by_id.status_code == 200, by_id.content
    case = Case.objects.get(number=by_id.json()[0]["service_request_id"])
    assert case.grid_code == cast.other_grid.code and case.address == cast.other_grid.name

    by_name = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0101",
            "address_string": f"承德市双滦区{cast.other_community_grid.name}3号楼旁",
            "description": "垃圾满了",
        },
    )
    assert by_name.status_code == 200, by_name.content
    case = Case.objects.get(number=by_name.json()[0]["service_request_id"])
    assert case.grid_code == cast.other_community_grid.code


def test_a_post_without_a_description_still_makes_a_case(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    response = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "C0102",
            "lat": lat,
            "long": lng,
            "media_url": "https://img.example.com/lamp.jpg",
        },
    )
    assert response.status_code == 200, response.content
    record = Open311Request.objects.get()
    assert record.case is not None and "路灯损坏" in record.case.description
    assert record.media_url == "https://img.example.com/lamp.jpg"


def test_a_retry_with_the_same_idempotency_key_makes_one_case(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    data = {
        "api_key": key.raw,
        "service_code": "E0101",
        "lat": lat,
        "long": lng,
        "description": "垃圾没人收",
    }
    first = o311.post("requests.json", data, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = o311.post("requests.json", data, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.json() == second.json()
    assert Case.objects.count() == 1 and Open311Request.objects.count() == 1


def test_a_multipart_post_may_upload_a_photo_as_media(
    o311: Open311Client, cast: Cast, key: Key, media: Path
) -> None:
    lat, lng = inside(cast.grid)
    response = o311.client.post(
        "/open311/v2/requests.json",
        {"api_key": key.raw, "service_code": "C0101", "lat": lat, "long": lng, "media": photo()},
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.photos.count() == 1
    [found] = o311.get(f"requests/{case.number}.json").json()
    assert found["media_url"].startswith("http://testserver/media/cases/")


def test_the_public_sees_the_submitters_words_but_not_the_attribute_answers(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    number = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0401",
            "lat": lat,
            "long": lng,
            "description": "堵住消防通道",
            "attribute[VEHICLE]": "car",
            "attribute[PLATE]": "冀H12345",
        },
    ).json()[0]["service_request_id"]
    [public] = o311.get(f"requests/{number}.json").json()
    assert public["description"] == "堵住消防通道"
    [own] = o311.get(f"requests/{number}.json", api_key=key.raw).json()  # the client's own report
    assert "冀H12345" in own["description"]


def test_a_blackbox_service_returns_neither_number_nor_token(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    from gongzhi.open311.models import ServiceProfile, ServiceType

    ServiceProfile.objects.create(category=event("0101"), type=ServiceType.BLACKBOX)
    lat, lng = inside(cast.grid)
    response = o311.post(
        "requests.json",
        {"api_key": key.raw, "service_code": "E0101", "lat": lat, "long": lng, "description": "脏"},
    )
    [answer] = response.json()
    assert set(answer) == {"service_notice", "account_id"}
    assert Case.objects.get().source == Source.OPEN311
    types = {s["service_code"]: s["type"] for s in o311.get("services.json").json()}
    assert types["E0101"] == "blackbox"
