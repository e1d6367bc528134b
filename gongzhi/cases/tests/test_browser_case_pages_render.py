"""Every case page renders on a desktop and on a phone without scrolling sideways and without console
errors. Screenshots for a person to look at: /tmp/gongzhi-cases-<page>-<desktop|phone>.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category
from gongzhi.conftest import PASSWORD, Cast
from gongzhi.people.models import User
from gongzhi.places.models import Grid
from gongzhi.testing import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}


def _report(cast: Cast, grid: Grid, name: str, words: str) -> Case:
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    category = Category.objects.get(name=name, parent__isnull=False)
    return actions.report(
        cast.resident, category=category, description=words, lat=point.y, lng=point.x
    ).case


def _some_cases(cast: Cast) -> Case:
    """A few cases in different states, a summons, an errand; returns one being handled."""
    _report(cast, cast.grid, "噪音扰民", "广场舞音响太吵")
    _report(cast, cast.other_grid, "环境卫生差", "垃圾堆放有异味")
    handled = _report(cast, cast.grid, "物业纠纷", "电梯坏了三天没人修")
    _report(cast, cast.grid, "物业纠纷", "电梯又坏了，没人修")  # a likely duplicate
    actions.confirm(cast.grid_worker, handled.pk)
    actions.register(cast.grid_worker, handled.pk)
    actions.dispatch(cast.community_worker, handled.pk, tier="street", unit=cast.department)
    actions.accept(cast.department_staff, handled.pk)
    actions.summon(cast.street_staff, handled.pk, departments=[cast.department], hours=24)
    closed = _report(cast, cast.grid, "噪音扰民", "夜间施工噪音，电话13812341234")
    actions.confirm(cast.grid_worker, closed.pk)
    actions.register(cast.grid_worker, closed.pk)
    actions.dispatch(cast.community_worker, closed.pk, tier="community")
    actions.respond(cast.community_worker, closed.pk, note="已协调停工")
    actions.verify(cast.grid_worker, closed.pk, passed=True)
    actions.close(cast.community_worker, closed.pk, public_answer="已协调施工方夜间停工")
    actions.request_errand(cast.resident, what="代办高龄补贴申请", details="行动不便")
    return handled


def _sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-gz")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("name", ["desktop", "phone"])
def test_case_pages_render_on_desktop_and_phone(
    browser: Browser, live_server: Any, cast: Cast, settings: Any, tmp_path: Any, name: str
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    actions.load_default_categories()
    handled = _some_cases(cast)
    base = live_server.url
    problems: list[str] = []
    tours: list[tuple[User | None, list[tuple[str, str]]]] = [
        (None, [("echo-wall-public", "/echo-wall/")]),
        (
            cast.resident,
            [
                ("report", "/report/"),
                ("my-reports", "/my/reports/"),
                ("errands-resident", "/errands/"),
                ("notifications", "/notifications/"),
                ("case-resident", f"/cases/{handled.number}/"),
            ],
        ),
        (
            cast.grid_worker,
            [("workbench", "/workbench/"), ("errands-staff", "/errands/")],
        ),
        (
            cast.department_staff,
            [("case-department", f"/cases/{handled.number}/")],
        ),
        (
            cast.command_centre,
            [
                ("command-map", "/command/map/"),
                ("hotline", "/report/hotline/"),
                ("case-command", f"/cases/{handled.number}/"),
            ],
        ),
    ]
    for person, stops in tours:
        context = browser.new_context(viewport=VIEWPORTS[name], locale="en-US")  # type: ignore[arg-type]
        page = context.new_page()

        def on_console(message: ConsoleMessage, page: Page = page) -> None:
            if message.type == "error":
                problems.append(f"console: {message.text} ({page.url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        if person is not None:
            _sign_in(page, base, person)
        for slug, path in stops:
            page.goto(f"{base}{path}")
            for selector in ("#case-map", "#command-map", "#report-map"):
                if page.locator(selector).count():
                    page.wait_for_selector(f"{selector}[data-ready=true]")
            page.screenshot(path=f"/tmp/gongzhi-cases-{slug}-{name}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on {name}"
        context.close()
    assert problems == []
