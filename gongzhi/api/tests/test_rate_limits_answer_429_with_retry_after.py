"""Rate limits: per token (reads and writes counted apart), per client IP for requests without a
token and for tokens that fail. Over the limit: 429, our JSON error and Retry-After in seconds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import Api
from gongzhi.conftest import Cast
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db


def limited(response: Any) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited" and body["field"] is None
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_token_has_its_own_read_limit(
    cast: Cast, settings: Any, api_as: Callable[[User | None], Api]
) -> None:
    settings.API_RATE_READ = "3/m"
    worker, resident = api_as(cast.grid_worker), api_as(cast.resident)
    assert [worker.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    limited(worker.get("/api/v1/me"))
    assert resident.get("/api/v1/me").status_code == 200  # another token, another count


def test_writes_are_counted_apart_from_reads(
    cast: Cast, settings: Any, api_as: Callable[[User | None], Api]
) -> None:
    settings.API_RATE_WRITE = "2/m"
    api = api_as(cast.resident)
    for _ in range(2):
        assert api.post("/api/v1/errands", {"what": "代办证明"}).status_code == 201
    limited(api.post("/api/v1/errands", {"what": "代办证明"}))
    assert api.get("/api/v1/errands").status_code == 200


def test_anonymous_requests_are_limited_per_ip(cast: Cast, settings: Any) -> None:
    settings.API_RATE_ANONYMOUS = "2/m"
    here, there = Api(Client(REMOTE_ADDR="10.0.0.1")), Api(Client(REMOTE_ADDR="10.0.0.2"))
    assert [here.get("/api/v1/categories").status_code for _ in range(2)] == [200, 200]
    limited(here.get("/api/v1/echo-wall"))
    assert there.get("/api/v1/categories").status_code == 200


def test_failed_tokens_are_limited_per_ip(cast: Cast, settings: Any) -> None:
    settings.API_RATE_BAD_TOKEN = "3/m"
    guesser = Api(Client(REMOTE_ADDR="10.0.0.9"), "gz_guess")
    assert [guesser.get("/api/v1/me").status_code for _ in range(3)] == [401, 401, 401]
    limited(guesser.get("/api/v1/me"))


def test_a_limit_set_to_none_is_off(
    cast: Cast, settings: Any, api_as: Callable[[User | None], Api]
) -> None:
    settings.API_RATE_READ = None
    api = api_as(cast.grid_worker)
    assert {api.get("/api/v1/me").status_code for _ in range(30)} == {200}
