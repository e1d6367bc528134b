"""Helpers for the API tests: tokens for the cast, a JSON client, a case at each step, and a rate
limit cache emptied before each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from shapely.geometry import shape

from gongzhi.api.actions import issue_token
from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category, Status, Tier
from gongzhi.conftest import Cast
from gongzhi.people.models import User
from gongzhi.testing import put_back


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@dataclass
class Api:
    """A test client that sends JSON and a bearer token."""

    client: Client
    token: str | None = None

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.token is not None:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, url: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(url, params or {}, headers=self._headers(headers))

    def post(self, url: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            url,
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )


@pytest.fixture
def token_for(db: None) -> Callable[[User], str]:
    made: dict[int, str] = {}

    def make(user: User) -> str:
        if user.pk not in made:
            made[user.pk] = issue_token(None, user, name="tests").secret
        return made[user.pk]

    return make


@pytest.fixture
def api_as(client: Client, token_for: Callable[[User], str]) -> Callable[[User | None], Api]:
    """A JSON client acting as `user` through a personal token (None: no token)."""

    def make(user: User | None) -> Api:
        return Api(Client(), token_for(user) if user is not None else None)

    return make


@pytest.fixture
def categories(cast: Cast) -> None:
    """The default categories, loaded after the cast so that their rules name its department."""
    put_back("categories", actions.load_default_categories)


def inside(grid: Any) -> tuple[float, float]:
    """A (lat, lng) inside the grid."""
    point = shape(grid.boundary).representative_point()
    return point.y, point.x


@pytest.fixture
def reported(cast: Cast, categories: None) -> Case:
    """A resident's report in the cast's grid, awaiting confirmation."""
    lat, lng = inside(cast.grid)
    return actions.report(
        cast.resident,
        category=Category.objects.get(name="物业纠纷"),
        description="小区电梯坏了三天没人修",
        lat=lat,
        lng=lng,
    ).case


PATH = (
    Status.REPORTED,
    Status.CONFIRMED,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.RESPONDED,
    Status.VERIFIED,
    Status.CLOSED,
)


def move(cast: Cast, case: Case, to: Status) -> Case:
    """Move a case along the workflow up to `to`, each step by someone who holds it: the grid
    worker confirms, registers and verifies, the community worker dispatches to the department and
    closes, the department's staff accept and respond."""
    steps: dict[Status, Callable[[], object]] = {
        Status.CONFIRMED: lambda: actions.confirm(cast.grid_worker, case.pk),
        Status.REGISTERED: lambda: actions.register(cast.grid_worker, case.pk),
        Status.DISPATCHED: lambda: actions.dispatch(
            cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department
        ),
        Status.HANDLING: lambda: actions.accept(cast.department_staff, case.pk),
        Status.RESPONDED: lambda: actions.respond(cast.department_staff, case.pk, note="已修好"),
        Status.VERIFIED: lambda: actions.verify(cast.grid_worker, case.pk, passed=True),
        Status.CLOSED: lambda: actions.close(
            cast.community_worker, case.pk, public_answer="已修复"
        ),
    }
    current = Status(Case.objects.get(pk=case.pk).status)
    for status in PATH[PATH.index(current) + 1 : PATH.index(to) + 1]:
        steps[status]()
    return Case.objects.get(pk=case.pk)


def report_as(user: User, cast: Cast, description: str = "小区电梯坏了三天没人修") -> Case:
    lat, lng = inside(cast.grid)
    return actions.report(
        user,
        category=Category.objects.get(name="物业纠纷"),
        description=description,
        lat=lat,
        lng=lng,
    ).case
