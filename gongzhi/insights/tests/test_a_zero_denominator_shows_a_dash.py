"""A rate whose denominator is zero is "—", never a crash or 0 %: on empty totals, on a page, and
in exports; the composite and the median are "—" too when they have nothing to go on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.insights.indicators import INDICATORS, figures, percent
from gongzhi.insights.models import METRICS
from gongzhi.people.models import User

from .conftest import URLS, ask

pytestmark = pytest.mark.django_db  # the composite's weights are configuration rows


def test_every_ratio_of_empty_totals_is_a_dash() -> None:
    empty = dict.fromkeys(METRICS, 0)
    for f in figures(empty, overdue=0):
        if f.indicator.kind in ("rate", "score", "duration"):
            assert f.display == "—" and f.value is None, f.code
        else:
            assert f.display == "0", f.code
    assert len(figures(empty)) == len(INDICATORS)


def test_percent_of_nothing_is_none() -> None:
    assert percent(0, 0) is None
    assert percent(5, 0) is None
    assert str(percent(0, 7)) == "0.00"


def test_a_denominator_made_zero_by_a_subtraction_is_a_dash() -> None:
    t = dict.fromkeys(METRICS, 0) | {"dispatched": 3, "returned": 3, "handled": 0}
    handling = {f.code: f for f in figures(t)}["handling_rate"]
    assert handling.display == "—" and handling.ratio_text == "0 / 0"


@pytest.mark.urls(URLS)
def test_an_empty_place_renders_dashes(cast: Cast, client_as: Callable[[User], Client]) -> None:
    client = client_as(cast.community_worker)
    page = ask(client, "dashboard")
    assert page.status_code == 200
    assert page.content.decode().count("—") >= 10
    assert ask(client, "dashboard", format="xlsx").status_code == 200
    assert ask(client, "dashboard", format="csv", table="indicators").status_code == 200
    assert ask(client, "report").status_code == 200
    assert ask(client, "assessments").status_code == 200
