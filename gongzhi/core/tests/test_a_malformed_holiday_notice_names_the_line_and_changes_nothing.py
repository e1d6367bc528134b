"""A notice that cannot be read as pasted is refused as a whole: the message names the list and
the line (with its text) that is wrong, and the calendar, the notice and the audit log stay as
they were, whether a notice had been entered before or not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from gongzhi.conftest import Cast
from gongzhi.core.clock import is_working_day
from gongzhi.core.errors import ActionError
from gongzhi.core.holiday_notice import enter_holiday_notice
from gongzhi.core.models import AuditEntry, Holiday, HolidayNotice

pytestmark = pytest.mark.django_db

GOOD = "2027-02-05至2027-02-11"


def state() -> tuple[object, ...]:
    return (
        sorted(Holiday.objects.values_list("date", "kind", "name")),
        list(HolidayNotice.objects.values_list("year", "holiday_text", "workday_text")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("holidays", "workdays", "said"),
    [
        (GOOD + "\n元旦：1月1日\n春节到了", "", "Holidays, line 3 (“春节到了”): cannot read"),
        (GOOD + "\n2月30日", "", "Holidays, line 2 (“2月30日”): there is no such date"),
        (
            "2026-12-31至2027-01-03",
            "",
            "Holidays, line 1 (“2026-12-31至2027-01-03”): 2026-12-31 is not in 2027",
        ),
        (
            GOOD,
            "2月20日\n2028-01-02",
            "Make-up working days, line 2 (“2028-01-02”): 2028-01-02 is not in 2027",
        ),
        (
            GOOD + "\n10月7日至10月1日",
            "",
            "Holidays, line 2 (“10月7日至10月1日”): the range 2027-10-07 to 2027-10-01 ends",
        ),
        (
            GOOD + "\n2027-01-01至2027-03-01",
            "",
            "Holidays, line 2 (“2027-01-01至2027-03-01”): a range of 60 days",
        ),
        (
            GOOD + "\n2月20日（周六）上班",
            "",
            "Holidays, line 2 (“2月20日（周六）上班”): the line says the days are worked",
        ),
        (
            GOOD,
            "2月13日放假",
            "Make-up working days, line 1 (“2月13日放假”): the line says the days are off",
        ),
        (
            GOOD,
            "2月20日\n2月21日、2月9日",
            "2027-02-09 is both a holiday (line 1) and a make-up working day (line 2)",
        ),
        ("", "2月20日", "Enter the holidays of the notice"),
        ("\n  \n", "", "Enter the holidays of the notice"),
        (
            GOOD + "\n11日",
            "",
            "Holidays, line 2 (“11日”): cannot read “11日”: a date needs its month",
        ),
    ],
)
def test_the_message_names_the_bad_line_and_nothing_changes(
    cast: Cast, holidays: str, workdays: str, said: str
) -> None:
    enter_holiday_notice(cast.administrator, 2027, "2027-01-01\n2027-02-05至2027-02-08")
    before = state()

    with translation.override("en"), pytest.raises(ActionError) as refused:
        enter_holiday_notice(cast.administrator, 2027, holidays, workdays)

    assert said in refused.value.message
    assert refused.value.status == 400
    assert state() == before
    assert is_working_day(dt.date(2027, 2, 9)) is True


def test_the_form_shows_the_message_with_a_400_and_keeps_what_was_pasted(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = state()

    response = client.post(
        "/admin/core/holiday/notice/",
        {"year": "2027", "holidays": GOOD + "\n国庆节：10月1日至", "workdays": "2月20日"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Holidays, line 2 (“国庆节：10月1日至”): a range needs its last day" in page
    assert "国庆节：10月1日至</textarea>" in page
    assert state() == before


def test_a_year_out_of_range_is_refused(cast: Cast) -> None:
    with translation.override("en"), pytest.raises(ActionError) as refused:
        enter_holiday_notice(cast.administrator, 1999, "1999-10-01")
    assert "between 2000 and 2100" in refused.value.message
    assert not HolidayNotice.objects.exists()
