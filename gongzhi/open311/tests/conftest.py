"""Helpers for the Open311 tests: the default services, a client key, positions inside grids, cases
reported by the cast, and a client that calls /open311/v2/ and parses XML or JSON."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category, Kind
from gongzhi.conftest import Cast
from gongzhi.open311.actions import load_defaults
from gongzhi.open311.keys import issue_key
from gongzhi.open311.models import ApiKey
from gongzhi.places.models import Grid

BASE = "/open311/v2/"
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def inside(grid: Grid) -> tuple[float, float]:
    """(lat, lng) of a point inside the grid."""
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    return point.y, point.x


def category(name: str) -> Category:
    return Category.objects.get(name=name, parent__isnull=False)


def event(code: str) -> Category:
    return Category.objects.get(kind=Kind.EVENT, code=code)


def report(
    cast: Cast,
    name: str = "环境卫生差",
    description: str = "小区门口垃圾堆了三天",
    *,
    reporter: Any = None,
    grid: Grid | None = None,
    days_ago: float = 0,
    **kwargs: Any,
) -> Case:
    """A case reported by a resident (or `reporter`) in the cast's grid, optionally back-dated."""
    lat, lng = inside(grid or cast.grid)
    case = actions.report(
        reporter or cast.resident,
        category=category(name),
        description=description,
        lat=lat,
        lng=lng,
        **kwargs,
    ).case
    if days_ago:
        moment = timezone.now() - dt.timedelta(days=days_ago)
        Case.objects.filter(pk=case.pk).update(reported_at=moment, updated_at=moment)
        case.refresh_from_db()
    return case


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    """A small real image, as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Key:
    row: ApiKey
    raw: str


@pytest.fixture
def services(cast: Cast) -> None:
    """The default categories, and the shipped Open311 attributes given to them as
    `manage.py open311_defaults` gives them."""
    actions.load_default_categories()
    load_defaults()


@pytest.fixture
def key(services: None) -> Key:
    row, raw = issue_key(None, "城市热线客户端")
    return Key(row, raw)


class Open311Client:
    """Calls /open311/v2/<path> and parses the answer by the path's format."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, HTTP_ACCEPT_LANGUAGE="en")

    def post(self, path: str, data: dict[str, Any], **headers: Any) -> Any:
        """Form-encoded, as Open311 clients post (lists repeat their key)."""
        return self.client.post(
            BASE + path,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded; charset=utf-8",
            HTTP_ACCEPT_LANGUAGE="en",
            **headers,
        )

    @staticmethod
    def parse(response: Any) -> Any:
        if response["Content-Type"] == XML_TYPE:
            assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
            return ET.fromstring(response.content)
        assert response["Content-Type"] == JSON_TYPE
        return response.json()


@pytest.fixture
def o311(client: Client) -> Open311Client:
    return Open311Client(client)


def ids(response: Any) -> list[str]:
    """The service_request_ids of a JSON requests answer."""
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def errors(response: Any) -> list[dict[str, Any]]:
    """The error array of a JSON answer (or, for XML, the same read from <errors>)."""
    if response["Content-Type"] == XML_TYPE:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        return [
            {"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
            for e in root.findall("error")
        ]
    assert response["Content-Type"] == JSON_TYPE
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} for e in body)
    return body
