"""Issue 20: a register typed partly in TCVN3 (.VnTime) where some cells read two ways; the preview shows
both readings side by side and asks, on a desktop and on a phone; nothing is stored until the clerk
chooses, a choice left out is asked again, and the file is imported as chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from regulations.models import Regulation
from tests.factories import build_world
from tests.imports.files import regulation_row, xlsx
from tests.imports.test_encodings import TITLE, to_tcvn3

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(SIZES))
def test_encoding_choice_journey(page, db, login, check_page, tmp_path, size):
    world = build_world()
    page.set_viewport_size(SIZES[size])
    login(page, world.ks_staff)
    page.goto("/quy-che/nhap/")
    register = tmp_path / "so-quy-che-vntime.xlsx"
    register.write_bytes(
        xlsx(
            [
                regulation_row(1, title=TITLE, notes="Hà Tú"),  # Unicode; the note reads two ways
                regulation_row(2, title=to_tcvn3("Quy chế phối hợp thi hành án")),  # TCVN3
            ]
        )
    )
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(register))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.get_by_role("heading", name="Chọn cách đọc bảng mã")).to_be_visible()
    readings = page.locator(".import-readings")
    expect(readings.locator("tbody tr")).to_have_count(1)
    expect(readings.locator("tbody tr td")).to_have_text(["Hà Tú", "Hà Tú", "Hà Tỳ"])
    expect(page.get_by_role("button", name="Xác nhận nhập dữ liệu")).to_have_count(0)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"sideways scroll on {size}: {widths}"
    check_page(page, f"imports-encoding-{size}")

    page.get_by_role("button", name="Chọn cách đọc và kiểm tra").click()  # no choice made
    expect(page.get_by_text("Hãy chọn một cách đọc.")).to_be_visible()
    assert not Regulation.objects.exists()

    page.get_by_role("radio", name=re.compile("Unicode")).check()
    page.get_by_role("button", name="Chọn cách đọc và kiểm tra").click()
    expect(page.locator(".import-counts")).to_contain_text("2 dòng sẽ tạo mới")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    expect(page.get_by_text(re.compile(r"Đã nhập xong: tạo mới 2"))).to_be_visible()
    assert set(Regulation.objects.values_list("notes", flat=True)) == {"Hà Tú", ""}
    assert Regulation.objects.get(number__startswith="02/").title == "Quy chế phối hợp thi hành án"
