"""Likely duplicates: when a report comes in, open cases of the same category within the category's
radius and with similar words are offered; far away, another category, unrelated words or a case
no longer open are not."""

from __future__ import annotations

import math

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Status
from gongzhi.cases.tests.conftest import COMMUNITY_CATEGORY, category, point_in, report_in
from gongzhi.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]

ELEVATOR = "小区电梯坏了三天没人修"
ELEVATOR_AGAIN = "小区里的电梯又坏了没人修"


def metres_north(lat: float, metres: float) -> float:
    return lat + metres / 111_320


def test_a_second_report_nearby_with_similar_words_is_offered_the_first(cast: Cast) -> None:
    reported = report_in(cast.resident, cast.grid, description=ELEVATOR)
    assert reported.duplicates == []
    first = reported.case
    lat, _lng = point_in(cast.grid)
    second = report_in(
        cast.other_resident, cast.grid, description=ELEVATOR_AGAIN, lat=metres_north(lat, 10)
    )
    assert second.created
    offered = [c.case for c in second.duplicates]
    assert first in offered
    candidate = next(c for c in second.duplicates if c.case == first)
    assert 8 < candidate.distance_m < 12
    assert candidate.similarity >= 0.5


def test_a_report_beyond_the_radius_is_not_offered(cast: Cast) -> None:
    radius = actions.rule_in_force(category(COMMUNITY_CATEGORY)).duplicate_radius_m
    assert radius == 30
    report_in(cast.resident, cast.grid, description=ELEVATOR)
    lat, lng = point_in(cast.grid)
    far = report_in(
        cast.other_resident,
        cast.grid,
        description=ELEVATOR,
        lat=lat,
        lng=lng + 45 / (111_320 * math.cos(math.radians(lat))),
    )
    near = report_in(
        cast.other_resident, cast.grid, description=ELEVATOR, lat=metres_north(lat, 25)
    )
    assert far.duplicates == []
    assert len(near.duplicates) == 1


def test_another_category_in_the_same_spot_is_not_offered(cast: Cast) -> None:
    report_in(cast.resident, cast.grid, description=ELEVATOR)
    other = report_in(
        cast.other_resident, cast.grid, category_name="噪音扰民", description=ELEVATOR
    )
    assert other.duplicates == []


def test_unrelated_words_in_the_same_spot_are_not_offered(cast: Cast) -> None:
    report_in(cast.resident, cast.grid, description=ELEVATOR)
    other = report_in(cast.other_resident, cast.grid, description="物业乱收停车费")
    assert other.duplicates == []


def test_a_case_no_longer_open_is_not_offered(cast: Cast) -> None:
    first = report_in(cast.resident, cast.grid, description=ELEVATOR).case
    actions.decline(cast.grid_worker, first.pk, reason="已由物业修复")
    again = report_in(cast.other_resident, cast.grid, description=ELEVATOR_AGAIN)
    assert again.duplicates == []


def test_the_closest_likely_duplicates_come_first(cast: Cast) -> None:
    lat, _lng = point_in(cast.grid)
    farther = report_in(
        cast.resident, cast.grid, description=ELEVATOR, lat=metres_north(lat, 20)
    ).case
    closer = report_in(
        cast.resident, cast.grid, description=ELEVATOR, lat=metres_north(lat, 5)
    ).case
    third = report_in(cast.other_resident, cast.grid, description=ELEVATOR_AGAIN)
    assert [c.case for c in third.duplicates] == [closer, farther]
    assert Status(third.case.status) == Status.REPORTED
