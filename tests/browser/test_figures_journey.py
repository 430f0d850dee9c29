"""Figures a leader can trust: every dashboard figure leads to a list whose count is that figure and
whose visible filter form holds the filters behind it; changing one filter keeps the others. A dissolved
district's records name the unit that carries its work now."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from notifications.scan import scan_reminders
from regulations import services
from regulations.models import RelationKind
from tests.dashboards.factories import build_dashboard_world
from tests.factories import AgencyFactory, AgencySuccessionFactory, UserFactory
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser
COUNT = re.compile(r"^(\d+) (văn bản|cuộc họp|nhiệm vụ)$")


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def list_count(page: Page) -> int:
    counts = page.locator("main").get_by_text(COUNT)
    if counts.count() == 0:
        expect(page.locator("main .empty").first).to_be_visible()
        return 0
    return int(COUNT.match(counts.first.inner_text().strip()).group(1))


def assert_form_holds(page: Page, url: str) -> None:
    """Each filter in the URL is a visible field of the list's form, holding that value."""
    for name, (value,) in parse_qs(urlsplit(url).query).items():
        field = page.locator(f'form.filters [name="{name}"]')
        expect(field, f"{name} in {url}").to_have_count(1)
        expect(field).to_be_visible()
        kind = field.evaluate("e => e.type")
        if kind == "checkbox":
            expect(field).to_be_checked()
        else:
            expect(field, f"{name} in {url}").to_have_value(value)


def amend_one(dw) -> None:
    """An amended regulation in Khánh Hòa: the amendment must count nowhere, the amended one stays in force."""
    w = dw.world
    root = RegulationFactory(
        host_agency=w.vks_kh,
        partners=[w.ta_kh],
        number="02/QCPH-VKS-TA",
        signed_on=dw.today - datetime.timedelta(days=200),
    )
    amendment = RegulationFactory(
        host_agency=w.vks_kh,
        partners=[w.ta_kh],
        number="03/QCPH-VKS-TA",
        signed_on=dw.today - datetime.timedelta(days=30),
        review_interval_months=1,
    )
    services.add_relation(w.kh_staff, amendment, root, RelationKind.AMENDS, amendment.signed_on)


def test_every_dashboard_figure_leads_to_a_list_with_that_count(page, db, login, check_page):
    dw = build_dashboard_world()
    amend_one(dw)
    login(page, dw.world.kh_leader)
    page.goto("/tong-quan/")
    links = [
        (a.get_attribute("data-figure"), number(a.locator(".stat-value").inner_text()), a.get_attribute("href"))
        for a in page.locator("a[data-figure]").all()
    ]
    links += [
        (f"cell-{i}", number(a.inner_text()), a.get_attribute("href"))
        for i, a in enumerate(page.locator("table.breakdown td.num a").all())
    ]
    assert len(links) > 11
    seen = set()
    for key, value, href in links:
        if href in seen:
            continue
        seen.add(href)
        page.goto(href)
        assert list_count(page) == value, (key, href)
        assert_form_holds(page, href)
    # The amendment 03 is in no figure: in force and amended count the regulation 02 once.
    page.goto("/tong-quan/")
    in_force = number(page.locator('[data-figure="in_force"] .stat-value').inner_text())
    page.goto("/quy-che/?status=in_force&q=03/QCPH-VKS-TA")
    expect(page.get_by_text("1 văn bản", exact=True)).to_be_visible()
    expect(page.locator("table").get_by_role("link", name="02/QCPH-VKS-TA")).to_be_visible()
    assert in_force >= 1
    page.locator("table").get_by_role("link", name="02/QCPH-VKS-TA").click()
    amendments = page.get_by_role("region", name="Các văn bản sửa đổi, bổ sung")
    expect(amendments).to_contain_text("03/QCPH-VKS-TA")
    check_page(page, "figures-amended-regulation")
    amendments.get_by_role("link", name="03/QCPH-VKS-TA").click()
    expect(page.locator("#amends-note")).to_contain_text("Văn bản sửa đổi, bổ sung 02/QCPH-VKS-TA")
    check_page(page, "figures-amending-document")

    # Meetings: from "Họp liên ngành" of the period, change only the kind: period, unit and "held" stay.
    page.goto("/tong-quan/")
    interim = number(page.locator('[data-figure="interim"] .stat-value').inner_text())
    page.locator('[data-figure="interagency"]').click()
    expect(page).to_have_url(re.compile(r"/hoi-nghi/\?"))
    before = parse_qs(urlsplit(page.url).query)
    check_page(page, "figures-meetings-drilldown")
    page.locator('form.filters [name="kind"]').select_option("interim_review")
    page.get_by_role("button", name="Lọc", exact=True).click()
    after = parse_qs(urlsplit(page.url).query)
    for name in ("agency", "date_from", "date_to"):
        assert after[name] == before[name], name
    assert after["kind"] == ["interim_review"] and "held" in after
    assert list_count(page) == interim
    expect(page.locator('form.filters [name="date_from"]')).to_have_value(before["date_from"][0])
    expect(page.locator('form.filters [name="held"]')).to_be_checked()

    # Regulations: from "Quá hạn sơ kết", pick a field: unit and review state stay.
    page.goto("/tong-quan/")
    page.locator('[data-figure="overdue"]').click()
    page.locator('form.filters [name="field"]').select_option(index=1)
    page.get_by_role("button", name="Lọc", exact=True).click()
    after = parse_qs(urlsplit(page.url).query)
    assert after["review_state"] == ["overdue"] and after["agency"] == [str(dw.world.vks_kh.pk)]
    check_page(page, "figures-regulations-refiltered")


def test_dissolved_district_record_names_its_current_carrier(page, db, login, check_page):
    dw = build_dashboard_world()
    w = dw.world
    w.vks_ks.active_to = datetime.date(2025, 6, 30)
    w.vks_ks.save()
    region = AgencyFactory(
        code="VKS-KV7",
        name="Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa",
        short_name="VKSND khu vực 7 - Khánh Hòa",
        locality=w.khanh_hoa,
        parent=w.vks_kh,
        active_from=datetime.date(2025, 7, 1),
    )
    AgencySuccessionFactory(predecessor=w.vks_ks, successor=region)
    reg = RegulationFactory(
        host_agency=w.vks_ks,
        partners=[w.ta_ks],
        number="07/QCPH-VKSKS",
        title="Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        signed_on=datetime.date(2021, 4, 2),
    )
    login(page, w.kh_leader)
    page.goto(f"/quy-che/?q=07/QCPH-VKSKS&agency={w.vks_kh.pk}")
    row = page.locator("table tbody tr").filter(has_text="07/QCPH-VKSKS")
    expect(row).to_contain_text("đã giải thể")
    expect(row).to_contain_text("→ nay là VKSND khu vực 7 - Khánh Hòa")
    check_page(page, "figures-carrier-list")
    row.get_by_role("link", name="07/QCPH-VKSKS").click()
    expect(page).to_have_url(re.compile(rf"/quy-che/{reg.pk}/$"))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("→ nay là VKSND khu vực 7 - Khánh Hòa")
    check_page(page, "figures-carrier-detail")
    page.locator("dl.facts").get_by_role("link", name="VKSND khu vực 7 - Khánh Hòa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("khu vực 7 - Khánh Hòa")

    # The overdue review reaches the carrier's staff, and the notification names both units.
    staff = UserFactory(agency=region, role=Role.STAFF)
    scan_reminders()
    login(page, staff)
    page.goto("/thong-bao/")
    item = page.locator("main").filter(has_text="07/QCPH-VKSKS")
    expect(item).to_contain_text("đã giải thể → nay là Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa")
    check_page(page, "figures-carrier-notification")
