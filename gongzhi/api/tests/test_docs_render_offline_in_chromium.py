"""In a real headless Chromium with every request off this server refused: /api/v1/docs draws
Swagger UI with all the operations, and makes no request anywhere else (a screenshot is left in
/tmp/gongzhi-api-docs.png for a person to look at)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Route

pytestmark = [pytest.mark.browser]


def test_the_docs_draw_every_operation_without_going_online(
    browser: Browser, live_server: Any
) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    count = sum(len(item) for item in document["paths"].values())
    base = live_server.url
    requested: list[str] = []
    refused: list[str] = []
    problems: list[str] = []

    def only_here(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if url.startswith(base):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context = browser.new_context()
    context.route("**/*", only_here)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == count
    assert "共治" in page.locator(".information-container").inner_text()
    page.locator(
        ".opblock-summary", has_text="/api/v1/cases/{number}/actions/confirm"
    ).first.click()
    page.wait_for_selector(".opblock.is-open")
    page.screenshot(path="/tmp/gongzhi-api-docs.png")
    context.close()
    assert refused == []
    assert problems == []
    assert any(u.endswith("/api/v1/openapi.json") for u in requested)
