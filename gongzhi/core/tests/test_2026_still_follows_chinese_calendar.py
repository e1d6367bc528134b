"""2026, which `chinese_calendar` covers, keeps the State Council's calendar from the package and
is never provisional: National Day Thu 10-01 to Wed 10-07 off, Sat 10-10 and Sun 09-20 worked,
and a notice entered for 2027 changes nothing in it."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.conftest import Cast
from gongzhi.core.clock import calendar_is_provisional, is_working_day
from gongzhi.core.holiday_notice import enter_holiday_notice

pytestmark = pytest.mark.django_db

D = dt.date


def test_2026_takes_its_holidays_and_make_up_days_from_the_package(cast: Cast) -> None:
    enter_holiday_notice(cast.administrator, 2027, "2027-10-01至2027-10-07")

    assert calendar_is_provisional(2026) is False
    assert is_working_day(D(2026, 10, 7)) is False  # the last day of National Day, a Wednesday
    assert is_working_day(D(2026, 10, 8)) is True
    assert is_working_day(D(2026, 10, 10)) is True  # a make-up Saturday
    assert is_working_day(D(2026, 9, 20)) is True  # a make-up Sunday
    assert is_working_day(D(2026, 2, 14)) is True  # the Saturday before the Spring Festival
    assert is_working_day(D(2026, 2, 16)) is False
