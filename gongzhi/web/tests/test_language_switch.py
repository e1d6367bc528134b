"""Pages are in Chinese by default; the language menu switches them to English and back."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.conftest import Cast


@pytest.mark.django_db
def test_pages_are_in_chinese_by_default(client: Client, cast: Cast) -> None:
    client.force_login(cast.community_worker)
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "注销" in page  # "Log out", from Django's own Chinese catalogue
    assert "Log out" not in page


@pytest.mark.django_db
def test_language_menu_switches_to_english(client: Client, cast: Cast) -> None:
    client.force_login(cast.community_worker)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/places/"})
    assert response.status_code == 302
    assert response["Location"] == "/places/"
    page = client.get("/places/").content.decode()
    assert '<html lang="en">' in page
    assert "Log out" in page
    assert "注销" not in page


@pytest.mark.django_db
def test_language_menu_switches_back_to_chinese(client: Client, cast: Cast) -> None:
    client.force_login(cast.community_worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_login_page_error_follows_the_language(client: Client, cast: Cast) -> None:
    wrong = {"username": "resident", "password": "wrong"}
    assert "请输入一个正确的" in client.post("/login/", wrong).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Please enter a correct" in client.post("/login/", wrong).content.decode()


@pytest.mark.django_db
def test_language_menu_offers_both_languages(client: Client, cast: Cast) -> None:
    page = client.get("/login/").content.decode()
    assert 'name="language" value="zh-hans"' in page
    assert 'name="language" value="en"' in page
