"""Helpers for the page tests (no tests here): a browser-like client signed in as one of the cast
in English, a point inside a grid, a small real JPEG, and the idempotency key a page handed out."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from shapely.geometry import shape

from gongzhi.cases.models import Category
from gongzhi.people.models import User
from gongzhi.places.models import Grid


def signed_in(user: User) -> Client:
    """A client signed in as `user`, with English chosen as a person would in the language menu."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def anonymous() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def inside(grid: Grid) -> tuple[float, float]:
    """(lat, lng) of a point inside the grid."""
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    return point.y, point.x


def jpeg(name: str = "photo.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def minor(name: str) -> Category:
    return Category.objects.get(name=name, parent__isnull=False)


def key_on(page: str) -> str:
    """The idempotency key hidden in a form the page rendered."""
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    assert found, "the form carries no idempotency key"
    return found.group(1)
