"""The notice's dates are read as staff paste them: ISO dates and ranges, Chinese dates, full-width
digits, a holiday's name before a colon, the notice's own words and remarks in brackets."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.conftest import Cast
from gongzhi.core.holiday_notice import enter_holiday_notice
from gongzhi.core.models import Holiday

pytestmark = pytest.mark.django_db

D = dt.date


def days(kind: str) -> list[D]:
    return list(
        Holiday.objects.filter(date__year=2027, kind=kind)
        .order_by("date")
        .values_list("date", flat=True)
    )


def span(first: D, last: D) -> list[D]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.mark.parametrize(
    "line",
    [
        "2027-02-05至2027-02-11",
        "2027-02-05~02-11",
        "2027/2/5 到 2027/2/11",
        "2027年2月5日至2027年2月11日",
        "2月5日至11日",
        "春节：2月5日（农历除夕）至11日（农历正月初七）放假调休，共7天。",
        "二、春节:2月5日—2月11日放假",
        "２０２７－０２－０５～０２－１１",
        "2027-02-05、2027-02-06、2027-02-07, 2027-02-08 2月9日，2月10日；2月11日",
    ],
)
def test_a_week_of_spring_festival_is_read_from_any_of_its_spellings(cast: Cast, line: str) -> None:
    enter_holiday_notice(cast.administrator, 2027, line)

    assert days(Holiday.Kind.HOLIDAY) == span(D(2027, 2, 5), D(2027, 2, 11))


def test_the_make_up_days_are_read_with_their_words_and_remarks(cast: Cast) -> None:
    enter_holiday_notice(
        cast.administrator,
        2027,
        "元旦：1月1日放假，与周末连休。\n春节：2月5日至11日放假调休，共7天。",
        "2月20日（星期六）上班\n春节补班：2027年2月21日（周日）调休上班\n\n",
    )

    assert days(Holiday.Kind.HOLIDAY) == [D(2027, 1, 1), *span(D(2027, 2, 5), D(2027, 2, 11))]
    assert days(Holiday.Kind.WORKDAY) == [D(2027, 2, 20), D(2027, 2, 21)]
    names = dict(Holiday.objects.filter(date__year=2027).values_list("date", "name"))
    assert names[D(2027, 1, 1)] == "元旦"
    assert names[D(2027, 2, 9)] == "春节"
    assert names[D(2027, 2, 21)] == "春节补班"
