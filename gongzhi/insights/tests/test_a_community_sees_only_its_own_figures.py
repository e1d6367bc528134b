"""Scope: each viewer sees the figures of the places their roles cover and nothing else. A scope
outside them is "not found" (404), whether it exists or not; the scope picker offers only what
they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import DISTRICT, SHUANGAN, STREET, XINGGONG, YUXIANGYUAN, Cast
from gongzhi.people.models import User

from .conftest import URLS, ask, counter

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
TODAY = dt.date.today()


@pytest.fixture
def figures(cast: Cast) -> None:
    counter(TODAY, cast.grid.code, reported=7, registered=7, closed=5)
    counter(TODAY, cast.other_community_grid.code, reported=11, registered=11, closed=2)


def test_a_community_worker_sees_their_community_by_default(
    figures: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    client = client_as(cast.community_worker)
    page = ask(client, "dashboard")
    assert page.status_code == 200
    assert page.context["q"].scope.key == YUXIANGYUAN
    assert page.context["board"].totals["reported"] == 7
    offered = {o.param for o in page.context["scope_options"]}
    assert YUXIANGYUAN in offered and cast.grid.code in offered
    assert not {SHUANGAN, STREET, DISTRICT, XINGGONG} & offered
    assert cast.other_community_grid.code not in offered


@pytest.mark.parametrize("scope", [SHUANGAN, STREET, DISTRICT, "130803001999", "worker:1"])
def test_another_community_or_a_wider_place_is_not_found(
    figures: None, cast: Cast, client_as: Callable[[User], Client], scope: str
) -> None:
    client = client_as(cast.community_worker)
    for name in ("dashboard", "report", "screen", "screen_data", "assessments"):
        assert ask(client, name, scope=scope).status_code == 404, name
    assert ask(client, "cases", scope=scope, metric="reported").status_code == 404


def test_another_communitys_worker_cannot_open_this_communitys_figures(
    figures: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    client = client_as(cast.other_community_worker)
    assert ask(client, "dashboard", scope=YUXIANGYUAN).status_code == 404
    assert ask(client, "dashboard", scope=cast.grid.code).status_code == 404
    own = ask(client, "dashboard")
    assert own.context["q"].scope.key == SHUANGAN
    assert own.context["board"].totals["reported"] == 11


def test_a_grid_worker_sees_their_grid_and_not_the_next_one(
    figures: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    client = client_as(cast.grid_worker)
    page = ask(client, "dashboard")
    assert page.context["q"].scope.key == cast.grid.code
    assert ask(client, "dashboard", scope=cast.other_grid.code).status_code == 404
    assert ask(client, "dashboard", scope=YUXIANGYUAN).status_code == 404
    mine = ask(client, "dashboard", scope=f"worker:{cast.grid_worker.pk}")
    assert mine.status_code == 200 and mine.context["board"].totals["reported"] == 7
    assert ask(client, "dashboard", scope=f"worker:{cast.other_grid_worker.pk}").status_code == 404


def test_the_street_and_the_district_see_the_sum_of_their_places(
    figures: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    street = ask(client_as(cast.street_staff), "dashboard")
    assert street.context["q"].scope.key == STREET
    assert street.context["board"].totals["reported"] == 18
    district = ask(client_as(cast.command_centre), "dashboard")
    assert district.context["q"].scope.key == DISTRICT
    assert district.context["board"].totals["reported"] == 18


def test_department_staff_see_their_department_and_no_place(
    figures: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    counter(TODAY, cast.grid.code, unit=f"org:{cast.department.pk}", dispatched=3, handled=2)
    client = client_as(cast.department_staff)
    page = ask(client, "dashboard")
    assert page.context["q"].scope.param == f"org:{cast.department.pk}"
    assert page.context["board"].totals["dispatched"] == 3
    assert ask(client, "dashboard", scope=YUXIANGYUAN).status_code == 404
    assert ask(client, "dashboard", scope=DISTRICT).status_code == 404


def test_residents_and_strangers_get_no_figures(
    cast: Cast, client_as: Callable[[User], Client]
) -> None:
    assert ask(client_as(cast.resident), "dashboard").status_code == 403
    anonymous = Client()
    assert ask(anonymous, "dashboard").status_code == 302  # to the login page
