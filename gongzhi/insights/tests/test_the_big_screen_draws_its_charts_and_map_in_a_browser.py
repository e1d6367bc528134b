"""In a real Chromium: the command centre opens the big screen, which draws its ECharts charts and
every grid of the district on the Leaflet map shaded by open cases, lists the overdue cases, and
refreshes from its JSON endpoint (not by reloading); the dashboard draws its charts; the monthly
report prints. No console errors anywhere. Screenshots go to /tmp/gongzhi-insights-*.png."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category
from gongzhi.conftest import DISTRICT, PASSWORD, Cast
from gongzhi.places.models import Grid

from .conftest import URLS, counter, report_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(URLS)]


@pytest.fixture
def lively_district(cast: Cast) -> None:
    """Thirty days of counters over every grid, and open cases, some of them overdue."""
    actions.load_default_categories()
    rng = random.Random(5)
    minors = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)[:12])
    today = timezone.localdate()
    grids = list(Grid.objects.filter(code__startswith=DISTRICT).values_list("code", flat=True))
    for back in range(30):
        day = today - dt.timedelta(days=back)
        for code in grids:
            if rng.random() < 0.4:
                continue
            n = rng.randint(1, 6)
            closed = rng.randint(0, n)
            unit = rng.choice(
                [f"grid:{code}", f"community:{code[:12]}", f"org:{cast.department.pk}"]
            )
            counter(
                day,
                code,
                rng.choice(minors),
                unit,
                reported=n,
                valid=n,
                registered=n,
                dispatched=n,
                responded=n,
                handled=closed,
                handled_on_time=closed,
                closed=closed,
                closed_on_time=max(0, closed - 1),
                rated_satisfied=closed,
                close_seconds=closed * 20 * 3600,
                close_le_1d=closed,
            )
    for i, grid in enumerate([cast.grid, cast.other_grid, cast.other_community_grid] * 2):
        case = report_in(cast, grid, text=f"测试案件{i}")
        if i % 2 == 0:  # make it overdue: its confirmation was due hours ago
            Case.objects.filter(pk=case.pk).update(
                step_due_at=timezone.now() - dt.timedelta(hours=3 + i)
            )


def _open(browser: Browser, problems: list[str], **context: Any) -> Page:
    page = browser.new_context(locale="zh-CN", **context).new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-gz")
    page.wait_for_url(f"{base}/")


def test_the_big_screen_draws_its_charts_and_the_grids_and_refreshes_itself(
    browser: Browser, live_server: Any, cast: Cast, lively_district: None
) -> None:
    problems: list[str] = []
    page = _open(browser, problems, viewport={"width": 1920, "height": 1080})
    base = live_server.url
    _sign_in(page, base, cast.command_centre.username)
    page.clock.install()
    fetched: list[str] = []

    def on_request(request: Request) -> None:
        if "/insights/screen/data.json" in request.url:
            fetched.append(request.url)

    page.on("request", on_request)
    page.goto(f"{base}/insights/screen/")
    page.wait_for_selector("#screen[data-ready=true]", timeout=20_000)

    for chart in ("#chart-trend", "#chart-mix", "#chart-tiers"):
        assert page.locator(f"{chart} canvas").count() >= 1, chart
    grids = Grid.objects.filter(code__startswith=DISTRICT).exclude(boundary=None).count()
    polygons = page.locator("#screen-map path.grid-polygon")
    assert polygons.count() == grids
    shaded = page.locator("#screen-map path.grid-polygon:not([data-open='0'])")
    assert shaded.count() == 3  # the three grids with open cases
    assert page.locator("#kpi-today .gz-kpi").count() == 4
    assert page.locator("#kpi-month .gz-kpi").count() == 5
    assert page.locator("#overdue-list li").count() == 3
    assert page.locator("#overdue-total").inner_text() == "3"
    page.clock.run_for(2_000)  # let the charts' entry animation finish (the clock is held)
    page.screenshot(path="/tmp/gongzhi-insights-screen.png")

    # Sixty seconds later the figures are fetched again, without reloading the page.
    before = len(fetched)
    page.evaluate("window.gzNotReloaded = true")
    page.clock.run_for(61_000)
    page.wait_for_function("document.getElementById('screen').dataset.refreshed >= '2'")
    assert len(fetched) > before
    assert page.evaluate("window.gzNotReloaded") is True
    assert problems == []


def test_the_dashboard_draws_its_charts_and_the_report_prints(
    browser: Browser, live_server: Any, cast: Cast, lively_district: None
) -> None:
    problems: list[str] = []
    page = _open(browser, problems, viewport={"width": 1366, "height": 900})
    base = live_server.url
    _sign_in(page, base, cast.command_centre.username)
    page.goto(f"{base}/insights/")
    page.wait_for_selector("body[data-charts-ready=true]")
    page.wait_for_timeout(1_500)  # the charts' entry animation
    assert page.locator("#chart-trend canvas").count() >= 1
    assert page.locator("#chart-mix canvas").count() >= 1
    assert (
        page.locator("[data-indicator=case_closure_rate] .gz-formula")
        .inner_text()
        .startswith("结案率 = 结案数 / 应结案数")
    )
    page.screenshot(path="/tmp/gongzhi-insights-dashboard.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    page.goto(f"{base}/insights/assessments/?level=community")
    page.screenshot(path="/tmp/gongzhi-insights-ranking.png", full_page=True)
    page.goto(f"{base}/insights/report/")
    page.emulate_media(media="print")
    page.screenshot(path="/tmp/gongzhi-insights-report-print.png", full_page=True)
    assert page.locator("nav.gz-navbar").is_hidden()
    pdf = page.pdf(path="/tmp/gongzhi-insights-report.pdf", format="A4")
    assert pdf[:4] == b"%PDF"

    phone = _open(browser, problems, viewport={"width": 390, "height": 844})
    _sign_in(phone, base, cast.community_worker.username)
    phone.goto(f"{base}/insights/")
    phone.wait_for_selector("body[data-charts-ready=true]")
    phone.screenshot(path="/tmp/gongzhi-insights-dashboard-phone.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert problems == []
