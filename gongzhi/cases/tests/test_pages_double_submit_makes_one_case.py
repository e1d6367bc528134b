"""A double click, or a retry after the connection dropped, sends the same form twice: one case."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import inside, key_on, minor, signed_in

pytestmark = pytest.mark.django_db


def test_the_same_form_sent_twice_makes_one_case_and_both_show_its_number(
    cast: Cast, categories: None, media: object
) -> None:
    client = signed_in(cast.resident)
    page = client.get("/report/").content.decode()
    lat, lng = inside(cast.grid)
    form = {
        "idempotency_key": key_on(page),
        "category": minor("噪音扰民").pk,
        "description": "夜里楼上装修噪音很大",
        "lat": lat,
        "lng": lng,
    }

    first = client.post("/report/", form)
    second = client.post("/report/", form)

    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/report/sent/{case.number}/"


def test_each_time_the_page_is_opened_it_hands_out_a_new_key(cast: Cast, categories: None) -> None:
    client = signed_in(cast.resident)
    assert key_on(client.get("/report/").content.decode()) != key_on(
        client.get("/report/").content.decode()
    )
