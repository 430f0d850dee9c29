"""Journey (issue #20, point 6): from a regulation's page, record its amendment at desktop and phone
size: the form says what it amends, has the parties already, asks no review cycle, saves first time."""

from __future__ import annotations

import datetime

import pytest

from regulations.models import PartyRole, Regulation
from tests.regulations.factories import RegulationFactory

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
def test_record_an_amendment_first_try(page, world, login, check_page, size):
    amended = RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        partners__host_signatory="Bùi Văn Đức",
        number="04/2023/QCPH-VKSKS-TAKS",
        title="Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        signed_on=datetime.date(2023, 3, 1),
    )
    amended.parties.filter(agency=world.ta_ks).update(signatory_name="Lê Thị Hoa")
    page.set_viewport_size(SIZES[size])
    login(page, world.ks_staff)
    page.goto(amended.get_absolute_url())
    page.click("text=Ghi nhận văn bản sửa đổi, bổ sung")
    heading = page.inner_text("h1")
    assert heading == (
        "Ghi nhận văn bản sửa đổi, bổ sung cho 04/2023/QCPH-VKSKS-TAKS — "
        "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm"
    )
    assert page.locator("#id_review_interval_months").count() == 0
    assert page.input_value("#id_parties-1-signatory_name") == "Lê Thị Hoa"
    assert "Tòa án nhân dân huyện Khánh Sơn" in page.inner_text("#parties-set")
    check_page(page, f"regulations-amendment-form-{size}")

    page.fill("#id_number", "01/2026/QĐ-SĐBS")
    page.fill("#id_signed_on", "02/03/2026")
    page.fill("#id_in_force_from", "02/03/2026")
    page.fill("#id_summary", "Sửa đổi thời hạn chuyển tin báo về tội phạm.")
    page.fill("#id_articles-0-number", "5")
    page.fill("#id_articles-0-heading", "Thời hạn chuyển tin báo")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Lưu')")
    main = page.inner_text("main")
    assert "Đã lưu văn bản sửa đổi, bổ sung 01/2026/QĐ-SĐBS" in page.inner_text("body")
    assert "Văn bản sửa đổi, bổ sung 04/2023/QCPH-VKSKS-TAKS" in main
    saved = Regulation.objects.get(number="01/2026/QĐ-SĐBS")
    assert saved.amendment_of_id == amended.pk
    assert set(saved.parties.values_list("agency_id", "role")) == {
        (world.vks_ks.pk, PartyRole.HOST),
        (world.ta_ks.pk, PartyRole.PARTY),
    }
    assert saved.articles.get().heading == "Thời hạn chuyển tin báo"
