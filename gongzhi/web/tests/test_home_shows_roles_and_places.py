"""The home page greets a person with the roles they hold, where, and the places they look after."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import SHUANGAN, YUXIANGYUAN, Cast
from gongzhi.people.models import User
from gongzhi.places.models import Grid

SignIn = Callable[[User], Client]


@pytest.mark.django_db
def test_community_worker_sees_role_with_community_and_a_link_to_it(
    client_as: SignIn, cast: Cast
) -> None:
    page = client_as(cast.community_worker).get("/").content.decode()
    assert "御祥园社工" in page
    assert "Community worker</span>" in page and "· 御祥园社区" in page
    assert f'href="/places/{YUXIANGYUAN}/"' in page
    assert f'href="/places/{SHUANGAN}/"' not in page


@pytest.mark.django_db
def test_grid_worker_sees_own_grid_with_its_households_only(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.grid_worker).get("/")
    page = response.content.decode()
    assert f'href="/grids/{cast.grid.code}/"' in page
    assert f"{cast.grid.households} households" in page
    assert f'href="/grids/{cast.other_grid.code}/"' not in page
    assert list(response.context["my_grids"]) == [cast.grid]


@pytest.mark.django_db
def test_community_worker_counts_the_grids_of_their_community(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.community_worker).get("/")
    own = Grid.objects.filter(community__code=YUXIANGYUAN)
    assert response.context["totals"]["grids"] == own.count()
    assert sum(g.households for g in own) == response.context["totals"]["households"]


@pytest.mark.django_db
def test_department_staff_sees_their_department_beside_the_role(
    client_as: SignIn, cast: Cast
) -> None:
    page = client_as(cast.department_staff).get("/").content.decode()
    assert "Department staff" in page
    assert "双滦区城市管理综合行政执法局" in page


@pytest.mark.django_db
def test_audit_log_link_only_for_those_who_may_read_it(client_as: SignIn, cast: Cast) -> None:
    assert 'href="/audit/"' in client_as(cast.command_centre).get("/").content.decode()
    assert 'href="/audit/"' not in client_as(cast.community_worker).get("/").content.decode()


@pytest.mark.django_db
def test_account_without_roles_is_told_to_ask_the_community(client_as: SignIn, cast: Cast) -> None:
    nobody = User.objects.create_user("nobody", password="x-y-z-12345")
    page = client_as(nobody).get("/").content.decode()
    assert "You hold no role yet" in page
