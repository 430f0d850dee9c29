"""A staff member brings a register in: downloads the template, fills 30 regulations and 20
meetings with 3 bad rows, reads the errors on the preview, fixes them, uploads again, confirms,
sees the records in the list and on the dashboard; importing the same file again creates nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from regulations.models import Regulation
from tests.factories import build_world
from tests.imports.files import meeting_row, regulation_row, xlsx

pytestmark = pytest.mark.browser


def rows(bad: bool) -> tuple[list[dict], list[dict]]:
    regulations = [regulation_row(n) for n in range(1, 31)]
    # (the meetings cite regulations 21-30, so the two bad regulation rows cause no further errors)
    meetings = [meeting_row(n, regulation=f"{21 + n % 10:02d}/2023/QCPH-VKSKS") for n in range(1, 21)]
    if bad:
        regulations[4]["signed_on"] = "31/02/2023"
        regulations[11]["host"] = "Vien kiem sat nhan dan huyen Khanh Sonn"
        meetings[6]["kind"] = "Họp bàn"
    return regulations, meetings


def upload(page, path: Path) -> None:
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()


def test_import_wizard_journey(page, db, login, check_page, tmp_path):
    world = build_world()
    login(page, world.ks_staff)
    page.goto("/quy-che/")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhập Quy chế phối hợp từ Excel, CSV")
    check_page(page, "imports-upload")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    template = Path(download.value.path()).read_bytes()

    bad = tmp_path / "so-theo-doi-loi.xlsx"
    bad.write_bytes(xlsx(*rows(bad=True), template=template))
    upload(page, bad)
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("Quy chế phối hợp")
    expect(errors.nth(0)).to_contain_text("Ngày ký")
    expect(errors.nth(1)).to_contain_text("Có phải: Viện kiểm sát nhân dân huyện Khánh Sơn")
    expect(errors.nth(2)).to_contain_text("Hội nghị, cuộc họp")
    expect(errors.nth(2)).to_contain_text("Loại cuộc họp “Họp bàn” không có trong danh sách")
    expect(page.get_by_role("button", name="Xác nhận nhập dữ liệu")).to_have_count(0)
    check_page(page, "imports-preview-errors")
    assert Regulation.objects.count() == 0

    good = tmp_path / "so-theo-doi.xlsx"
    good.write_bytes(xlsx(*rows(bad=False), template=template))
    upload(page, good)
    counts = page.locator(".import-counts")
    expect(counts).to_contain_text("50 dòng sẽ tạo mới")
    expect(page.locator("table.import-preview tbody tr")).to_have_count(50)
    check_page(page, "imports-preview-ready")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    expect(page.get_by_text(re.compile(r"Đã nhập xong: tạo mới 50"))).to_be_visible()
    check_page(page, "imports-done")
    assert Regulation.objects.count() == 30 and Meeting.objects.count() == 20

    page.get_by_role("link", name="Xem sổ quy chế").click()
    expect(page.get_by_text(re.compile(r"^30 văn bản$"))).to_be_visible()
    expect(page.get_by_role("link", name="30/2023/QCPH-VKSKS")).to_be_visible()
    page.goto("/tong-quan/?period=year&year=2024")
    expect(page.locator('[data-figure="interagency"] .stat-value')).to_have_text("20")
    expect(page.locator('[data-figure="in_force"] .stat-value')).to_have_text("30")

    page.goto("/hoi-nghi/nhap/")
    upload(page, good)
    expect(counts).to_contain_text("0 dòng sẽ tạo mới")
    expect(counts).to_contain_text("50 dòng bỏ qua")
    # The same file again: nothing would change, so there is nothing to confirm.
    expect(page.get_by_text("Không có dòng nào cần nhập")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận nhập dữ liệu")).to_have_count(0)
    assert Regulation.objects.count() == 30 and Meeting.objects.count() == 20
