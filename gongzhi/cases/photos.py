"""Photo checks for reports and results: a real image of an accepted type and size, re-encoded so
that its embedded location (EXIF GPS) and other metadata are not stored."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongzhi.core.errors import ActionError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_SIDE = 2560


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile[bytes]
    width: int
    height: int


def clean_photo(upload: Any, *, index: int = 1) -> CleanPhoto:
    """A checked JPEG without metadata, or an ActionError naming the photo and what is wrong."""
    limit = settings.MAX_PHOTO_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ActionError(
            _("Photo %(n)s is %(size).1f MB; the limit is %(limit)d MB.")
            % {"n": index, "size": size / 1048576, "limit": limit // 1048576},
            field="photos",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ActionError(
            _("Photo %(n)s is larger than %(limit)d MB.") % {"n": index, "limit": limit // 1048576},
            field="photos",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED_FORMATS:
            raise ActionError(
                _("Photo %(n)s is a %(kind)s file; send a JPEG, PNG or WebP photo.")
                % {"n": index, "kind": kind},
                field="photos",
            )
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > settings.MAX_PHOTO_PIXELS:
                raise ActionError(
                    _("Photo %(n)s has too many pixels.") % {"n": index}, field="photos"
                )
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # Saving without exif= drops the metadata, the GPS position among it.
            upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except ActionError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ActionError(
            _("Photo %(n)s is not an image we can read (JPEG, PNG or WebP).") % {"n": index},
            field="photos",
        ) from exc
    return CleanPhoto(ContentFile(out.getvalue(), name="photo.jpg"), upright.width, upright.height)
