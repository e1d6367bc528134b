"""The back office pages of Open311 open for administrators, and list a submitter's phone and email
masked."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.open311.models import Open311Request

from .conftest import Key, Open311Client, inside

pytestmark = pytest.mark.django_db


def test_the_pages_open_and_personal_data_is_masked(
    client: Client, o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0101",
            "lat": lat,
            "long": lng,
            "description": "垃圾",
            "first_name": "建国",
            "last_name": "李",
            "phone": "13912345678",
            "email": "lijianguo@example.com",
        },
    )
    record = Open311Request.objects.get()
    client.force_login(cast.administrator)
    for page in (
        "apikey",
        "serviceprofile",
        "serviceattribute",
        "open311request",
        "receivedupdate",
    ):
        assert client.get(f"/admin/open311/{page}/").status_code == 200, page
    for page in (
        "apikey/add/",
        "serviceprofile/add/",
        "serviceattribute/add/",
        f"apikey/{key.row.pk}/change/",
        f"open311request/{record.pk}/change/",
    ):
        assert client.get(f"/admin/open311/{page}").status_code == 200, page
    listing = client.get("/admin/open311/open311request/").content.decode()
    detail = client.get(f"/admin/open311/open311request/{record.pk}/change/").content.decode()
    for text in (listing, detail):
        assert "139****5678" in text and "l***@example.com" in text
        assert "13912345678" not in text and "lijianguo@" not in text
