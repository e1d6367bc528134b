"""A case page is for those who may see the case: another community's worker gets 404, as does
anyone for a number that does not exist; the reporter sees their own case."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import inside, jpeg, minor, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Cast, categories: None, media: object) -> Case:
    lat, lng = inside(cast.grid)
    return actions.report(
        cast.resident,
        category=minor("噪音扰民"),
        description="夜间噪音",
        lat=lat,
        lng=lng,
        photos=[jpeg()],
    ).case


def test_another_communitys_worker_gets_404(cast: Cast, case: Case) -> None:
    response = signed_in(cast.other_community_worker).get(f"/cases/{case.number}/")
    assert response.status_code == 404
    assert "夜间噪音" not in response.content.decode()


def test_another_communitys_worker_cannot_act_or_see_the_photos(cast: Cast, case: Case) -> None:
    client = signed_in(cast.other_community_worker)
    assert client.post(f"/cases/{case.number}/act/confirm/", {}).status_code == 404
    photo = case.photos.get()
    assert client.get(f"/cases/{case.number}/photos/{photo.pk}/").status_code == 404


def test_the_reporter_and_the_grid_worker_see_the_case_and_its_photo(
    cast: Cast, case: Case
) -> None:
    photo = case.photos.get()
    for person in (cast.resident, cast.grid_worker):
        client = signed_in(person)
        assert client.get(f"/cases/{case.number}/").status_code == 200
        response = client.get(f"/cases/{case.number}/photos/{photo.pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_an_unknown_number_is_404(cast: Cast, case: Case) -> None:
    assert signed_in(cast.grid_worker).get("/cases/20990101000001/").status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(cast: Cast, case: Case) -> None:
    from django.test import Client

    response = Client().get(f"/cases/{case.number}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
