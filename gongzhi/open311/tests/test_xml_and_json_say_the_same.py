"""Every endpoint answers well-formed XML (parsed with xml.etree) that says exactly what its JSON
says, by the spec's mapping: lists are wrapper elements of items, true/false are words, null is an
empty element."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from gongzhi.cases import actions
from gongzhi.conftest import Cast
from gongzhi.open311.formats import ITEM_TAGS

from .conftest import Key, Open311Client, inside, report

pytestmark = pytest.mark.django_db

LISTS = set(ITEM_TAGS)


def _from_xml(element: ET.Element) -> Any:
    if element.tag in LISTS:
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_every_endpoint_says_the_same_in_xml_and_json(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    case = report(cast, "噪音扰民", "楼下KTV半夜唱歌 & <很吵>\x07")
    actions.decline(cast.grid_worker, case.pk, reason='转公安 "110" 处理')
    lat, lng = inside(cast.grid)
    token = o311.post(
        "requests.json",
        {"api_key": key.raw, "service_code": "E0603", "lat": lat, "long": lng, "description": "x"},
    ).json()[0]["token"]
    paths = [
        ("discovery", {}),
        ("services", {}),
        ("services/E0601", {}),
        ("requests", {"extensions": "true"}),
        (f"requests/{case.number}", {}),
        (f"tokens/{token}", {}),
        ("servicerequestupdates", {}),
        ("services/E0000", {}),  # the error array
        ("requests", {"start_date": "nonsense"}),
    ]
    for path, params in paths:
        as_json = o311.get(f"{path}.json", **params)
        as_xml = o311.get(f"{path}.xml", **params)
        assert as_json.status_code == as_xml.status_code, path
        root = ET.fromstring(as_xml.content)  # well-formed, or this raises
        assert _from_xml(root) == _as_text(as_json.json()), path
    found = o311.get(f"requests/{case.number}.xml").content.decode()
    assert "&amp; &lt;很吵&gt;" in found and "\x07" not in found
