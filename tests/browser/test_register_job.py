"""Journey: a province leader prints the province's register; it is too long to print at once, so
it is made by a background job while a progress bar, polled by a static script, moves to 100 %."""

from __future__ import annotations

import threading
import time

import pytest
from pypdf import PdfReader

from notifications.models import Notification
from portal import pdf
from regulations import jobs
from regulations.models import RegisterJob, RegisterJobState
from tests.regulations.factories import RegulationFactory


@pytest.fixture
def worker(monkeypatch):
    """A stand-in Celery worker: the queued task runs in another thread after a short wait, through
    Celery's task machinery, while the browser watches the progress page."""
    from django.db import connection

    from regulations.tasks import render_register

    threads: list[threading.Thread] = []

    def run(job_id: int) -> None:
        time.sleep(1.5)
        render_register.apply(args=[job_id])
        connection.close()

    def enqueue(job_id: int) -> None:
        thread = threading.Thread(target=run, args=(job_id,), daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(jobs, "_enqueue", enqueue)
    yield threads
    for thread in threads:
        thread.join(60)


@pytest.mark.browser
def test_province_register_pdf_through_the_job(page, world, login, check_page, worker, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "DIRECT_MAX_ROWS", 5)
    monkeypatch.setattr(jobs, "CHUNK_ROWS", 4)
    for n in range(1, 10):
        RegulationFactory(
            host_agency=world.vks_kh if n % 2 else world.vks_ks,
            partners=[world.ta_kh],
            number=f"{n:02d}/QCPH-KH",
            field_codes=["criminal"],
        )
    RegulationFactory(host_agency=world.vks_hg, partners=[world.ta_hg], number="99/QCPH-HG")  # another province
    login(page, world.kh_leader)

    page.goto("/quy-che/")
    page.click("text=In sổ theo dõi (PDF)")
    assert "9 văn bản" in page.inner_text("main") and "chế độ nền" in page.inner_text("main")
    check_page(page, "register-job-start")
    page.click("button:has-text('Tạo sổ theo dõi (PDF)')")

    page.wait_for_selector("progress[data-job-bar]")
    assert page.is_hidden("[data-job-download]")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    check_page(page, "register-job-progress")

    page.wait_for_selector("[data-job-download] a", state="visible", timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True
    assert page.eval_on_selector("progress[data-job-bar]", "bar => bar.value") == 100
    assert "9/9 dòng" in page.inner_text("[data-job-rows]")
    assert page.inner_text("[data-job-state]") == "Đã xong"
    page.reload()  # check_page injected axe into the document above: check the finished page afresh
    check_page(page, "register-job-done")

    with page.expect_download() as info:
        page.click("[data-job-download] a")
    path = tmp_path / "so-theo-doi.pdf"
    info.value.save_as(path)
    reader = PdfReader(path)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "SỔ THEO DÕI QUY CHẾ PHỐI HỢP" in text and "— 9 văn bản — lập ngày" in text
    assert "01/QCPH-KH" in text and "09/QCPH-KH" in text and "99/QCPH-HG" not in text

    job = RegisterJob.objects.get()
    assert job.state == RegisterJobState.DONE
    assert Notification.objects.filter(user=world.kh_leader, url=f"/quy-che/so-theo-doi/{job.pk}/").exists()
    page.goto("/thong-bao/")
    assert "đã sẵn sàng" in page.inner_text("main")
