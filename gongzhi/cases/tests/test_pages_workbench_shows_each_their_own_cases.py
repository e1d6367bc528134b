"""The workbench: 待办 / 已办 / 超期 with counts, scoped to the person; filters by category, grid,
light and source; 20 cases a page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Source
from gongzhi.conftest import Cast
from gongzhi.places.models import Grid

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def _report(cast: Cast, grid: Grid, name: str = "噪音扰民") -> Case:
    lat, lng = inside(grid)
    return actions.report(
        cast.resident, category=minor(name), description="夜间噪音", lat=lat, lng=lng
    ).case


def _counts(client: Client, query: str = "") -> dict[str, int]:
    page = client.get(f"/workbench/{query}").content.decode()
    found = re.findall(r'data-tab="(\w+)">.*?data-count="(\d+)"', page, re.S)
    return {tab: int(n) for tab, n in found}


def _numbers(client: Client, query: str = "") -> set[str]:
    page = client.get(f"/workbench/{query}").content.decode()
    return set(re.findall(r'<tr data-case="(\d+)"', page))


def test_grid_worker_has_the_grids_reports_to_do_and_another_communitys_worker_none(
    cast: Cast, categories: None
) -> None:
    mine = {_report(cast, cast.grid).number, _report(cast, cast.grid).number}
    _report(cast, cast.other_grid)

    grid_worker = signed_in(cast.grid_worker)
    assert _counts(grid_worker) == {"inbox": 2, "done": 0, "overdue": 0}
    assert _numbers(grid_worker) == mine

    other = signed_in(cast.other_community_worker)
    assert _counts(other) == {"inbox": 0, "done": 0, "overdue": 0}
    assert _numbers(other) == set()
    assert "Nothing waiting for you." in other.get("/workbench/").content.decode()


def test_a_step_taken_moves_the_case_to_done(cast: Cast, categories: None) -> None:
    case = _report(cast, cast.grid)
    actions.confirm(cast.grid_worker, case.pk)
    client = signed_in(cast.grid_worker)
    assert _counts(client)["done"] == 1
    assert _numbers(client, "?tab=done") == {case.number}


def test_department_staff_see_their_departments_cases(cast: Cast, categories: None) -> None:
    case = _report(cast, cast.grid)
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    client = signed_in(cast.department_staff)
    assert _counts(client)["inbox"] == 0
    actions.dispatch(cast.community_worker, case.pk, tier="street", unit=cast.department)
    assert _numbers(client) == {case.number}


def test_filters_narrow_the_list(cast: Cast, categories: None) -> None:
    noise = _report(cast, cast.grid)
    rubbish = _report(cast, cast.grid, "环境卫生差")
    client = signed_in(cast.grid_worker)
    assert _numbers(client, f"?category={minor('环境卫生差').pk}") == {rubbish.number}
    assert _numbers(client, f"?grid={cast.grid.code}&light=green") == {noise.number, rubbish.number}
    assert _numbers(client, "?light=red") == set()
    assert _numbers(client, f"?source={Source.HOTLINE}") == set()
    # A value not in the list is ignored rather than failing the page.
    assert _numbers(client, "?light=purple&category=x") == {noise.number, rubbish.number}
    # Past its warning time the noise report shows yellow; past its deadline, red.
    now = timezone.now()
    Case.objects.filter(pk=noise.pk).update(step_warn_at=now - dt.timedelta(minutes=1))
    assert _numbers(client, "?light=yellow") == {noise.number}
    assert _numbers(client, "?light=green") == {rubbish.number}
    Case.objects.filter(pk=noise.pk).update(step_due_at=now - dt.timedelta(seconds=1))
    assert _numbers(client, "?light=red") == {noise.number}
    assert _numbers(client, "?light=yellow") == set()


def test_the_list_is_paginated_twenty_a_page(cast: Cast, categories: None) -> None:
    for _ in range(21):
        _report(cast, cast.grid)
    client = signed_in(cast.grid_worker)
    assert len(_numbers(client)) == 20
    assert len(_numbers(client, "?page=2")) == 1


def test_residents_have_no_workbench(cast: Cast, categories: None) -> None:
    assert signed_in(cast.resident).get("/workbench/").status_code == 403
