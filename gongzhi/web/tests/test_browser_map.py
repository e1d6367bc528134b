"""In a real Chromium: a community worker signs in, opens the place browser, sees exactly their
community's grids drawn on the map, and clicks one to reach its page with the grid team."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from gongzhi.conftest import DISTRICT, PASSWORD, YUXIANGYUAN, Cast
from gongzhi.places.models import Grid
from gongzhi.testing import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


def _open(browser: Browser, viewport: dict[str, int], problems: list[str]) -> Page:
    """A fresh page in English that records console errors and uncaught exceptions."""
    context = browser.new_context(viewport=viewport, locale="en-US")  # type: ignore[arg-type]
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


def _sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-gz")
    page.wait_for_url(f"{base}/")


def test_community_worker_finds_their_grids_on_the_map_and_opens_one(
    browser: Browser, live_server: Any, cast: Cast
) -> None:
    problems: list[str] = []
    page = _open(browser, DESKTOP, problems)
    base = live_server.url
    _sign_in(page, base, cast.community_worker.username)

    page.get_by_role("link", name="Places and grids").first.click()
    page.wait_for_url(f"{base}/places/")
    page.locator(f"a[href='/places/{YUXIANGYUAN}/']").click()
    page.wait_for_url(f"{base}/places/{YUXIANGYUAN}/")
    page.wait_for_selector("#grid-map[data-ready=true]")

    own = Grid.objects.filter(community__code=YUXIANGYUAN)
    polygons = page.locator("#grid-map path.grid-polygon")
    assert polygons.count() == own.count()
    drawn = {polygons.nth(i).get_attribute("data-code") for i in range(polygons.count())}
    assert drawn == set(own.values_list("code", flat=True))
    assert page.locator("#grid-list [data-grid-code]").count() == own.count()

    # Hovering a polygon names the grid; clicking it opens the grid's page.
    target = page.locator(f"#grid-map path.grid-polygon[data-code='{cast.grid.code}']")
    target.hover()
    assert cast.grid.name in page.locator(".leaflet-tooltip").inner_text()
    target.click()
    page.wait_for_url(f"{base}/grids/{cast.grid.code}/")
    assert page.locator("h1").inner_text() == cast.grid.name
    team = page.locator("#grid-team")
    assert "御祥园网格员" in team.inner_text()
    assert "139****0008" in team.inner_text()
    page.wait_for_selector("#grid-map[data-ready=true]")
    assert page.locator("#grid-map path.grid-polygon").count() == 1

    # The reveal button swaps in the full number (and the view is logged).
    team.get_by_role("button", name="Show full number").click()
    page.wait_for_selector("#grid-team a[href='tel:13900000008']")

    assert problems == []


def test_other_communitys_grid_list_entry_is_absent_and_list_works_without_the_map(
    browser: Browser, live_server: Any, cast: Cast
) -> None:
    problems: list[str] = []
    page = _open(browser, PHONE, problems)
    base = live_server.url
    _sign_in(page, base, cast.community_worker.username)
    page.goto(f"{base}/places/{YUXIANGYUAN}/")
    page.wait_for_selector("#grid-map[data-ready=true]")
    assert page.locator(f"[data-code='{cast.other_community_grid.code}']").count() == 0
    page.locator(f"#grid-list a[data-grid-code='{cast.other_grid.code}']").click()
    page.wait_for_url(f"{base}/grids/{cast.other_grid.code}/")
    assert problems == []


@pytest.mark.parametrize("name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_pages_render_on_desktop_and_phone(
    browser: Browser, live_server: Any, cast: Cast, name: str, viewport: dict[str, int]
) -> None:
    """Screenshots for a person to look at (/tmp/gongzhi-*.png); no page may scroll sideways."""
    problems: list[str] = []
    base = live_server.url
    tours = [
        (
            cast.community_worker,
            [
                ("home", "/"),
                ("division", f"/places/{YUXIANGYUAN}/"),
                ("grid", f"/grids/{cast.grid.code}/"),
                ("organisations", "/organisations/"),
            ],
        ),
        (cast.command_centre, [("district", f"/places/{DISTRICT}/"), ("audit", "/audit/")]),
    ]
    page = _open(browser, viewport, problems)
    page.goto(f"{base}/login/")
    page.screenshot(path=f"/tmp/gongzhi-login-{name}.png", full_page=True)
    for person, stops in tours:
        page = _open(browser, viewport, problems)
        _sign_in(page, base, person.username)
        for slug, path in stops:
            page.goto(f"{base}{path}")
            if page.locator("#grid-map").count():
                page.wait_for_selector("#grid-map[data-ready=true]")
            page.screenshot(path=f"/tmp/gongzhi-{slug}-{name}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on {name}"
    assert problems == []
