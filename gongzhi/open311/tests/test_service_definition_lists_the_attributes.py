"""GET services/<code>.{json,xml}: the attributes a service asks for, in order, with their values."""

from __future__ import annotations

import pytest

from gongzhi.open311.models import Datatype, ServiceAttribute

from .conftest import XML_TYPE, Open311Client, errors, event

pytestmark = pytest.mark.django_db


def test_the_definition_in_json_lists_attributes_in_order(
    o311: Open311Client, services: None
) -> None:
    response = o311.get("services/E0601.json")
    assert response.status_code == 200
    body = response.json()
    assert body["service_code"] == "E0601"
    assert [a["code"] for a in body["attributes"]] == ["PERIOD", "SINCE", "SOURCE"]
    period = body["attributes"][0]
    assert period == {
        "variable": True,
        "code": "PERIOD",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "噪音出现的时段",
        "values": [
            {"key": "day", "name": "白天"},
            {"key": "night", "name": "夜间（22时至次日6时）"},
            {"key": "both", "name": "全天"},
        ],
    }
    assert [a["datatype"] for a in body["attributes"]] == ["singlevaluelist", "datetime", "text"]


def test_every_datatype_can_be_defined(o311: Open311Client, services: None) -> None:
    assert {a.datatype for a in ServiceAttribute.objects.all()} == set(Datatype.values)


def test_the_definition_in_xml_nests_attributes_and_values(
    o311: Open311Client, services: None
) -> None:
    response = o311.get("services/e0401.xml")  # codes are read case-insensitively
    assert response["Content-Type"] == XML_TYPE
    root = o311.parse(response)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "E0401"
    vehicle = root.find("attributes/attribute")
    assert vehicle is not None
    assert vehicle.findtext("code") == "VEHICLE"
    assert vehicle.findtext("required") == "true"
    assert vehicle.find("datatype_description") is not None
    assert vehicle.findtext("datatype_description") == ""  # an empty element
    assert [v.findtext("key") for v in vehicle.findall("values/value")] == [
        "car",
        "truck",
        "e_bike",
        "other",
    ]


def test_a_service_without_metadata_has_an_empty_definition(
    o311: Open311Client, services: None
) -> None:
    ServiceAttribute.objects.filter(category=event("0101")).delete()
    assert o311.get("services/E0101.json").json() == {"service_code": "E0101", "attributes": []}


def test_an_unknown_service_code_is_404_with_the_error_array(
    o311: Open311Client, services: None
) -> None:
    for path in ("services/E7777.json", "services/parking.xml"):
        response = o311.get(path)
        assert response.status_code == 404
        [error] = errors(response)
        assert error["code"] == 404
        assert "was not found" in error["description"]
