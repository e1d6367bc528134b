"""Every error is JSON {code, message, field} with the right status, and the message is Chinese
whatever language the client asks for: the actions' refusals, django-ninja's validation errors,
unknown URLs and methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from gongzhi.api.tests.conftest import Api, move, report_as
from gongzhi.cases.models import Status
from gongzhi.conftest import Cast
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db
CJK = range(0x4E00, 0xA000)


ANY = object()


def error(response: Any, status: int, code: str, field: Any = None) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == code
    assert field is ANY or body["field"] == field
    return str(body["message"])


def is_chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


def chinese(msgid: str, **params: Any) -> str:
    """The message as the catalogue says it in Chinese now (a translator may still polish it)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid) % params if params else translation.gettext(msgid)
    assert is_chinese(text), msgid
    return text


def test_not_found_and_not_allowed_come_from_the_actions_in_chinese(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    case = report_as(cast.resident, cast)
    api = api_as(cast.other_grid_worker)
    missing = api.get("/api/v1/cases/2099010100000001", HTTP_ACCEPT_LANGUAGE="en")
    assert error(missing, 404, "not_found") == chinese("No such case, or you may not see it.")
    # The community worker sees the case: a step that no longer applies is a conflict.
    refused = api_as(cast.community_worker).post(
        f"/api/v1/cases/{case.number}/actions/follow_up", {"note": "回访了"}
    )
    message = error(refused, 409, "conflict")
    assert is_chinese(message) and case.number in message
    closed = move(cast, case, Status.CLOSED)
    not_theirs = api_as(cast.community_worker).post(
        f"/api/v1/cases/{closed.number}/actions/rate", {"rating": "satisfied"}
    )
    assert error(not_theirs, 403, "not_allowed") == chinese(
        "You may not do this to case %(number)s.", number=closed.number
    )


def test_validation_errors_are_400_with_the_field_in_chinese(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    api = api_as(cast.grid_worker)
    too_small = api.get("/api/v1/cases", {"limit": 0}, HTTP_ACCEPT_LANGUAGE="en-US")
    assert error(too_small, 400, "invalid", "limit") == chinese(
        "Ensure this value is greater than or equal to %(limit_value)s.", limit_value=1
    )
    missing = api.post("/api/v1/cases", {"kind": "event", "category": "0602", "lat": 40.9})
    assert error(missing, 400, "invalid", "lng") == chinese("This field is required.")
    wrong_type = api.post(
        "/api/v1/cases", {"kind": "event", "category": "0602", "lat": "north", "lng": 117}
    )
    assert error(wrong_type, 400, "invalid", "lat") == chinese("Enter a number.")
    choice = api.get("/api/v1/cases", {"view": "everything"})
    assert is_chinese(error(choice, 400, "invalid", "view"))
    nul = api.post(
        "/api/v1/cases",
        {"kind": "event", "category": "0602", "lat": 40.9, "lng": 117.7, "description": "a\x00b"},
    )
    assert is_chinese(error(nul, 400, "invalid", "description"))
    unknown_category = api.post(
        "/api/v1/cases", {"kind": "event", "category": "9999", "lat": 40.9, "lng": 117.7}
    )
    assert error(unknown_category, 400, "invalid", "category") == chinese(
        "Choose a category from the list."
    )
    outside = api.post(
        "/api/v1/cases",
        {"kind": "event", "category": "0602", "lat": 10.0, "lng": 10.0, "description": "漏水"},
    )
    assert error(outside, 400, "out_of_area", "position")


def test_a_body_that_is_not_json_is_400(cast: Cast, token_for: Callable[[User], str]) -> None:
    response = Client().post(
        "/api/v1/cases",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(cast.grid_worker)}"},
    )
    error(response, 400, "invalid")
    array = Api(Client(), token_for(cast.grid_worker)).post("/api/v1/cases", [1, 2])
    error(array, 400, "invalid", ANY)


def test_unknown_urls_and_methods_answer_json(
    cast: Cast, api_as: Callable[[User | None], Api]
) -> None:
    api = api_as(cast.grid_worker)
    error(api.get("/api/v1/no/such/thing"), 404, "not_found")
    error(api.get("/api/v1/cases/"), 404, "not_found")  # no redirect to add or drop a slash
    wrong = api.client.delete("/api/v1/cases")
    error(wrong, 405, "method_not_allowed")
    assert "GET" in wrong["Allow"]


def test_without_a_token_the_error_is_401_json(cast: Cast) -> None:
    message = error(Api(Client()).get("/api/v1/cases"), 401, "unauthorized")
    assert "Bearer" in message


def test_numbers_too_large_for_the_database_are_400_not_500(
    cast: Cast, categories: None, api_as: Callable[[User | None], Api]
) -> None:
    case = move(cast, report_as(cast.resident, cast), Status.REGISTERED)
    api = api_as(cast.community_worker)
    url = f"/api/v1/cases/{case.number}/actions"
    huge = 10**30
    error(api.post(f"{url}/dispatch", {"tier": "street", "unit": huge}), 400, "invalid", "unit")
    error(api.post(f"{url}/summon", {"departments": [huge], "hours": 2}), 400, "invalid", ANY)
    error(api.post(f"{url}/report_for_duty", {"duty": huge}), 400, "invalid", "duty")
    error(api.get("/api/v1/cases", {"limit": huge}), 400, "invalid", "limit")
