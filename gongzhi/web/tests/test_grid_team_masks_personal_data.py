"""The grid page lists the 1+1+X+Y team with phone numbers masked; the reveal button is only
offered to those whose work needs the full number."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import PASSWORD, Cast
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role, User

SignIn = Callable[[User], Client]


@pytest.fixture
def team(cast: Cast) -> dict[str, User]:
    """A leader and a volunteer (a Y force) join the grid beside its grid worker."""
    leader = User.objects.create_user(
        "leader", password=PASSWORD, full_name="王网格长", phone="13700000011"
    )
    volunteer = User.objects.create_user(
        "volunteer", password=PASSWORD, full_name="赵志愿", phone="13700000012"
    )
    assign_role(None, leader, Role.GRID_LEADER, cast.grid.code)
    assign_role(None, volunteer, Role.BUILDING_HEAD, cast.grid.code, title="志愿者")
    return {"leader": leader, "volunteer": volunteer}


@pytest.mark.django_db
def test_team_phones_are_masked_for_the_community_worker(
    client_as: SignIn, cast: Cast, team: dict[str, User]
) -> None:
    response = client_as(cast.community_worker).get(f"/grids/{cast.grid.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for name, full, masked in [
        ("御祥园网格员", "13900000008", "139****0008"),
        ("王网格长", "13700000011", "137****0011"),
        ("赵志愿", "13700000012", "137****0012"),
    ]:
        assert name in page
        assert masked in page
        assert full not in page


@pytest.mark.django_db
def test_team_is_grouped_into_leader_workers_and_others(
    client_as: SignIn, cast: Cast, team: dict[str, User]
) -> None:
    response = client_as(cast.community_worker).get(f"/grids/{cast.grid.code}/")
    sections = {s.key: [m.membership.user for m in s.members] for s in response.context["team"]}
    assert sections == {
        "instructors": [],
        "leaders": [team["leader"]],
        "workers": [cast.grid_worker],
        "others": [team["volunteer"]],
    }


@pytest.mark.django_db
def test_reveal_button_is_offered_to_the_community_worker(client_as: SignIn, cast: Cast) -> None:
    page = client_as(cast.community_worker).get(f"/grids/{cast.grid.code}/").content.decode()
    assert f'hx-post="/people/{cast.grid_worker.pk}/reveal/"' in page
    assert "Show full number" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer", ["department_staff", "command_centre", "street_staff", "resident"]
)
def test_reveal_button_is_not_offered_to_roles_that_do_not_need_it(
    client_as: SignIn, cast: Cast, viewer: str
) -> None:
    response = client_as(getattr(cast, viewer)).get(f"/grids/{cast.grid.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "139****0008" in page
    assert "/reveal/" not in page
    assert "Show full number" not in page


@pytest.mark.django_db
def test_grid_worker_sees_their_own_number_in_full(client_as: SignIn, cast: Cast) -> None:
    page = client_as(cast.grid_worker).get(f"/grids/{cast.grid.code}/").content.decode()
    assert 'href="tel:13900000008"' in page
    assert f"/people/{cast.grid_worker.pk}/reveal/" not in page


@pytest.mark.django_db
def test_grid_page_lists_its_estates_and_draws_its_polygon(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.grid_worker).get(f"/grids/{cast.grid.code}/")
    page = response.content.decode()
    assert f"{cast.grid.name}小区" in page  # the estate the cast's resident lives in
    assert 'id="grid-map"' in page
    assert 'id="grid-geojson"' in page
    assert [
        f["properties"]["code"] for f in response.context["feature_collection"]["features"]
    ] == [cast.grid.code]
