"""A developer of another system reads in Swagger UI how to walk a whole list (the cursor), tries it
with the session and follows ``next`` to the end; the errors a client can get are listed there too.
Desktop and phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import build_world
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def open_regulation_list(page: Page) -> None:
    page.goto("/api/v1/docs/")
    operation = page.locator(".opblock-get", has=page.locator(".opblock-summary-path", has_text="/api/v1/regulations/"))
    operation = operation.filter(has_not=page.locator(".opblock-summary-path", has_text="{id}")).first
    operation.locator(".opblock-summary").click()
    expect(page.locator(".parameters-col_name", has_text="cursor")).to_be_visible()


def test_a_client_reads_how_to_walk_a_list_and_walks_it(page, db, login, check_page) -> None:
    world = build_world()
    for n in range(3):
        RegulationFactory(host_agency=world.vks_ks, number=f"{n + 1:02d}/QCPH-VKSKS", partners=[world.ta_ks])
    login(page, world.ks_staff)
    open_regulation_list(page)
    cursor = page.locator("tr[data-param-name='cursor']")
    expect(cursor).to_contain_text("cursor=")
    expect(cursor).to_contain_text("next")
    for code in ("400", "401", "404", "429"):
        expect(page.locator(".responses-table .response-col_status", has_text=code).first).to_be_visible()
    check_page(page, "api-docs-regulations-desktop", axe=False, html=False)  # Swagger UI: not our markup

    page.get_by_role("button", name="Try it out").click()
    cursor.locator("input[type=checkbox]").check()  # "Send empty value": the first page of a walk
    page.locator("tr[data-param-name='page_size'] input[type=text]").fill("2")
    page.get_by_role("button", name="Execute").click()
    body = page.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text("01/QCPH-VKSKS")
    expect(body).to_contain_text("cursor=")

    # What Swagger UI showed, followed to the end as a client would.
    first = page.evaluate("fetch('/api/v1/regulations/?cursor=&page_size=2').then(r => r.json())")
    rest = page.evaluate("url => fetch(url).then(r => r.json())", first["next"])
    numbers = [r["number"] for r in first["results"] + rest["results"]]
    assert sorted(numbers) == ["01/QCPH-VKSKS", "02/QCPH-VKSKS", "03/QCPH-VKSKS"] and rest["next"] is None
    assert "count" not in first
    bad = page.evaluate("fetch('/api/v1/regulations/?cursor=sai').then(async r => [r.status, await r.json()])")
    assert bad[0] == 400 and "Con trỏ trang không hợp lệ" in bad[1]["errors"]["cursor"][0]

    page.set_viewport_size(PHONE)
    open_regulation_list(page)
    expect(page.locator("tr[data-param-name='cursor']")).to_be_visible()
    check_page(page, "api-docs-regulations-phone", axe=False, html=False)
