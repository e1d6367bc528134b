"""The place browser and the grid map show each person only the places inside their scopes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import DISTRICT, SHUANGAN, STREET, XINGGONG, YUXIANGYUAN, Cast
from gongzhi.people.models import User
from gongzhi.places.models import Grid

SignIn = Callable[[User], Client]


def _codes(response) -> set[str]:
    return {f["properties"]["code"] for f in response.json()["features"]}


@pytest.mark.django_db
def test_community_worker_gets_404_for_another_communitys_grid_page(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.community_worker).get(f"/grids/{cast.other_community_grid.code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert cast.other_community_grid.name not in page
    assert "gz-error-message" in page


@pytest.mark.django_db
def test_community_worker_gets_404_for_another_communitys_place_page_and_map(
    client_as: SignIn, cast: Cast
) -> None:
    client = client_as(cast.community_worker)
    assert client.get(f"/places/{SHUANGAN}/").status_code == 404
    response = client.get(f"/places/{SHUANGAN}/grids.geojson")
    assert response.status_code == 404
    assert "features" not in response.json()


@pytest.mark.django_db
def test_community_worker_map_has_only_own_communitys_grids(client_as: SignIn, cast: Cast) -> None:
    own = set(Grid.objects.filter(community__code=YUXIANGYUAN).values_list("code", flat=True))
    client = client_as(cast.community_worker)
    assert _codes(client.get(f"/places/{YUXIANGYUAN}/grids.geojson")) == own
    # Asking for the whole district still gives only their own grids.
    assert _codes(client.get(f"/places/{DISTRICT}/grids.geojson")) == own


@pytest.mark.django_db
def test_grid_worker_map_has_only_their_grid(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.grid_worker).get(f"/places/{YUXIANGYUAN}/grids.geojson")
    assert _codes(response) == {cast.grid.code}
    feature = response.json()["features"][0]
    assert feature["properties"]["url"] == f"/grids/{cast.grid.code}/"
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.django_db
def test_command_centre_sees_every_grid_of_the_district(client_as: SignIn, cast: Cast) -> None:
    client = client_as(cast.command_centre)
    every = set(Grid.objects.filter(code__startswith=DISTRICT).values_list("code", flat=True))
    assert len(every) > 10
    assert _codes(client.get(f"/places/{DISTRICT}/grids.geojson")) == every
    assert client.get(f"/grids/{cast.other_community_grid.code}/").status_code == 200
    assert client.get(f"/places/{SHUANGAN}/").status_code == 200


@pytest.mark.django_db
def test_place_browser_opens_at_the_community_of_a_community_worker(
    client_as: SignIn, cast: Cast
) -> None:
    page = client_as(cast.community_worker).get("/places/").content.decode()
    assert f'href="/places/{YUXIANGYUAN}/"' in page
    assert f'href="/places/{SHUANGAN}/"' not in page
    assert f'href="/places/{DISTRICT}/"' not in page


@pytest.mark.django_db
def test_place_browser_opens_at_the_district_for_the_command_centre(
    client_as: SignIn, cast: Cast
) -> None:
    page = client_as(cast.command_centre).get("/places/").content.decode()
    assert f'href="/places/{DISTRICT}/"' in page
    assert "双滦区" in page


@pytest.mark.django_db
def test_street_page_lists_its_communities_with_their_grid_counts(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.street_staff).get(f"/places/{STREET}/")
    assert response.status_code == 200
    counts = {row.division.code: row.grids for row in response.context["children"]}
    assert counts[YUXIANGYUAN] == Grid.objects.filter(community__code=YUXIANGYUAN).count()
    assert counts[SHUANGAN] == Grid.objects.filter(community__code=SHUANGAN).count()
    page = response.content.decode()
    assert f"{counts[YUXIANGYUAN]} grids" in page
    # 行宫社区 lies in another street: not a child here.
    assert XINGGONG not in counts


@pytest.mark.django_db
def test_street_staff_cannot_open_a_grid_of_another_street(client_as: SignIn, cast: Cast) -> None:
    other_street_grid = Grid.objects.filter(community__code=XINGGONG).first()
    assert other_street_grid is not None
    client = client_as(cast.street_staff)
    assert client.get(f"/grids/{other_street_grid.code}/").status_code == 404
    assert client.get(f"/grids/{cast.other_community_grid.code}/").status_code == 200


@pytest.mark.django_db
def test_community_page_shows_breadcrumb_map_and_list_of_its_grids(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.community_worker).get(f"/places/{YUXIANGYUAN}/")
    page = response.content.decode()
    breadcrumb = page[page.index('class="breadcrumb') : page.index("</ol>")]
    assert (
        breadcrumb.index("双滦区") < breadcrumb.index("元宝山街道") < breadcrumb.index("御祥园社区")
    )
    assert 'id="grid-map"' in page
    assert f'data-geojson-url="/places/{YUXIANGYUAN}/grids.geojson"' in page
    own = Grid.objects.filter(community__code=YUXIANGYUAN)
    assert page.count("data-grid-code=") == own.count()


@pytest.mark.django_db
def test_unknown_place_is_a_404_with_a_message(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.command_centre).get("/places/999999/")
    assert response.status_code == 404
    assert "gz-error-message" in response.content.decode()
