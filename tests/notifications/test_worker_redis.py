"""End to end with the real machinery: a Celery worker consuming from the real Redis, delivering to a
real SMTP server on loopback (aiosmtpd). Skipped without REDIS_URL (CI sets it); locally run e.g.

    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/pytest tests/notifications/test_worker_redis.py

Each test uses its own queue (settings.NOTIFICATIONS_QUEUE), so parallel test processes sharing one
Redis never take each other's tasks.
"""

from __future__ import annotations

import datetime
import email
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from email import policy

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import after_task_publish, task_postrun
from django.conf import settings
from django.test import override_settings

from notifications import delivery, scan
from notifications.models import Reminder, ReminderStatus
from portal.celery import app as celery_app
from tests.factories import build_world
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory

pytestmark = [
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="needs a real Redis: set REDIS_URL (CI sets "
        "redis://127.0.0.1:6379/0; locally use your own db number, e.g. redis://127.0.0.1:6379/7)",
    ),
    pytest.mark.django_db(transaction=True),
]


class Recorder:
    """An aiosmtpd handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float = 45.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


class Tasks:
    """Every task published and every run finished in this process (the worker runs in a thread of it):
    once each published task has run as often as it was published, nothing more is on its way. Tests
    wait for that, not for a fixed time, to show that nothing more is sent."""

    def __init__(self) -> None:
        self.published: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()

    def on_publish(self, sender: object = None, headers: dict | None = None, **kwargs: object) -> None:
        self.published[(headers or {}).get("id", "")] += 1

    def on_postrun(self, sender: object = None, task_id: str = "", **kwargs: object) -> None:
        self.finished[task_id] += 1

    def idle(self) -> bool:
        return all(self.finished[task_id] >= n for task_id, n in self.published.items())


@pytest.fixture
def tasks() -> Iterator[Tasks]:
    tracker = Tasks()
    after_task_publish.connect(tracker.on_publish, weak=False)
    task_postrun.connect(tracker.on_postrun, weak=False)
    yield tracker
    after_task_publish.disconnect(tracker.on_publish)
    task_postrun.disconnect(tracker.on_postrun)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def worker(smtp_port) -> Iterator[str]:
    queue = f"test-notifications-{uuid.uuid4().hex[:12]}"
    celery_app.loader.import_default_modules()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
        NOTIFICATIONS_QUEUE=queue,
    ):
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING", shutdown_timeout=15
        ):
            yield queue
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(queue)


@pytest.fixture
def recipients() -> list[str]:
    """A regulation whose review falls due on 20/03/2024, saved before the worker starts (the recompute
    its save announces goes to another queue: these tests follow the daily scan)."""
    world = build_world()
    RegulationFactory(
        host_agency=world.vks_ks,
        due=datetime.date(2024, 3, 20),
        number="05/2023/QCPH-VKSKS-CSĐT",
        title="Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
    )
    return [world.ks_staff.email]


def all_sent() -> bool:
    statuses = set(Reminder.objects.values_list("status", flat=True))
    return statuses == {ReminderStatus.SENT}


def test_worker_delivers_vietnamese_mail_over_smtp(recipients, worker, tasks, smtp_port):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        counts = scan.scan_reminders(vn(2024, 3, 13, 7))
        assert counts["review"] == 1
        assert wait_for(lambda: all_sent() and len(recorder.messages) == 1), list(Reminder.objects.values())
        # A second scan (another beat, a retried scan task) sends nothing more.
        assert scan.scan_reminders(vn(2024, 3, 13, 7, 5))["review"] == 0
        assert wait_for(tasks.idle)  # every task published so far has run: nothing more is on its way
    finally:
        controller.stop()
    assert len(recorder.messages) == 1
    rcpt_tos, message = recorder.messages[0]
    assert rcpt_tos == recipients
    assert message["To"] == recipients[0]
    # Not due today: it goes out in the user's daily digest, which lists it with its link.
    assert str(message["Subject"]).strip() == "[Nhắc việc] Tổng hợp ngày 13/03/2024: 1 việc cần xử lý"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Sắp đến hạn sơ kết: 05/2023/QCPH-VKSKS-CSĐT (còn 7 ngày)" in body
        assert "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm" in body
        assert "20/03/2024" in body and settings.PORTAL_BASE_URL in body


def test_refused_smtp_is_retried_and_delivered_once_back(recipients, worker, tasks, smtp_port):
    scan.scan_reminders(vn(2024, 3, 20, 7))  # due today: an e-mail of its own
    reminder = Reminder.objects.get()
    # Nothing listens on the port: the send fails, is recorded and retried with backoff.
    assert wait_for(lambda: Reminder.objects.filter(pk=reminder.pk, attempts__gte=2).exists(), timeout=30)
    reminder.refresh_from_db()
    assert reminder.status in (ReminderStatus.FAILED, ReminderStatus.SENDING)
    assert "ConnectionRefusedError" in reminder.last_error or reminder.status == ReminderStatus.SENDING
    assert reminder.sent_at is None
    # The mail server comes back: the next retry delivers it, once.
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert wait_for(all_sent, timeout=60), list(Reminder.objects.values())
        # The sweep re-enqueueing (or a duplicate task) changes nothing once sent.
        delivery.enqueue_email(reminder.pk)
        assert wait_for(tasks.idle)  # the duplicate task has run
    finally:
        controller.stop()
    assert [rcpt for rcpt, _ in recorder.messages] == [recipients]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.attempts >= 3 and reminder.last_error == ""


def test_saving_an_overdue_regulation_reaches_the_bell_without_a_scan_and_only_once(worker, tasks, smtp_port):
    """Item "reminders follow every save": the save's regulation.changed, delivered after commit,
    enqueues the recompute, the worker creates the reminder, the bell shows it and, due today, one e-mail goes out. A
    second save recomputes the same keys: nothing twice."""
    from django.utils import timezone

    from notifications.models import Notification, ScanRun
    from regulations import services as regulation_services
    from regulations.models import PartyRole
    from regulations.rules import add_months

    world = build_world()
    today = timezone.localdate()
    start = add_months(today, -12)  # a 12-month cycle that falls due today
    data = {
        "number": "07/QCPH-VKSKS",
        "title": "Quy chế phối hợp <ghi muộn>",
        "type": "coordination_rule",
        "signed_on": start,
        "in_force_from": start,
        "expires_on": None,
        "review_interval_months": 12,
        "summary": "",
        "notes": "",
    }

    def party(agency, role=PartyRole.PARTY):
        return {"agency": agency, "role": role, "signatory_name": "", "signatory_title": "", "signing_capacity": ""}

    parties = [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        reg = regulation_services.create_regulation(world.ks_staff, data, parties)
        assert reg.next_review_due == today
        assert wait_for(lambda: Notification.objects.filter(user=world.ks_staff).exists())
        assert wait_for(lambda: len(recorder.messages) == 1)
        regulation_services.update_regulation(world.ks_staff, reg, {**data, "notes": "Sửa ghi chú"}, parties)
        assert wait_for(tasks.idle)  # the second recompute (and anything it sent) has run
    finally:
        controller.stop()
    assert not ScanRun.objects.exists()  # no scan was involved
    [note] = Notification.objects.filter(user=world.ks_staff)
    assert note.title == "Đến hạn sơ kết hôm nay: 07/QCPH-VKSKS" and note.url == f"/quy-che/{reg.pk}/"
    assert Reminder.objects.filter(subject_id=reg.pk).count() == 1
    [(rcpt, message)] = recorder.messages
    assert rcpt == [world.ks_staff.email]
    assert str(message["Subject"]).strip() == "[Nhắc việc] Đến hạn sơ kết hôm nay: 07/QCPH-VKSKS"
    assert "Quy chế phối hợp <ghi muộn>" in message.get_body(preferencelist=("plain",)).get_content()
