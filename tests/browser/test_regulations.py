"""Journey: a staff member records a regulation, finds it, exports the register and records its replacement."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from agencies.models import AgencyKind
from regulations.models import Regulation
from tests.browser.conftest import choose
from tests.factories import AgencyFactory
from tests.regulations import helpers


def fill_party(page, index: int, agency, role: str, name: str) -> None:
    choose(page, f"id_parties-{index}-agency", agency.name)
    page.select_option(f"#id_parties-{index}-role", role)
    page.fill(f"#id_parties-{index}-signatory_name", name)


def fill_main(page, number: str, title: str, day: str) -> None:
    page.fill("#id_number", number)
    page.fill("#id_title", title)
    page.fill("#id_signed_on", day)
    page.fill("#id_in_force_from", day)


@pytest.mark.browser
def test_record_find_export_and_replace(page, world, login, check_page, tmp_path):
    police = AgencyFactory(
        code="CSDT-KS",
        name="Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn",
        kind=AgencyKind.POLICE_INVESTIGATION,
        locality=world.khanh_son,
    )
    login(page, world.ks_staff)

    page.goto("/quy-che/")
    check_page(page, "regulations-list-empty")
    page.click("text=Ghi nhận quy chế mới")
    check_page(page, "regulations-form-create")

    # Submitting with an error keeps what was typed.
    fill_main(
        page,
        "01/QCPH-VKSKS",
        "Quy chế phối hợp trong công tác tiếp nhận, giải quyết nguồn tin về tội phạm",
        "2021-03-16",
    )
    page.fill("#id_in_force_from", "2021-03-01")
    fill_party(page, 0, world.vks_ks, "host", "Bùi Văn Đức")
    page.click("button[type=submit]:has-text('Lưu')")
    assert "Ngày có hiệu lực không được trước ngày ký." in page.inner_text("main")
    assert page.input_value("#id_parties-0-signatory_name") == "Bùi Văn Đức"
    check_page(page, "regulations-form-errors")

    page.fill("#id_in_force_from", "2021-03-16")
    fill_party(page, 1, world.ta_ks, "party", "Lê Thị Hoa")
    fill_party(page, 2, police, "party", "Trần Văn Nam")
    page.check("label:has-text('Hình sự') >> xpath=preceding-sibling::input")
    page.check("label:has-text('Tố giác, tin báo về tội phạm') >> xpath=preceding-sibling::input")
    page.click("button:has-text('Thêm điều')")  # a third article row (JS)
    for i, heading in enumerate(["Phạm vi điều chỉnh", "Nguyên tắc phối hợp", "Tổ chức thực hiện"]):
        page.fill(f"#id_articles-{i}-number", str(i + 1))
        page.fill(f"#id_articles-{i}-heading", heading)
    scan = tmp_path / "Bản ký quy chế.pdf"
    scan.write_bytes(helpers.PDF_BYTES)
    page.set_input_files("#id_originals-0-file", str(scan))
    page.click("button[type=submit]:has-text('Lưu')")
    page.wait_for_url("**/quy-che/*/")
    main = page.inner_text("main")
    assert "Đã lưu quy chế 01/QCPH-VKSKS." in main
    assert "Trần Văn Nam" in main and "Tố giác, tin báo về tội phạm" in main and "Bản ký quy chế.pdf" in main
    check_page(page, "regulations-detail-new")
    old = Regulation.objects.get(number="01/QCPH-VKSKS")
    assert old.parties.count() == 3 and old.articles.count() == 3 and old.fields.count() == 2
    assert old.originals.count() == 1

    # Find it without accents, then filter.
    page.goto("/quy-che/")
    page.fill("#id_q", "nguon tin toi pham")
    page.click("button:has-text('Lọc')")
    assert "01/QCPH-VKSKS" in page.inner_text("table")
    page.select_option("#id_partner_kind", "police_investigation")
    page.click("button:has-text('Lọc')")
    assert "01/QCPH-VKSKS" in page.inner_text("table")
    check_page(page, "regulations-list-filtered")

    with page.expect_download() as info:
        page.click("text=Xuất Excel")
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    row = [c.value for c in ws["A"]].index("STT") + 2  # under the header block and the column titles
    assert ws[f"B{row}"].value == "01/QCPH-VKSKS"
    assert ws[f"D{row}"].value == "Quy chế phối hợp trong công tác tiếp nhận, giải quyết nguồn tin về tội phạm"
    assert "Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn" in ws[f"H{row}"].value

    # Record the regulation that replaces it.
    page.goto(old.get_absolute_url())
    page.click("text=Ghi nhận văn bản thay thế")
    assert page.input_value("#id_relations-0-target") == str(old.pk)
    fill_main(
        page,
        "08/QCPH-VKSKS",
        "Quy chế phối hợp trong công tác tiếp nhận, giải quyết nguồn tin về tội phạm (thay thế)",
        "2024-05-02",
    )
    fill_party(page, 0, world.vks_ks, "host", "Bùi Văn Đức")
    fill_party(page, 1, world.ta_ks, "party", "Lê Thị Hoa")
    page.fill("#id_relations-0-effective_on", "2024-05-02")
    page.click("button[type=submit]:has-text('Lưu')")
    page.wait_for_url("**/quy-che/*/")
    check_page(page, "regulations-detail-replacement")
    page.click("#timeline-h ~ ol a:has-text('01/QCPH-VKSKS')")
    main = page.inner_text("main")
    assert "Đã bị thay thế" in main
    assert "Bị thay thế bởi 08/QCPH-VKSKS" in main
    assert "02/05/2024" in page.inner_text("ol.timeline")
    check_page(page, "regulations-detail-superseded")

    page.goto(f"/co-quan/{police.pk}/")
    assert "01/QCPH-VKSKS" in page.inner_text("#agency-regulations-h ~ table")
    check_page(page, "regulations-agency-section")
