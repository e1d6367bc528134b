"""Every insights page answers the command centre over a district with real cases: the dashboard
(each figure with its formula and a link to its cases), rankings of every level, the department
scoreboard, the monthly report, the big screen and its JSON and map data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import DISTRICT, STREET, YUXIANGYUAN, Cast
from gongzhi.insights.indicators import INDICATORS
from gongzhi.people.models import User
from gongzhi.places.models import Grid

from .conftest import URLS, Clock, ask, close, handle, report_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
SEPTEMBER = {"period": "month", "date": "2026-09-14"}


@pytest.fixture
def cases(cast: Cast, categories: None, clock: Clock) -> None:
    for grid in (cast.grid, cast.other_grid, cast.other_community_grid):
        a = report_in(cast, grid, text=f"{grid.name}的问题")
        if grid == cast.other_community_grid:
            continue
        handle(cast, a)
        clock.advance(hours=5)
        close(cast, a)
    report_in(cast, text="还没处理的")


@pytest.fixture
def centre(cast: Cast, client_as: Callable[[User], Client]) -> Client:
    return client_as(cast.command_centre)


def test_the_dashboard_shows_every_figure_with_its_formula_and_cases(
    cases: None, centre: Client
) -> None:
    page = ask(centre, "dashboard", **SEPTEMBER)
    assert page.status_code == 200
    html = page.content.decode()
    for indicator in INDICATORS:
        assert f'data-indicator="{indicator.code}"' in html
    assert "Closed / Due to close" in html
    assert "/insights/cases/?" in html and "metric=closed" in html
    children = page.context["children"]
    assert children.title == "Streets" and children.rows
    assert "vendor/echarts.min.js" in html


def test_every_scope_and_period_renders(cases: None, centre: Client, cast: Cast) -> None:
    for scope in (DISTRICT, STREET, YUXIANGYUAN, cast.grid.code, f"org:{cast.department.pk}"):
        for period in ("day", "week", "month", "quarter", "year"):
            page = ask(centre, "dashboard", scope=scope, period=period, date="2026-09-14")
            assert page.status_code == 200, (scope, period)


def test_a_custom_period_and_a_category_render(cases: None, centre: Client) -> None:
    from gongzhi.cases.models import Category

    major = Category.objects.get(name="物业纠纷").parent
    assert major is not None
    page = ask(
        centre,
        "dashboard",
        period="custom",
        start="2026-09-01",
        end="2026-09-20",
        category=major.pk,
    )
    assert page.status_code == 200
    assert page.context["board"].totals["reported"] == 4
    assert ask(centre, "dashboard", period="custom", start="2026-09-01").status_code == 400
    assert ask(centre, "dashboard", period="fortnight").status_code == 400
    assert ask(centre, "dashboard", category="x").status_code == 400


@pytest.mark.parametrize("level", ["street", "community", "grid_worker", "department"])
def test_every_ranking_renders(cases: None, centre: Client, level: str) -> None:
    page = ask(centre, "assessments", level=level, **SEPTEMBER)
    assert page.status_code == 200
    assert page.context["assessment"].rows


def test_the_department_scoreboard_and_the_monthly_report_render(
    cases: None, centre: Client, cast: Cast
) -> None:
    board = ask(centre, "departments", **SEPTEMBER)
    assert board.status_code == 200
    assert cast.department.name in board.content.decode()
    report = ask(centre, "report", **SEPTEMBER)
    assert report.status_code == 200
    html = report.content.decode()
    assert "window.print()" in html and "insights/insights.css" in html
    assert "Monthly report of" in html


def test_the_big_screen_and_its_data(cases: None, centre: Client, cast: Cast) -> None:
    page = ask(centre, "screen")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts.min.js" in html and "vendor/leaflet/leaflet.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    data = ask(centre, "screen_data").json()
    assert {"today", "month", "trend", "categories", "tiers", "overdue", "open_by_grid"} <= set(
        data
    )
    assert len(data["trend"]["days"]) == 30
    grids = ask(centre, "screen_grids").json()
    assert (
        len(grids["features"])
        == Grid.objects.filter(code__startswith=DISTRICT).exclude(boundary=None).count()
    )
