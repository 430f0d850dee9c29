"""Issue 20: a clerk brings the register the unit already keeps (title rows, a merged two-row header,
"Sheet1", no host or type column); the preview asks which column is which, on a desktop and on a
phone; the file is imported after the mapping step."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from regulations.models import Regulation
from tests.factories import build_world
from tests.imports.clerk import clerk_book

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def rows() -> list[list[object]]:
    return [
        [1, "01/2023/QCPH", datetime.datetime(2023, 3, 15), "Quy chế phối hợp xét xử", "TAND huyện Khánh Sơn"],
        [2, "02/2024/QCPH", "15/9/2024", "Quy chế phối hợp hòa giải", "TA-KS", "Hình sự", "Còn hiệu lực", ""],
        [3, "03/2025/QCPH", "ngày 15 tháng 9 năm 2025", "Nghị quyết liên tịch về lãnh đạo", "TA-KS", "", "", ""],
    ]


@pytest.mark.parametrize("size", list(SIZES))
def test_mapping_step_journey(page, db, login, check_page, tmp_path, size):
    world = build_world()
    page.set_viewport_size(SIZES[size])
    login(page, world.ks_staff)
    page.goto("/quy-che/nhap/")
    register = tmp_path / "so-theo-doi-cua-van-thu.xlsx"
    register.write_bytes(clerk_book(rows=rows()))
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(register))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.get_by_role("heading", name="Ghép cột của tệp")).to_be_visible()
    expect(page.get_by_text("Dòng tiêu đề là dòng 4 của trang “Sheet1”.")).to_be_visible()
    number = page.get_by_label("Số, ký hiệu")
    expect(number.locator("option:checked")).to_have_text(re.compile(r"^Văn bản / Số ký hiệu — ví dụ: 01/2023/QCPH"))
    expect(page.locator(".import-ignored")).to_contain_text("STT")
    expect(page.get_by_role("button", name="Xác nhận nhập dữ liệu")).to_have_count(0)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"sideways scroll on {size}: {widths}"
    check_page(page, f"imports-mapping-{size}")

    # Submitting without the host says what is missing and keeps the rest.
    page.get_by_role("button", name="Ghép cột và kiểm tra").click()
    expect(page.get_by_text("Hãy chọn cột chứa trường bắt buộc này.").first).to_be_visible()
    expect(page.get_by_label("Số, ký hiệu").locator("option:checked")).to_contain_text("Số ký hiệu")
    page.get_by_label("Cơ quan chủ trì").select_option(label="— Đơn vị của tôi: VKSND huyện Khánh Sơn (mọi dòng) —")
    page.get_by_label("Loại văn bản").select_option(value="@title")
    page.get_by_role("button", name="Ghép cột và kiểm tra").click()

    expect(page.locator(".import-counts")).to_contain_text("3 dòng sẽ tạo mới")
    check_page(page, f"imports-mapped-{size}")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    expect(page.get_by_text(re.compile(r"Đã nhập xong: tạo mới 3"))).to_be_visible()
    assert Regulation.objects.count() == 3
    assert Regulation.objects.get(number="03/2025/QCPH").type == "joint_resolution"
    assert Regulation.objects.get(number="03/2025/QCPH").signed_on == datetime.date(2025, 9, 15)
