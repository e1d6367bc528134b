"""GET services.{json,xml}: our minor classes in use, with codes that say event or component."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Category

from .conftest import JSON_TYPE, XML_TYPE, Open311Client

pytestmark = pytest.mark.django_db


def test_services_in_json_are_the_minor_classes_in_use(o311: Open311Client, services: None) -> None:
    Category.objects.filter(name="其他事件").update(is_active=False)
    response = o311.get("services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON_TYPE
    body = response.json()
    by_code = {s["service_code"]: s for s in body}
    expected = Category.objects.filter(parent__isnull=False, is_active=True).count()
    assert len(body) == len(by_code) == expected
    parking = by_code["E0401"]
    assert parking == {
        "service_code": "E0401",
        "service_name": "违法停车",
        "description": parking["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": "停车, 占道, 堵路, 乱停",
        "group": "街面秩序",
    }
    assert by_code["C0401"]["service_name"] == "绿地损毁"  # same number, other kind
    assert by_code["C0401"]["metadata"] is False
    assert by_code["E0603"]["type"] == "batch"
    assert "E9901" not in by_code  # not in use


def test_services_in_xml_say_the_same(o311: Open311Client, services: None) -> None:
    response = o311.get("services.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == XML_TYPE
    root = o311.parse(response)
    assert root.tag == "services"
    from_xml = {
        s.findtext("service_code"): {child.tag: child.text for child in s}
        for s in root.findall("service")
    }
    from_json = {s["service_code"]: s for s in o311.get("services.json").json()}
    assert from_xml.keys() == from_json.keys()
    for code, service in from_json.items():
        expected = {
            k: ("true" if v is True else "false" if v is False else v) for k, v in service.items()
        }
        assert from_xml[code] == expected
