"""Journey: a staff member uploads a scan drawn by the test, watches it being read (OCR) on the
regulation page, then finds the regulation by a phrase inside the scan typed without diacritics."""

from __future__ import annotations

import threading
import time

import pytest

from originals import services
from originals.models import OriginalText, TextState
from tests.originals import drawing
from tests.regulations.factories import RegulationFactory


@pytest.fixture
def worker(monkeypatch):
    """A stand-in Celery worker: the queued reading runs in another thread after a short wait, through
    Celery's task machinery, while the browser watches the progress."""
    from django.db import connection

    from originals.tasks import read_original

    threads: list[threading.Thread] = []

    def run(text_id: int) -> None:
        time.sleep(2)
        read_original.apply(args=[text_id])
        connection.close()

    def enqueue(text_id: int) -> None:
        thread = threading.Thread(target=run, args=(text_id,), daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(services, "_enqueue", enqueue)
    yield threads
    for thread in threads:
        thread.join(120)


@pytest.mark.browser
def test_upload_a_scan_watch_it_read_and_find_it_without_diacritics(page, world, login, check_page, worker, tmp_path):
    regulation = RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number="05/QCPH-KS", title="Quy chế phối hợp tạm giam"
    )
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="06/QCPH-KS")
    login(page, world.ks_staff)

    page.goto(f"/quy-che/{regulation.pk}/sua/")
    scan = tmp_path / "Bản ký quét.pdf"
    scan.write_bytes(drawing.scan_pdf().read())
    page.set_input_files("#id_originals-0-file", str(scan))
    page.click("button[type=submit]:has-text('Lưu')")
    page.wait_for_url(f"**/quy-che/{regulation.pk}/")

    # The page shows the reading's progress and reloads itself once the text is there.
    page.wait_for_selector("progress[data-job-bar]")
    assert "trang" in page.inner_text("[data-job-rows]")
    check_page(page, "originals-reading")
    page.wait_for_selector("summary:has-text('Nội dung văn bản')", timeout=120_000)
    text = OriginalText.objects.get(original__regulation=regulation)
    assert text.state == TextState.DONE and text.pages_total == 2
    main = page.inner_text("main")
    assert "Nhận dạng chữ (OCR), 2 trang" in main and "Tải bản PDF/A tìm kiếm được" in main
    page.click("summary:has-text('Nội dung văn bản')")
    assert "tạm giữ" in page.inner_text(".original-pages")
    check_page(page, "originals-read")

    page.goto("/quy-che/")
    page.fill("#id_q", "nguoi bi tam giu")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "q=nguoi+bi+tam+giu" in url)
    table = page.inner_text("table")
    assert "05/QCPH-KS" in table and "06/QCPH-KS" not in table
    assert "Tìm thấy trong bản gốc, trang 2:" in table and "tạm giữ" in table
    check_page(page, "originals-search-hit")
