"""Nobody sees a page of gongzhi without signing in: they are sent to the login page."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.conftest import Cast

PAGES = [
    "/",
    "/places/",
    "/places/130803001008/",
    "/places/130803001008/grids.geojson",
    "/organisations/",
    "/audit/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_redirected_to_login(client: Client, cast: Cast, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.django_db
def test_anonymous_visitor_cannot_open_a_grid_page(client: Client, cast: Cast) -> None:
    response = client.get(f"/grids/{cast.grid.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_anonymous_visitor_cannot_reveal_personal_data(client: Client, cast: Cast) -> None:
    response = client.post(f"/people/{cast.resident.pk}/reveal/")
    assert response.status_code == 302
    assert "13812341234" not in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_open_to_anonymous_visitors(client: Client, cast: Cast) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
