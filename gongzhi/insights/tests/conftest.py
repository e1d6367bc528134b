"""Helpers of the insights tests: hand-made counter rows, a held clock (the whole process's), cases
moved along the workflow, and a client signed in as one of the cast (in English)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category, Tier
from gongzhi.conftest import Cast
from gongzhi.insights.counters import bump
from gongzhi.insights.models import CaseCounter
from gongzhi.people.models import User
from gongzhi.places.models import Grid
from gongzhi.testing import HeldClock, held_clock, put_back

BEIJING = ZoneInfo("Asia/Shanghai")
URLS = "gongzhi.insights.tests.urls"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def counter(
    day: dt.date, grid_code: str, category_id: int = 1, unit: str = "", **metrics: int
) -> CaseCounter:
    """Hand-made counts, added as the case actions add them (the day cell and its roll-ups)."""
    bump(day, grid_code, category_id, unit, **{m: v for m, v in metrics.items() if v})
    return CaseCounter.objects.get(day=day, grid_code=grid_code, category_id=category_id, unit=unit)


# The held clock of these tests (gongzhi.testing.HeldClock): clock.moment, clock.set(moment),
# clock.advance(hours=…).
Clock = HeldClock


@pytest.fixture
def clock() -> Iterator[Clock]:
    with held_clock(at(2026, 9, 14, 9, 0)) as held:  # a Monday, far from holidays
        yield held


@pytest.fixture
def categories(cast: Cast) -> None:
    put_back("categories", actions.load_default_categories)


def report_in(
    cast: Cast, grid: Grid | None = None, name: str = "物业纠纷", text: str = "电梯坏了"
) -> Case:
    grid = grid or cast.grid
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    category = Category.objects.get(name=name)
    return actions.report(
        cast.resident, category=category, description=text, lat=point.y, lng=point.x
    ).case


def handle(cast: Cast, case: Case) -> Case:
    """confirm → register → dispatch to the community → respond: ready to verify (御祥园's staff)."""
    actions.confirm(cast.community_worker, case.pk)
    actions.register(cast.community_worker, case.pk)
    actions.dispatch(cast.community_worker, case.pk, tier=Tier.COMMUNITY)
    return actions.respond(cast.community_worker, case.pk, note="处理好了")


def close(cast: Cast, case: Case) -> Case:
    actions.verify(cast.community_worker, case.pk, passed=True)
    return actions.close(cast.community_worker, case.pk, public_answer="已处理")


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """A request leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it): put the default back so that later tests see what a fresh process
    would."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in


def ask(client: Client, name: str, **params: Any) -> Any:
    from django.urls import reverse

    return client.get(reverse(f"insights:{name}"), params)
