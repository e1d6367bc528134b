"""The bell in the navigation bar counts unread notifications; opening the list marks them read."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.cases import actions
from gongzhi.conftest import Cast
from gongzhi.core.models import Notification

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def test_a_new_case_rings_the_grid_workers_bell_until_the_list_is_opened(
    cast: Cast, categories: None
) -> None:
    lat, lng = inside(cast.grid)
    case = actions.report(
        cast.resident, category=minor("噪音扰民"), description="夜间噪音", lat=lat, lng=lng
    ).case
    client = signed_in(cast.grid_worker)

    home = client.get("/").content.decode()
    assert re.search(r'id="nav-unread"[^>]*>1<', home)

    listing = client.get("/notifications/").content.decode()
    # Notifications are written in the platform's language, whatever the reader's page shows.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New case %(number)s in your grid") % {"number": case.number}
    assert title in listing
    assert f'href="/cases/{case.number}/"' in listing
    assert not Notification.objects.filter(user=cast.grid_worker, read_at__isnull=True).exists()
    assert 'id="nav-unread"' not in client.get("/").content.decode()
