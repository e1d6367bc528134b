"""Photos are checked by the report action: a text file named .jpg, a photo over the size limit and
too many photos are each refused with a message naming what is wrong; no case is made."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import inside, jpeg, key_on, minor, signed_in

pytestmark = pytest.mark.django_db


def _send(cast: Cast, photos: list[SimpleUploadedFile]) -> str:
    client = signed_in(cast.resident)
    key = key_on(client.get("/report/").content.decode())
    lat, lng = inside(cast.grid)
    response = client.post(
        "/report/",
        {
            "idempotency_key": key,
            "category": minor("环境卫生差").pk,
            "description": "垃圾桶满了",
            "lat": lat,
            "lng": lng,
            "photos": photos,
        },
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0
    page = response.content.decode()
    assert "垃圾桶满了" in page and "please choose them again" in page
    return page


def test_a_text_file_named_jpg_is_refused(cast: Cast, categories: None, media: object) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"not a photo at all\n", content_type="image/jpeg")
    assert "Photo 1 is not an image we can read" in _send(cast, [fake])


def test_a_photo_over_the_size_limit_is_refused(
    cast: Cast, categories: None, media: object
) -> None:
    big = SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    assert "the limit is 10 MB" in _send(cast, [big])


def test_too_many_photos_are_refused(cast: Cast, categories: None, media: object) -> None:
    assert "At most 6 photos" in _send(cast, [jpeg(f"p{i}.jpg") for i in range(7)])
