"""Helpers for the web tests: a browser-like client signed in as one of the cast, in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.people.models import User


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    """Sign `client` in as a user, with English chosen, as a person would through the language menu."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in
