"""Everyday use on any screen: phones (390×844), dates typed dd/mm/yyyy in an English browser, and
the meeting form with the keyboard only."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page

from agencies.models import AgencyKind
from meetings.models import Meeting
from regulations.models import Regulation
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, choose
from tests.factories import AgencyFactory
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert max(widths[:2]) <= widths[2], f"{page.url}: document {widths[:2]} wider than the viewport {widths[2]}"


def test_phone_pages_have_no_sideways_scroll_and_fold_filters(page, world, login, check_page) -> None:
    regulation = RegulationFactory(
        host_agency=world.vks_ks,
        number="01/2016/NQLT-BCSĐVKSTC-BCSĐTATC",
        partners=[world.ta_ks],
        title="Quy chế phối hợp trong công tác tiếp nhận, giải quyết nguồn tin về tội phạm",
        signed_on=datetime.date(2021, 3, 16),
    )
    meeting = MeetingFactory(
        host_agency=world.vks_ks,
        title="Sơ kết 3 năm thực hiện quy chế phối hợp liên ngành",
        starts_at=aware(2024, 3, 5, 8),
        state="held",
    )
    meeting.regulations.add(regulation)
    DirectiveFactory(
        meeting=meeting,
        number=1,
        text="Rà soát, đề xuất sửa đổi, bổ sung quy chế phối hợp",
        assigned_agency=world.vks_ks,
        deadline=datetime.date(2024, 6, 30),
    )
    login(page, world.ks_leader)
    page.set_viewport_size(PHONE)

    # The menu folds behind one button.
    page.goto("/quy-che/")
    menu = page.locator("[data-menu-toggle]")
    assert menu.is_visible() and not page.locator("#main-nav-list").is_visible()
    menu.click()
    assert page.locator("#main-nav-list").is_visible()
    menu.click()

    for url, name, has_filters in [
        ("/quy-che/?status=in_force", "phone-regulations-list", True),
        (f"/quy-che/{regulation.pk}/", "phone-regulation-detail", False),
        (f"/hoi-nghi/{meeting.pk}/", "phone-meeting-detail", False),
        ("/tong-quan/", "phone-dashboard", False),
        ("/hoi-nghi/nhiem-vu/", "phone-directives", True),
    ]:
        page.goto(url)
        assert_no_sideways_scroll(page)
        if has_filters:
            toggle = page.locator("[data-filter-toggle]").first
            form = page.locator("form.filters").first
            assert toggle.is_visible() and not form.is_visible()
            if "status=" in url:
                assert "1 đang áp dụng" in toggle.inner_text()
            toggle.click()
            assert form.is_visible() and toggle.get_attribute("aria-expanded") == "true"
            assert_no_sideways_scroll(page)
        # Rows are cards: every cell says which column it belongs to.
        for cell in page.locator("table.stackable tbody td").all()[:20]:
            assert cell.get_attribute("data-label"), f"{url}: a cell without its column name"
        check_page(page, name)
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/quy-che/", "/hoi-nghi/", "/hoi-nghi/lich/?view=month&date=2024-03-05", "/co-quan/"):
        page.goto(url)
        assert_no_sideways_scroll(page)


@pytest.fixture
def english_page(browser, live_server):
    """Chromium started in an English locale, as on English Windows: a date input would show mm/dd/yyyy."""
    english = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=en-US"])
    context = english.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1366, "height": 768},
        timezone_id="America/New_York",
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    english.close()


def record_regulation(page: Page, world, number: str, typed: str) -> None:
    page.goto("/quy-che/them/")
    page.fill("#id_number", number)
    page.fill("#id_title", f"Quy chế phối hợp {number}")
    page.fill("#id_signed_on", typed)
    page.fill("#id_in_force_from", typed)
    choose(page, "id_parties-1-agency", world.ta_ks.name)
    page.click("button[type=submit]:has-text('Lưu')")
    page.wait_for_load_state("load")


def test_dates_typed_dd_mm_yyyy_in_an_english_browser(english_page, world, login) -> None:
    page = english_page
    assert page.evaluate("navigator.language") == "en-US"
    login(page, world.ks_staff)
    assert page.goto("/quy-che/them/").ok
    assert page.get_attribute("#id_signed_on", "type") == "text"
    assert page.get_attribute("#id_signed_on", "placeholder") == "dd/mm/yyyy"
    for number, typed in (("01/QCPH-VKSKS", "15/09/2025"), ("02/QCPH-VKSKS", "15092025")):
        record_regulation(page, world, number, typed)
        saved = Regulation.objects.get(number=number)
        assert (saved.signed_on, saved.in_force_from) == (datetime.date(2025, 9, 15), datetime.date(2025, 9, 15))
        assert "15/09/2025" in page.inner_text("main")

    record_regulation(page, world, "03/QCPH-VKSKS", "31/02/2025")
    assert not Regulation.objects.filter(number="03/QCPH-VKSKS").exists()
    error = page.locator("#id_signed_on_error").inner_text()
    assert "Ngày không hợp lệ" in error and "ngày/tháng/năm" in error
    assert page.input_value("#id_signed_on") == "31/02/2025"  # kept as typed, never moved to 03/03
    assert page.evaluate("document.activeElement.id") == "id_signed_on"  # focus on the first error


def tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    """Press Tab until ``element_id`` has the focus: it must be reachable with the keyboard."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_meeting_form_with_the_keyboard_only(page, world, login, check_page) -> None:
    police = AgencyFactory(
        code="CSDT-KS",
        name="Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn",
        kind=AgencyKind.POLICE_INVESTIGATION,
        locality=world.khanh_son,
    )
    login(page, world.ks_staff)
    page.goto("/hoi-nghi/tao-moi/")
    assert page.input_value("#id_host_agency") == str(world.vks_ks.pk)  # the user's unit, preselected

    tab_to(page, "id_kind")
    page.keyboard.type("Họp liên")
    assert page.input_value("#id_kind") == "interagency"
    tab_to(page, "id_title")
    page.keyboard.type("Họp liên ngành giải quyết vụ án trộm cắp tài sản")
    tab_to(page, "id_starts_at")
    page.keyboard.type("05032024 0800")
    for agency, typed in ((world.ta_ks, "toa an"), (police, "canh sat")):
        tab_to(page, "id_co_hosts-ts-control")
        page.keyboard.type(typed)
        page.locator("#id_co_hosts-ts-dropdown .option", has_text=agency.name).wait_for()
        page.keyboard.press("Enter")
    assert set(page.eval_on_selector("#id_co_hosts", "s => [...s.selectedOptions].map(o => o.value)")) == {
        str(world.ta_ks.pk),
        str(police.pk),
    }
    page.keyboard.press("Escape")
    tab_to(page, "id_attendees-0-position")
    page.keyboard.type("Phó Viện trưởng")  # neither a person, a name nor an agency: the row is wrong
    tab_to(page, "save-meeting")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert not Meeting.objects.exists()
    alert = page.locator(".form-alert")
    assert alert.count() == 1 and "Thành phần tham dự" in alert.inner_text() and "dòng 1" in alert.inner_text()
    assert page.evaluate("document.activeElement.id").startswith("id_attendees-0-")
    assert page.input_value("#id_attendees-0-position") == "Phó Viện trưởng"
    assert page.input_value("#id_starts_at") == "05/03/2024 08:00"
    check_page(page, "meetings-form-row-error")


def test_a_search_left_behind_does_not_take_the_keys(page, world, login) -> None:
    # Tom Select refreshes a picker some 300 ms after the last keystroke; a refresh still pending when the
    # user has tabbed on used to open the picker and pull focus back, so the next words went into it.
    login(page, world.ks_staff)
    page.goto("/hoi-nghi/tao-moi/")
    tab_to(page, "id_co_hosts-ts-control")
    page.keyboard.type("toa an")
    page.keyboard.press("Tab")
    moved_to = page.evaluate("document.activeElement.id")
    assert moved_to and not moved_to.startswith("id_co_hosts")
    page.wait_for_timeout(1000)
    assert page.evaluate("document.activeElement.id") == moved_to
    assert page.locator("#id_co_hosts-ts-dropdown").is_hidden()
