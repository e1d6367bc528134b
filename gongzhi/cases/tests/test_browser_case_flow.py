"""In a real Chromium: a resident on a phone reports with a photo and their phone's position; the
grid worker confirms and registers it; the community worker dispatches it to the department; the
department accepts and responds; the grid worker verifies; the community worker closes it; the
resident rates it satisfied. Each step through the pages, with the status shown checked after
each, and no console errors on the way. Screenshots land in /tmp/gongzhi-case-*.png."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category, Status
from gongzhi.conftest import PASSWORD, Cast
from gongzhi.people.models import User
from gongzhi.testing import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
WORDS = "电梯坏了三天没人修，物业也不来维修"


class Session:
    """One person's browser context, recording console errors and uncaught exceptions."""

    def __init__(self, browser: Browser, base: str, problems: list[str], **options: Any) -> None:
        self.base = base
        self.context: BrowserContext = browser.new_context(locale="en-US", **options)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15_000)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(f"console: {message.text} ({self.page.url})")

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def sign_in(self, user: User) -> Session:
        page = self.page
        page.goto(f"{self.base}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].btn-gz")
        page.wait_for_url(f"{self.base}/")
        return self

    def open_from_workbench(self, number: str) -> None:
        """The case from the inbox list when it is there, else by its number in the find box."""
        page = self.page
        page.goto(f"{self.base}/workbench/")
        link = page.locator(f"#case-list a[href='/cases/{number}/']")
        if link.count():
            link.click()
        else:
            page.fill("#find-number", number)
            page.locator("#find-case button[type=submit]").click()
        page.wait_for_url(f"{self.base}/cases/{number}/")
        page.wait_for_selector("#case-map[data-ready=true]")

    def act(self, action: str, expected_status: str, **fill: str) -> str:
        """Fill and send one action form on the case page; wait for htmx to swap the panel in."""
        page = self.page
        form = page.locator(f"#case-actions form[data-action={action}]")
        for name, value in fill.items():
            field = form.locator(f"[name={name}]").first
            if field.evaluate("el => el.tagName") == "SELECT":
                field.select_option(label=value)
            elif field.get_attribute("type") == "radio":
                form.locator(f"input[name={name}][value={value}]").check()
            elif field.get_attribute("type") == "file":
                field.set_input_files(value)
            else:
                field.fill(value)
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"#case-panel[data-status={expected_status}]")
        page.wait_for_selector("#case-map[data-ready=true]")
        return page.locator("#case-status").inner_text()


def _photo(path: Path, colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_case_goes_from_a_phone_report_to_a_rating_through_the_pages(
    browser: Browser, live_server: Any, cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    actions.load_default_categories()
    base = live_server.url
    problems: list[str] = []
    assert cast.grid.boundary is not None
    point = shape(cast.grid.boundary).representative_point()
    before_photo = _photo(tmp_path / "elevator.jpg", (180, 40, 40))
    after_photo = _photo(tmp_path / "fixed.jpg", (40, 160, 60))

    # 1. The resident, on a phone, with location allowed, reports with a photo.
    resident = Session(
        browser,
        base,
        problems,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": point.y, "longitude": point.x},
        permissions=["geolocation"],
    ).sign_in(cast.resident)
    page = resident.page
    page.goto(f"{base}/report/")
    page.wait_for_selector("#report-form[data-positioned=true]")
    assert abs(float(page.input_value("input[name=lat]")) - point.y) < 1e-5
    page.fill("textarea[name=description]", WORDS)
    suggested = Category.objects.get(name="物业纠纷", parent__isnull=False)
    page.wait_for_function(
        f"document.querySelector('select[name=category]').value === '{suggested.pk}'"
    )
    page.locator("#photo-album").set_input_files(before_photo)
    page.wait_for_selector("#photo-previews .gz-preview img")
    page.wait_for_selector("#report-map[data-ready=true]")
    page.screenshot(path="/tmp/gongzhi-case-report-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.click("#report-submit")
    page.wait_for_url(f"{base}/report/sent/*/")
    number = page.locator("#case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.photos.count() == 1 and case.category == suggested
    assert "Awaiting confirmation" in page.locator("#report-sent").inner_text()
    page.screenshot(path="/tmp/gongzhi-case-sent-phone.png", full_page=True)

    # 2. The grid worker confirms and registers it.
    grid = Session(browser, base, problems, viewport=DESKTOP).sign_in(cast.grid_worker)
    grid.page.goto(f"{base}/workbench/")
    assert grid.page.locator("#case-list tr[data-case]").count() == 1
    grid.page.screenshot(path="/tmp/gongzhi-case-workbench-desktop.png", full_page=True)
    grid.open_from_workbench(number)
    grid.page.screenshot(path="/tmp/gongzhi-case-page-desktop.png", full_page=True)
    assert grid.act("confirm", "confirmed") == "Confirmed, awaiting registration"
    assert grid.act("register", "registered") == "Registered, awaiting dispatch"

    # 3. The community worker dispatches it to the department.
    community = Session(browser, base, problems, viewport=DESKTOP).sign_in(cast.community_worker)
    community.open_from_workbench(number)
    status = community.act(
        "dispatch", "dispatched", department=cast.department.name, note="请尽快处理"
    )
    assert status == "Dispatched, awaiting handling"

    # 4. The department accepts it and responds with a photo of the result.
    department = Session(browser, base, problems, viewport=DESKTOP).sign_in(cast.department_staff)
    department.open_from_workbench(number)
    assert department.act("accept", "handling") == "Being handled"
    status = department.act("respond", "responded", note="已更换电梯配件", photos=after_photo)
    assert status == "Responded, awaiting verification"
    assert department.page.locator("#case-photos img").count() == 2

    # 5. The grid worker checks on site; 6. the community worker closes it.
    grid.open_from_workbench(number)
    assert grid.act("verify", "verified", outcome="pass", note="现场电梯运行正常") == (
        "Verified, awaiting closure"
    )
    community.open_from_workbench(number)
    assert community.act("close", "closed", public_answer="电梯已修复并恢复运行") == "Closed"
    community.page.screenshot(path="/tmp/gongzhi-case-closed-desktop.png", full_page=True)

    # 7. The resident rates it from their reports.
    page.goto(f"{base}/my/reports/")
    card = page.locator(f"#my-reports article[data-case='{number}']")
    assert "电梯已修复并恢复运行" in card.inner_text()
    card.locator("input[name=rating][value=satisfied]").check()
    card.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/my/reports/")
    assert "Thank you for your rating." in page.inner_text("main")
    assert "Satisfied" in page.locator(f"#my-reports article[data-case='{number}']").inner_text()
    page.screenshot(path="/tmp/gongzhi-case-my-reports-phone.png", full_page=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert [s.action for s in case.steps.all()] == [
        "report",
        "confirm",
        "register",
        "dispatch",
        "accept",
        "respond",
        "verify",
        "close",
        "rate",
    ]
    assert problems == []
