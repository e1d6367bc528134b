"""GET requests/<id>.{fmt} is a one-element array (404 with the error array when there is none);
any other path under /open311/v2/ answers 404 in the error format, and a method the path does not
take is refused."""

from __future__ import annotations

import pytest

from gongzhi.conftest import Cast

from .conftest import Open311Client, errors, report

pytestmark = pytest.mark.django_db


def test_one_request_is_a_one_element_array_in_both_formats(
    o311: Open311Client, cast: Cast, services: None
) -> None:
    case = report(cast, "违法停车", "车堵消防通道")
    body = o311.get(f"requests/{case.number}.json", jurisdiction_id="shuangluan.gov.cn").json()
    assert isinstance(body, list) and len(body) == 1
    [found] = body
    assert found["service_request_id"] == case.number
    assert found["service_code"] == "E0401" and found["status"] == "open"
    assert found["requested_datetime"].endswith("+08:00")
    assert found["agency_responsible"] == cast.grid.name
    root = o311.parse(o311.get(f"requests/{case.number}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [case.number]


def test_a_missing_request_is_404(o311: Open311Client, cast: Cast, services: None) -> None:
    for fmt in ("json", "xml"):
        response = o311.get(f"requests/20260101999999.{fmt}")
        assert response.status_code == 404
        assert errors(response)[0]["code"] == 404


def test_unknown_paths_and_formats_are_404_in_the_error_format(o311: Open311Client) -> None:
    for path, content_type in (
        ("nothing.json", "application/json; charset=utf-8"),
        ("services.html", "text/xml; charset=utf-8"),
        ("services", "text/xml; charset=utf-8"),
    ):
        response = o311.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == content_type
        assert errors(response)[0]["code"] == 404


def test_a_method_a_path_does_not_take_is_refused(o311: Open311Client) -> None:
    response = o311.client.delete("/open311/v2/services.json")
    assert response.status_code == 405
    assert errors(response)[0]["code"] == 405
    assert o311.client.post("/open311/v2/services.xml").status_code == 405
