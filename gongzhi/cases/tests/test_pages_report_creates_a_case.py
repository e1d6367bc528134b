"""随手拍: a resident sends a photo, a position and a few words, and sees the new case's number."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case, Source, Status
from gongzhi.conftest import Cast

from .test_pages_support import inside, jpeg, key_on, minor, signed_in

pytestmark = pytest.mark.django_db


def test_resident_reports_with_a_photo_and_sees_the_case_number(
    cast: Cast, categories: None, media: object
) -> None:
    client = signed_in(cast.resident)
    form = client.get("/report/")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    lat, lng = inside(cast.grid)

    response = client.post(
        "/report/",
        {
            "idempotency_key": key_on(page),
            "category": minor("环境卫生差").pk,
            "description": "楼下垃圾堆了一周没人清运",
            "lat": lat,
            "lng": lng,
            "photos": [jpeg()],
        },
        follow=True,
    )

    case = Case.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/report/sent/{case.number}/"
    shown = response.content.decode()
    assert case.number in shown
    assert "Awaiting confirmation" in shown
    assert f'href="/cases/{case.number}/"' in shown
    assert case.status == Status.REPORTED and case.source == Source.RESIDENT_APP
    assert case.grid_code == cast.grid.code and case.photos.count() == 1


def test_grid_worker_uses_the_same_page_for_a_patrol_report(
    cast: Cast, categories: None, media: object
) -> None:
    client = signed_in(cast.grid_worker)
    page = client.get("/report/").content.decode()
    assert "Patrol report" in page
    lat, lng = inside(cast.grid)
    client.post(
        "/report/",
        {
            "idempotency_key": key_on(page),
            "category": minor("环境卫生差").pk,
            "description": "巡查发现垃圾堆放",
            "lat": lat,
            "lng": lng,
        },
    )
    assert Case.objects.get().source == Source.PATROL


def test_community_worker_enters_a_phone_in_case_with_the_callers_words(
    cast: Cast, categories: None, media: object
) -> None:
    client = signed_in(cast.community_worker)
    page = client.get("/report/hotline/").content.decode()
    assert "What the caller said" in page
    lat, lng = inside(cast.grid)
    response = client.post(
        "/report/hotline/",
        {
            "idempotency_key": key_on(page),
            "category": minor("噪音扰民").pk,
            "description": "来电反映楼下商铺夜间噪音",
            "lat": lat,
            "lng": lng,
        },
        follow=True,
    )
    case = Case.objects.get()
    assert case.source == Source.HOTLINE
    assert case.number in response.content.decode()


def test_residents_cannot_open_the_phone_in_page(cast: Cast, categories: None) -> None:
    assert signed_in(cast.resident).get("/report/hotline/").status_code == 403
