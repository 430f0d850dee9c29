"""Journey while Redis (the cache and the broker) is down: a province leader opens the dashboard, which
answers from the database, then asks for the register PDF, which needs a worker: the job page says at
once, in Vietnamese, that background processing is down, instead of waiting for ever. Desktop and phone."""

from __future__ import annotations

import pytest

from portal.celery import app as celery_app
from portal.settings.base import redis_cache
from regulations import jobs
from regulations.models import RegisterJob, RegisterJobState
from tests.regulations.factories import RegulationFactory

DEAD = "redis://127.0.0.1:1/0"  # nothing listens there
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_dashboard_and_register_job_while_redis_is_down(page, world, login, check_page, settings, monkeypatch):
    settings.CACHES = {"default": redis_cache(DEAD)}
    monkeypatch.setattr(celery_app.conf, "broker_write_url", DEAD)  # before the URL: the teardown restores it
    monkeypatch.setattr(celery_app.conf, "broker_url", DEAD)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(jobs.pdf, "DIRECT_MAX_ROWS", 1)
    for n in range(1, 4):
        RegulationFactory(host_agency=world.vks_kh, partners=[world.ta_kh], number=f"{n:02d}/QCPH-KH")
    login(page, world.kh_leader)

    page.goto("/tong-quan/")
    assert "Quy chế đang có hiệu lực" in page.inner_text("main")
    check_page(page, "redis-down-dashboard")

    page.goto("/quy-che/")
    page.click("text=In sổ theo dõi (PDF)")
    page.click("button:has-text('Tạo sổ theo dõi (PDF)')")
    page.wait_for_selector("[data-job-message]:not([hidden])")
    assert "thử lại sau ít phút" in page.inner_text("[data-job-message]")
    assert RegisterJob.objects.get().state == RegisterJobState.FAILED
    check_page(page, "redis-down-register-job-failed")

    page.set_viewport_size(PHONE)
    page.reload()
    assert "thử lại sau ít phút" in page.inner_text("main")
    check_page(page, "redis-down-register-job-failed-phone")
