"""Phone: right after picking an agency in a searchable list, the next tap lands where it was aimed.
The control used to grow a line while focused (its empty search box wrapped under a long name) and
shrink on the tap's blur, so "Thêm dòng" moved away under the finger and the first tap did nothing."""

import re

import pytest

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_picked_agency_keeps_the_control_height_while_focused(page, world, login):
    page.set_viewport_size(PHONE)
    login(page, world.ks_staff)
    page.goto("/hoi-nghi/tao-moi/")
    select_id = "id_attendees-0-agency"
    page.evaluate("id => document.getElementById(id).tomselect.focus()", select_id)
    page.locator(f"#{select_id}-ts-control").press_sequentially("Viện kiểm sát nhân dân huyện")
    option = page.locator(
        f"#{select_id}-ts-dropdown .option", has_text=re.compile(rf"^\s*{re.escape(world.vks_ks.name)}\s*$")
    )
    option.first.wait_for(state="visible", timeout=10_000)
    option.first.click()
    wrapper = page.locator(f".ts-wrapper:has(#{select_id}-ts-control)")
    focused = wrapper.bounding_box()["height"]
    page.evaluate("id => document.getElementById(id).tomselect.blur()", select_id)
    page.wait_for_timeout(100)
    assert wrapper.bounding_box()["height"] == focused
    # Typing again still shows what is typed.
    page.evaluate("id => document.getElementById(id).tomselect.focus()", select_id)
    page.locator(f"#{select_id}-ts-control").press_sequentially("Tòa")
    box = page.locator(f"#{select_id}-ts-control").bounding_box()
    assert box is not None and box["x"] > 0 and box["width"] > 20
