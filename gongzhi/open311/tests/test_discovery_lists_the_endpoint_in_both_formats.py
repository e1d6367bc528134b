"""GET discovery.{xml,json}: the one endpoint, its specification, formats and changeset."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import JSON_TYPE, XML_TYPE, Open311Client

pytestmark = pytest.mark.django_db


def test_discovery_in_json_names_the_endpoint_and_both_formats(o311: Open311Client) -> None:
    response = o311.get("discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON_TYPE
    body = response.json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert dt.datetime.fromisoformat(body["changeset"]).utcoffset() == dt.timedelta(hours=8)


def test_discovery_in_xml_has_the_same_content(o311: Open311Client) -> None:
    response = o311.get("discovery.xml")
    assert response["Content-Type"] == XML_TYPE
    root = o311.parse(response)
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset") == o311.get("discovery.json").json()["changeset"]


def test_discovery_accepts_and_ignores_a_jurisdiction_id(o311: Open311Client) -> None:
    assert o311.get("discovery.json", jurisdiction_id="shuangluan.gov.cn").status_code == 200
