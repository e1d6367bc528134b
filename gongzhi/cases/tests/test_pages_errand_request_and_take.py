"""预约代办: a resident asks for an errand; the grid worker sees it, takes it, does it; the resident
sees the result. Another community's worker never sees it."""

from __future__ import annotations

import re

import pytest

from gongzhi.cases.models import Errand
from gongzhi.conftest import Cast

from .test_pages_support import key_on, signed_in

pytestmark = pytest.mark.django_db


def test_resident_asks_and_the_grid_worker_takes_and_completes_it(cast: Cast) -> None:
    resident = signed_in(cast.resident)
    page = resident.get("/errands/").content.decode()
    response = resident.post(
        "/errands/",
        {"idempotency_key": key_on(page), "what": "代办高龄补贴申请", "details": "行动不便"},
        follow=True,
    )
    errand = Errand.objects.get()
    assert errand.number in response.content.decode()
    assert "Requested" in response.content.decode()

    worker = signed_in(cast.grid_worker)
    listing = worker.get("/errands/").content.decode()
    assert "代办高龄补贴申请" in listing and f"/errands/{errand.number}/take/" in listing
    assert (
        "代办高龄补贴申请"
        not in signed_in(cast.other_community_worker).get("/errands/").content.decode()
    )

    taken = worker.post(
        f"/errands/{errand.number}/take/", {"working_days": 2}, HTTP_HX_REQUEST="true"
    )
    assert taken.status_code == 200
    assert re.search(r'data-state="taken"', taken.content.decode())
    assert "Errand taken." in taken.content.decode()

    worker.post(f"/errands/{errand.number}/complete/", {"result": "已办好，补贴下月发放"})
    errand.refresh_from_db()
    assert errand.state == Errand.State.DONE and errand.taker == cast.grid_worker

    mine = resident.get("/errands/").content.decode()
    assert "已办好，补贴下月发放" in mine and "Done, result returned" in mine


def test_taking_an_errand_twice_gets_409(cast: Cast) -> None:
    resident = signed_in(cast.resident)
    page = resident.get("/errands/").content.decode()
    resident.post("/errands/", {"idempotency_key": key_on(page), "what": "代办证明"})
    errand = Errand.objects.get()
    signed_in(cast.grid_worker).post(f"/errands/{errand.number}/take/", {"working_days": 3})
    again = signed_in(cast.community_worker).post(
        f"/errands/{errand.number}/take/", {"working_days": 3}
    )
    assert again.status_code == 409
    assert "has already been taken" in again.content.decode()


def test_an_errand_without_what_is_refused_with_the_words_kept(cast: Cast) -> None:
    resident = signed_in(cast.resident)
    page = resident.get("/errands/").content.decode()
    response = resident.post(
        "/errands/", {"idempotency_key": key_on(page), "what": "", "details": "下周二以前"}
    )
    assert response.status_code == 400
    assert "下周二以前" in response.content.decode()
    assert Errand.objects.count() == 0
