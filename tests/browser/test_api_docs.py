"""Swagger UI of the API, served by the portal itself under its Content-Security-Policy (no CDN,
no inline script): the operations render and one of them can be tried with the session."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import build_world
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_and_reads_with_the_session(page, db, login, check_page):
    world = build_world()
    RegulationFactory(host_agency=world.vks_ks, number="01/QCPH-VKSKS", partners=[world.ta_ks])
    login(page, world.ks_staff)
    origin = page.url.split("/", 3)[:3]
    blocked: list[str] = []

    def outside(url: str) -> bool:
        return url.startswith("http") and url.split("/", 3)[:3] != origin

    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("request", lambda req: blocked.append(req.url) if outside(req.url) else None)
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("API Cổng quy chế phối hợp ngành Kiểm sát")).to_be_visible(timeout=15000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/regulations/").first).to_be_visible()
    # Swagger UI is a third-party page: its own accessibility and markup are not ours to check.
    check_page(page, "api-docs-swagger", axe=False, html=False)
    assert not blocked, blocked
    body = page.evaluate("fetch('/api/v1/regulations/').then(r => r.json())")
    assert [r["number"] for r in body["results"]] == ["01/QCPH-VKSKS"]
