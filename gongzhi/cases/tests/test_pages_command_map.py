"""The district command centre sees its open cases on a map, coloured by their light; other roles
do not get the page."""

from __future__ import annotations

import json
import re

import pytest

from gongzhi.cases import actions
from gongzhi.conftest import Cast

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def test_command_centre_sees_open_cases_as_markers_with_their_light(
    cast: Cast, categories: None
) -> None:
    numbers = set()
    for grid in (cast.grid, cast.other_community_grid):
        lat, lng = inside(grid)
        numbers.add(
            actions.report(
                cast.resident, category=minor("噪音扰民"), description="噪音", lat=lat, lng=lng
            ).case.number
        )

    page = signed_in(cast.command_centre).get("/command/map/").content.decode()

    data = re.search(
        r'<script id="command-map-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert data is not None
    markers = json.loads(data.group(1))
    assert {m["number"] for m in markers} == numbers
    assert {m["light"] for m in markers} == {"green"}
    assert "2 open cases in your area" in page


def test_a_community_worker_does_not_get_the_command_map(cast: Cast) -> None:
    assert signed_in(cast.community_worker).get("/command/map/").status_code == 403
