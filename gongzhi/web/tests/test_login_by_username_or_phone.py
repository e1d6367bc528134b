"""People sign in with their username or their mobile number and the same password."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.conftest import PASSWORD, Cast


def _sign_in(client: Client, login: str, password: str = PASSWORD):
    return client.post("/login/", {"username": login, "password": password}, follow=True)


@pytest.mark.django_db
def test_resident_signs_in_with_username_and_lands_on_home(client: Client, cast: Cast) -> None:
    response = _sign_in(client, "resident")
    assert response.redirect_chain[-1] == ("/", 302)
    assert response.context["user"] == cast.resident
    assert "张秀英" in response.content.decode()


@pytest.mark.django_db
def test_resident_signs_in_with_mobile_number(client: Client, cast: Cast) -> None:
    response = _sign_in(client, "13812341234")
    assert response.redirect_chain[-1] == ("/", 302)
    assert response.context["user"] == cast.resident


@pytest.mark.django_db
def test_wrong_password_keeps_the_login_page_with_an_error(client: Client, cast: Cast) -> None:
    client.cookies["django_language"] = "en"
    response = _sign_in(client, "13812341234", "not-the-password")
    assert response.status_code == 200
    assert response.redirect_chain == []
    page = response.content.decode()
    assert "Please enter a correct" in page
    assert 'class="alert alert-danger"' in page
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_signed_in_person_is_sent_from_login_page_to_where_they_were_going(
    client: Client, cast: Cast
) -> None:
    response = client.post(
        "/login/?next=/organisations/",
        {"username": "community_worker", "password": PASSWORD, "next": "/organisations/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"


@pytest.mark.django_db
def test_logging_out_returns_to_the_login_page(client: Client, cast: Cast) -> None:
    client.force_login(cast.resident)
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert client.get("/").status_code == 302
