"""Photos and positions are checked before anything is written: a file that is not an image, a
photo over the size limit, a position outside every grid. A real photo is stored without its
embedded location."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases import actions
from gongzhi.cases.models import Case, CasePhoto, Status
from gongzhi.cases.tests.conftest import STREET_CATEGORY, move, report_in, snapshot
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError
from gongzhi.places.locator import OutOfArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now", "media")]

GPS_IFD = 0x8825


def jpeg_with_gps(
    name: str = "IMG_0001.jpg", size: tuple[int, int] = (800, 600)
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[GPS_IFD] = {
        1: "N",
        2: (40.0, 57.0, 30.0),
        3: "E",
        4: (117.0, 56.0, 10.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_the_test_photo_really_carries_a_position() -> None:
    with Image.open(io.BytesIO(jpeg_with_gps().read())) as image:
        gps = image.getexif().get_ifd(GPS_IFD)
    assert gps[1] == "N" and gps[3] == "E"


def test_a_photo_is_stored_without_its_position_or_other_metadata(cast: Cast, media: Path) -> None:
    case = report_in(cast.resident, cast.grid, photos=[jpeg_with_gps()]).case
    photo = CasePhoto.objects.get(case=case)
    assert (photo.purpose, photo.step) == (
        CasePhoto.Purpose.REPORT,
        case.steps.get(action="report"),
    )
    assert (photo.width, photo.height) == (800, 600)
    stored = Path(photo.image.path)
    assert stored.is_relative_to(media)
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert GPS_IFD not in exif
        assert not exif.get_ifd(GPS_IFD)
        assert 0x010F not in exif and 0x0110 not in exif
    assert b"PhoneMaker" not in stored.read_bytes()


def test_result_photos_are_stored_with_the_response_and_stripped_too(
    cast: Cast, media: Path
) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    actions.respond(cast.department_staff, case.pk, note="已修复", photos=[jpeg_with_gps()])
    photo = CasePhoto.objects.get(case=case)
    assert photo.purpose == CasePhoto.Purpose.RESULT
    assert photo.step == case.steps.get(action="respond")
    with Image.open(photo.image.path) as image:
        assert GPS_IFD not in image.getexif()


def test_a_text_file_named_jpg_is_refused_and_no_case_is_made(cast: Cast) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"just some words, not a picture\n" * 40, "image/jpeg")
    before = snapshot()
    with pytest.raises(ActionError) as refused:
        report_in(cast.resident, cast.grid, photos=[fake], idempotency_key="p-1")
    assert refused.value.status == 400 and refused.value.field == "photos"
    assert snapshot() == before
    assert not Case.objects.exists()


def test_a_30_mb_photo_is_refused_naming_the_limit(cast: Cast, settings: object) -> None:
    huge = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (30 * 1024 * 1024), "image/jpeg"
    )
    before = snapshot()
    with pytest.raises(ActionError) as refused:
        report_in(cast.resident, cast.grid, photos=[huge])
    assert refused.value.status == 400 and refused.value.field == "photos"
    assert "10 MB" in refused.value.message and "30.0 MB" in refused.value.message
    assert snapshot() == before


def test_a_bad_photo_among_good_ones_is_named_and_nothing_is_stored(
    cast: Cast, media: Path
) -> None:
    fake = SimpleUploadedFile("2.jpg", b"GIF89a but not really", "image/jpeg")
    before = snapshot()
    with pytest.raises(ActionError) as refused:
        report_in(cast.resident, cast.grid, photos=[jpeg_with_gps(), fake])
    assert "2" in refused.value.message
    assert snapshot() == before
    assert not list(media.rglob("*.jpg"))


def test_too_many_photos_are_refused(cast: Cast, settings: object) -> None:
    before = snapshot()
    with pytest.raises(ActionError) as refused:
        report_in(cast.resident, cast.grid, photos=[jpeg_with_gps(size=(8, 8)) for _ in range(7)])
    assert refused.value.field == "photos"
    assert snapshot() == before


def test_a_position_outside_every_grid_is_refused_and_nothing_is_written(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(OutOfArea) as refused:
        report_in(cast.resident, cast.grid, lat=39.9042, lng=116.4074, idempotency_key="far-1")
    assert refused.value.status == 400
    assert snapshot() == before
    # Nor is a position that is not on the earth.
    with pytest.raises(ActionError):
        report_in(cast.resident, cast.grid, lat=95.0, lng=117.9)
    assert snapshot() == before
