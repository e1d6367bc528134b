"""Only administrators enter the State Council's holiday notice: anyone else is refused, by the
action (NotAllowed) and by the back-office form (403), and the calendar stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.core.clock import calendar_is_provisional
from gongzhi.core.errors import NotAllowed
from gongzhi.core.holiday_notice import enter_holiday_notice
from gongzhi.core.models import AuditEntry, Holiday, HolidayNotice

pytestmark = pytest.mark.django_db


def unchanged() -> None:
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert not HolidayNotice.objects.exists()
    assert not AuditEntry.objects.filter(action="core.enter_holiday_notice").exists()
    assert calendar_is_provisional(2027) is True


@pytest.mark.parametrize(
    "who", ["command_centre", "street_staff", "community_secretary", "anonymous"]
)
def test_someone_other_than_an_administrator_is_refused(cast: Cast, who: str) -> None:
    with pytest.raises(NotAllowed):
        enter_holiday_notice(getattr(cast, who), 2027, "2027-02-05至2027-02-11")
    unchanged()


def test_the_back_office_form_is_forbidden_to_staff_who_may_see_the_holidays(cast: Cast) -> None:
    staff = cast.command_centre
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_holiday"))
    client = Client()
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    listing = client.get("/admin/core/holiday/")
    assert listing.status_code == 200
    assert "Enter the State Council's notice" not in listing.content.decode()
    assert client.get("/admin/core/holiday/notice/").status_code == 403
    posted = client.post(
        "/admin/core/holiday/notice/", {"year": "2027", "holidays": "2027-02-05至2027-02-11"}
    )
    assert posted.status_code == 403
    unchanged()
    assert dt.date(2027, 2, 9) not in set(Holiday.objects.values_list("date", flat=True))
