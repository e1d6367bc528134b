"""A position outside every grid, or none at all, is refused with a message and nothing typed is
lost (photos must be chosen again, and the page says so)."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import jpeg, key_on, minor, signed_in

pytestmark = pytest.mark.django_db

WORDS = "小区门口的井盖不见了"
BEIJING_TIANANMEN = (39.9087, 116.3975)


def test_a_position_outside_the_district_gets_400_with_the_message_and_the_words_kept(
    cast: Cast, categories: None, media: object
) -> None:
    client = signed_in(cast.resident)
    key = key_on(client.get("/report/").content.decode())
    response = client.post(
        "/report/",
        {
            "idempotency_key": key,
            "category": minor("基础设施损毁").pk,
            "description": WORDS,
            "address": "东门",
            "lat": BEIJING_TIANANMEN[0],
            "lng": BEIJING_TIANANMEN[1],
            "photos": [jpeg()],
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "is outside every grid of the district" in page
    assert WORDS in page and 'value="东门"' in page
    assert key_on(page) == key  # the retry after a fix is still the same report
    assert "please choose them again" in page
    assert Case.objects.count() == 0


def test_no_position_at_all_gets_400_asking_for_one(cast: Cast, categories: None) -> None:
    client = signed_in(cast.resident)
    key = key_on(client.get("/report/").content.decode())
    response = client.post(
        "/report/",
        {"idempotency_key": key, "category": minor("噪音扰民").pk, "description": WORDS},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Set the position" in page and WORDS in page
    assert Case.objects.count() == 0


def test_no_category_suggests_one_from_the_words(cast: Cast, categories: None) -> None:
    client = signed_in(cast.resident)
    key = key_on(client.get("/report/").content.decode())
    response = client.post(
        "/report/", {"idempotency_key": key, "description": "楼下垃圾堆放很久了有异味"}
    )
    assert response.status_code == 400
    assert "we suggest: 环境卫生差" in response.content.decode()
