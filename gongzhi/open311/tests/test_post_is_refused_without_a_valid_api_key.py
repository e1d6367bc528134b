"""POST requests needs a valid api_key: missing, unknown or revoked keys get 403 and the error
array, in the format asked for, and nothing is created."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.open311.keys import revoke_key

from .conftest import Key, Open311Client, errors, inside

pytestmark = pytest.mark.django_db


def _data(cast: Cast, **extra: str) -> dict[str, object]:
    lat, lng = inside(cast.grid)
    return {"service_code": "E0101", "lat": lat, "long": lng, "description": "垃圾", **extra}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_an_api_key_is_403(
    o311: Open311Client, cast: Cast, key: Key, fmt: str
) -> None:
    response = o311.post(f"requests.{fmt}", _data(cast))
    assert response.status_code == 403
    [error] = errors(response)
    assert error["code"] == 403 and "api_key" in error["description"]
    assert not Case.objects.exists()


def test_an_empty_api_key_is_the_same_as_none(o311: Open311Client, cast: Cast, key: Key) -> None:
    assert o311.post("requests.json", _data(cast, api_key="")).status_code == 403


def test_an_unknown_api_key_is_403(o311: Open311Client, cast: Cast, key: Key) -> None:
    # One character off, and never the key itself (a key may end in "x").
    wrong = key.raw[:-1] + ("y" if key.raw.endswith("x") else "x")
    response = o311.post("requests.json", _data(cast, api_key=wrong))
    assert response.status_code == 403
    assert errors(response)[0]["code"] == 403


def test_a_revoked_api_key_is_403(o311: Open311Client, cast: Cast, key: Key) -> None:
    assert o311.post("requests.json", _data(cast, api_key=key.raw)).status_code == 200
    revoke_key(None, key.row)
    response = o311.post("requests.xml", _data(cast, api_key=key.raw))
    assert response.status_code == 403
    assert errors(response)[0]["code"] == 403
    assert Case.objects.count() == 1


def test_the_key_may_come_in_the_query_string(o311: Open311Client, cast: Cast, key: Key) -> None:
    response = o311.client.post(f"/open311/v2/requests.json?api_key={key.raw}", _data(cast))
    assert response.status_code == 200, response.content


def test_errors_speak_chinese_unless_the_client_asks_for_english(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    response = o311.client.post("/open311/v2/requests.json", _data(cast))
    description = errors(response)[0]["description"]
    assert "api_key" in description and "密钥" in description


def test_a_post_needs_no_csrf_token(cast: Cast, key: Key) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/open311/v2/requests.json", _data(cast, api_key=key.raw))
    assert response.status_code == 200, response.content
