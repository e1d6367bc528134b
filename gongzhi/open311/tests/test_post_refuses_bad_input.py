"""POST requests refuses what it cannot take, with the spec's status codes: no service_code 400,
an unknown one 404, a position outside the district 400 with our message, a description over
4,000 characters 400, missing or wrong attributes 400, no location 400."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .conftest import Key, Open311Client, errors, inside

pytestmark = pytest.mark.django_db


def _post(o311: Open311Client, key: Key, **data: object) -> tuple[int, list[dict[str, object]]]:
    response = o311.post("requests.json", {"api_key": key.raw, **data})
    return response.status_code, errors(response)


def test_a_missing_service_code_is_400(o311: Open311Client, cast: Cast, key: Key) -> None:
    lat, lng = inside(cast.grid)
    status, [error] = _post(o311, key, lat=lat, long=lng, description="x")
    assert status == 400 and error["code"] == 400
    assert "service_code" in str(error["description"])


def test_an_unknown_service_code_is_404(o311: Open311Client, cast: Cast, key: Key) -> None:
    lat, lng = inside(cast.grid)
    status, [error] = _post(o311, key, service_code="E7777", lat=lat, long=lng, description="x")
    assert status == 404 and error["code"] == 404


def test_a_position_outside_the_district_is_400_with_our_message(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    status, [error] = _post(
        o311, key, service_code="E0101", lat="39.9042", long="116.4074", description="x"
    )
    assert status == 400
    assert "outside every grid of the district" in str(error["description"])
    assert not Case.objects.exists()


def test_a_description_over_4000_characters_is_400(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    status, [error] = _post(
        o311, key, service_code="E0101", lat=lat, long=lng, description="脏" * 4001
    )
    assert status == 400 and "4000" in str(error["description"])
    response = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0101",
            "lat": lat,
            "long": lng,
            "description": "脏" * 4000,
        },
    )
    assert response.status_code == 200


def test_required_and_badly_typed_attributes_are_400_each_with_its_reason(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    status, errs = _post(o311, key, service_code="E0401", lat=lat, long=lng, description="x")
    assert status == 400 and "attribute[VEHICLE]" in str(errs[0]["description"])
    status, errs = _post(
        o311,
        key,
        service_code="E0401",
        lat=lat,
        long=lng,
        description="x",
        **{"attribute[VEHICLE]": "tank"},
    )
    assert status == 400 and "tank" in str(errs[0]["description"])
    status, errs = _post(
        o311,
        key,
        service_code="E0402",
        lat=lat,
        long=lng,
        description="x",
        **{"attribute[FACILITY][]": "bench", "attribute[AREA_M2]": "lots"},
    )
    assert status == 400 and "number" in str(errs[0]["description"])
    status, errs = _post(
        o311,
        key,
        service_code="E0601",
        lat=lat,
        long=lng,
        description="x",
        **{"attribute[PERIOD]": "night", "attribute[SINCE]": "last week"},
    )
    assert status == 400 and "ISO 8601" in str(errs[0]["description"])
    assert not Case.objects.exists()


def test_a_request_without_a_location_is_400(o311: Open311Client, cast: Cast, key: Key) -> None:
    status, [error] = _post(o311, key, service_code="E0101", description="x")
    assert status == 400 and "location" in str(error["description"])
    status, [error] = _post(o311, key, service_code="E0101", lat="40.9", description="x")
    assert status == 400 and "together" in str(error["description"])
    status, [error] = _post(
        o311, key, service_code="E0101", lat="north", long="east", description="x"
    )
    assert status == 400
    status, [error] = _post(o311, key, service_code="E0101", address_id="999", description="x")
    assert status == 400 and "999" in str(error["description"])
    status, [error] = _post(
        o311, key, service_code="E0101", address_string="火星基地", description="x"
    )
    assert status == 400 and "火星基地" in str(error["description"])


def test_a_media_url_must_be_a_web_address(o311: Open311Client, cast: Cast, key: Key) -> None:
    lat, lng = inside(cast.grid)
    status, _ = _post(
        o311,
        key,
        service_code="E0101",
        lat=lat,
        long=lng,
        description="x",
        media_url="file:///etc/passwd",
    )
    assert status == 400
