"""The scan: which reminders, to whom, when (Vietnam calendar days), exactly once."""

from __future__ import annotations

import datetime
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from agencies.models import AgencySuccession
from meetings import reminders as meeting_reminders
from meetings.models import AttendeeRole, MeetingKind, MeetingState
from notifications import delivery, scan
from notifications.models import Digest, Notification, Reminder, ReminderKind, ReminderStatus, ScanRun
from portal.celery import app as celery_app
from regulations import reminders as regulation_reminders
from regulations.models import RegulationRelation
from regulations.services import refresh_derived_dates
from tests.factories import AgencyFactory, UserFactory
from tests.meetings.factories import AttendeeFactory, DirectiveFactory, MeetingFactory
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory

UTC = datetime.UTC


def at(day: datetime.date, hour: int = 7) -> datetime.datetime:
    return vn(day.year, day.month, day.day, hour)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (45, None),
        (31, None),
        (30, "before-30"),
        (8, "before-30"),
        (7, "before-7"),
        (1, "before-7"),
        (0, "due"),
        (-6, "due"),
        (-7, "overdue-w1"),
        (-13, "overdue-w1"),
        (-14, "overdue-w2"),
        (-400, "overdue-w57"),
    ],
)
def test_review_stage(days_left, stage):
    today = datetime.date(2024, 3, 1)
    assert regulation_reminders.review_stage(today + datetime.timedelta(days=days_left), today, (30, 7)) == stage


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (4, None),
        (3, "before-3"),
        (0, "before-3"),
        (-1, "overdue"),
        (-6, "overdue"),
        (-7, "overdue-w1"),
        (-21, "overdue-w3"),
    ],
)
def test_directive_stage(days_left, stage):
    today = datetime.date(2024, 3, 1)
    assert meeting_reminders.directive_stage(today + datetime.timedelta(days=days_left), today) == stage


def test_thirty_day_reminder_falls_on_the_vietnam_date(world, enqueued):
    """Last reviewed 25/06/2022, 12-month interval: due 25/06/2023, 30-day reminder on 26/05/2023."""
    reg = RegulationFactory(
        host_agency=world.vks_ks, signed_on=datetime.date(2021, 3, 1), in_force_from=datetime.date(2021, 3, 1)
    )
    review = MeetingFactory(
        kind=MeetingKind.INTERIM_REVIEW,
        host_agency=world.vks_ks,
        starts_at=vn(2022, 6, 25, 8),
        state=MeetingState.MINUTES_FINALISED,
    )
    review.regulations.add(reg)
    refresh_derived_dates([reg.pk])
    reg.refresh_from_db()
    assert reg.last_review_on == datetime.date(2022, 6, 25)
    assert reg.next_review_due == datetime.date(2023, 6, 25)

    # 23:59 on the 25th in Vietnam (16:59 UTC): 31 days left, nothing yet.
    assert scan.scan_reminders(datetime.datetime(2023, 5, 25, 16, 59, tzinfo=UTC))["review"] == 0
    # 00:30 on the 26th in Vietnam is still the 25th in UTC: the Vietnam date decides.
    assert scan.scan_reminders(datetime.datetime(2023, 5, 25, 17, 30, tzinfo=UTC))["review"] == 1
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.subject_id, reminder.stage, reminder.due_on, reminder.recipient) == (
        ReminderKind.REVIEW,
        reg.pk,
        "before-30",
        datetime.date(2023, 6, 25),
        world.ks_staff,
    )
    # The 07:00 beat scan of the same day adds nothing.
    assert scan.scan_reminders(vn(2023, 5, 26, 7, 0))["review"] == 0
    assert ScanRun.objects.filter(scan_date=datetime.date(2023, 5, 26)).count() == 2
    note = reminder.notification
    assert note.user == world.ks_staff
    assert "còn 30 ngày" in note.title and reg.number in note.title
    assert "25/06/2023" in note.body


def test_beat_runs_the_scan_daily_at_seven_vietnam_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-daily-scan"]
    assert entry["task"] == "notifications.tasks.scan_reminders_task"
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "notifications.tasks.scan_reminders_task" in celery_app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {7} and schedule.minute == {0}
    assert str(celery_app.conf.timezone) == "Asia/Ho_Chi_Minh"
    schedule = type(schedule)(hour=7, minute=0, app=celery_app)
    last_run = datetime.datetime(2023, 5, 25, 0, 0, tzinfo=UTC)  # 07:00 on the 25th in Vietnam

    schedule.nowfun = lambda: datetime.datetime(2023, 5, 25, 23, 59, tzinfo=UTC)  # 06:59 on the 26th, VN
    due, remaining = schedule.is_due(last_run)
    assert not due and remaining == pytest.approx(60, abs=1)
    schedule.nowfun = lambda: datetime.datetime(2023, 5, 26, 0, 0, 30, tzinfo=UTC)  # 07:00:30 on the 26th, VN
    assert schedule.is_due(last_run)[0]
    # Midnight UTC is not the trigger: at 07:00 UTC (14:00 VN) on the 26th after the 07:00 VN run,
    # the next run is 17 hours later.
    schedule.nowfun = lambda: datetime.datetime(2023, 5, 26, 7, 0, tzinfo=UTC)
    due, remaining = schedule.is_due(datetime.datetime(2023, 5, 26, 0, 0, tzinfo=UTC))
    assert not due and remaining == pytest.approx(17 * 3600, abs=1)


def test_second_scan_sends_nothing(world, enqueued, digests, django_capture_on_commit_callbacks):
    reg = RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    UserFactory(username="ks.staff2", agency=world.vks_ks, role=Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        first = scan.scan_reminders(at(datetime.date(2024, 3, 15)))
    assert first["review"] == 2
    # Not due today: no e-mail of its own, one daily digest per user instead.
    assert enqueued == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.DIGEST}
    assert sorted(digests) == sorted(Digest.objects.values_list("pk", flat=True)) and len(digests) == 2
    for pk in digests:
        assert delivery.deliver_digest(pk) == "sent"
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    with django_capture_on_commit_callbacks(execute=True):
        second = scan.scan_reminders(at(datetime.date(2024, 3, 15), 9))
    assert second == {"review": 0, "directive": 0, "minutes": 0, "resent": 0}
    assert len(digests) == 2 and Reminder.objects.count() == 2 and Notification.objects.count() == 2
    # A retried task for a digest already sent sends nothing either.
    assert delivery.deliver_digest(digests[0]) == ReminderStatus.SENT
    assert len(mail.outbox) == 2
    assert reg.pk == Reminder.objects.first().subject_id


def test_catch_up_sends_only_the_stage_that_applies_now(world, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    # The server was down over the 30-day mark; 5 days before the due date only "before-7" goes out.
    scan.scan_reminders(at(datetime.date(2024, 3, 15)))
    assert list(Reminder.objects.values_list("stage", flat=True)) == ["before-7"]
    # Down again until 10 days after: one weekly overdue reminder, not "due" as well.
    scan.scan_reminders(at(datetime.date(2024, 3, 30)))
    assert sorted(Reminder.objects.values_list("stage", flat=True)) == ["before-7", "overdue-w1"]


def test_overdue_weekly_and_leaders_after_thirty_days(world, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    scan.scan_reminders(at(datetime.date(2024, 3, 1)))
    scan.scan_reminders(at(datetime.date(2024, 3, 8)))
    scan.scan_reminders(at(datetime.date(2024, 3, 9)))  # same week: nothing new
    scan.scan_reminders(at(datetime.date(2024, 3, 31)))  # 30 days: still staff only
    rows = set(Reminder.objects.values_list("stage", "recipient__username"))
    assert rows == {("due", "ks.staff"), ("overdue-w1", "ks.staff"), ("overdue-w4", "ks.staff")}
    scan.scan_reminders(at(datetime.date(2024, 4, 1)))  # 31 days: the leader joins
    assert Reminder.objects.filter(recipient=world.ks_leader, stage="overdue-w4").exists()
    assert not Reminder.objects.filter(recipient__in=[world.ks_clerk, world.ks_admin]).exists()


def test_only_live_regulations_are_reminded(world, enqueued):
    live = RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    replaced = RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    RegulationRelation.objects.create(
        source=live, target=replaced, kind="supersedes", effective_on=datetime.date(2024, 1, 1)
    )
    refresh_derived_dates([replaced.pk])
    expired = RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    type(expired).objects.filter(pk=expired.pk).update(expires_on=datetime.date(2024, 3, 5))
    scan.scan_reminders(at(datetime.date(2024, 3, 10)))
    assert set(Reminder.objects.values_list("subject_id", flat=True)) == {live.pk}


def test_dissolved_host_goes_to_the_carrier(world, enqueued):
    old = AgencyFactory(code="VKS-OLD", locality=world.khanh_son, active_to=datetime.date(2025, 6, 30))
    AgencySuccession.objects.create(
        predecessor=old, successor=world.vks_ks, kind="replaced_by", effective_on=datetime.date(2025, 7, 1)
    )
    UserFactory(username="old.staff", agency=old, role=Role.STAFF)
    RegulationFactory(host_agency=old, due=datetime.date(2025, 9, 1))
    scan.scan_reminders(at(datetime.date(2025, 9, 1)))
    assert list(Reminder.objects.values_list("recipient__username", flat=True)) == ["ks.staff"]


def test_directive_reminders(world, enqueued):
    directive = DirectiveFactory(
        meeting__host_agency=world.vks_tc,
        meeting__state=MeetingState.HELD,
        assigned_agency=world.vks_kh,
        deadline=datetime.date(2024, 5, 10),
    )
    DirectiveFactory(
        meeting=directive.meeting, assigned_agency=world.vks_kh, deadline=datetime.date(2024, 5, 10), state="done"
    )
    scan.scan_reminders(at(datetime.date(2024, 5, 6)))
    assert not Reminder.objects.exists()
    scan.scan_reminders(at(datetime.date(2024, 5, 7)))
    scan.scan_reminders(at(datetime.date(2024, 5, 10)))
    scan.scan_reminders(at(datetime.date(2024, 5, 11)))
    scan.scan_reminders(at(datetime.date(2024, 5, 17)))
    rows = set(Reminder.objects.values_list("stage", "recipient__username"))
    stages = ("before-3", "overdue", "overdue-w1")
    assert rows == {(stage, who) for stage in stages for who in ("kh.staff", "kh.leader")}
    note = Notification.objects.filter(user=world.kh_staff).order_by("created_at", "pk").last()
    assert "quá hạn 7 ngày" in note.title and "10/05/2024" in note.body


def test_minutes_not_finalised_after_seven_days(world, enqueued):
    secretary = UserFactory(username="thuky", full_name="Lê Văn Thư", agency=world.vks_ks, role=Role.STAFF)
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=vn(2024, 4, 1, 14), state=MeetingState.HELD)
    AttendeeFactory(meeting=meeting, full_name="Lê Văn Thư", role=AttendeeRole.SECRETARY)
    AttendeeFactory(meeting=meeting, full_name="Không Có Tài Khoản", role=AttendeeRole.SECRETARY)
    MeetingFactory(host_agency=world.vks_ks, starts_at=vn(2024, 4, 1, 14), state=MeetingState.MINUTES_FINALISED)
    scan.scan_reminders(at(datetime.date(2024, 4, 7)))
    assert not Reminder.objects.exists()
    scan.scan_reminders(at(datetime.date(2024, 4, 8)))
    scan.scan_reminders(at(datetime.date(2024, 4, 20)))
    assert set(Reminder.objects.values_list("recipient", "stage", "due_on")) == {
        (secretary.pk, "minutes-7", datetime.date(2024, 4, 8)),
        (world.ks_clerk.pk, "minutes-7", datetime.date(2024, 4, 8)),
    }


def test_email_is_vietnamese_html_and_text_with_absolute_link(world, enqueued, settings):
    settings.PORTAL_BASE_URL = "https://quyche.vks.example"
    reg = RegulationFactory(
        host_agency=world.vks_ks,
        due=datetime.date(2024, 3, 20),
        number="03/2023/QCPH-VKSKS-TAKS",
        title="Quy chế phối hợp giải quyết án hình sự",
    )
    scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    assert delivery.deliver_email(enqueued[0]) == "sent"
    [message] = mail.outbox
    assert message.to == ["ks.staff@vks.test"]
    assert message.subject == "[Nhắc việc] Đến hạn sơ kết hôm nay: 03/2023/QCPH-VKSKS-TAKS"
    link = f"https://quyche.vks.example/quy-che/{reg.pk}/"
    for body in (message.body, message.alternatives[0][0]):
        assert "03/2023/QCPH-VKSKS-TAKS" in body and "Quy chế phối hợp giải quyết án hình sự" in body
        assert "20/03/2024" in body and "Kính gửi đồng chí" in body
        assert "https://quyche.vks.example/" in body
    assert message.alternatives[0][1] == "text/html"
    if Reminder.objects.get().notification.url:
        assert link in message.body
    raw = message.message()
    assert str(make_header(decode_header(raw["Subject"]))).startswith("[Nhắc việc] Đến hạn sơ kết hôm nay")


def test_email_preference_off_gives_notification_only(world, enqueued):
    world.ks_staff.email_notifications = False
    world.ks_staff.save()
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(at(datetime.date(2024, 3, 13)))
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.SKIPPED and reminder.notification is not None
    assert enqueued == [] and mail.outbox == []


class RefusingBackend:
    """An e-mail backend whose server refuses the connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_failed_send_is_visible_then_resent_and_delivered_once(world, enqueued, settings):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    [pk] = enqueued
    settings.EMAIL_BACKEND = "tests.notifications.test_scan.RefusingBackend"
    for _ in range(2):
        with pytest.raises(ConnectionRefusedError):
            delivery.deliver_email(pk)
    reminder = Reminder.objects.get(pk=pk)
    assert reminder.status == ReminderStatus.FAILED and reminder.attempts == 2
    assert "ConnectionRefusedError" in reminder.last_error
    # While its retry chain is alive the sweep leaves it alone (no second chain); once the chain
    # has gone quiet the sweep re-enqueues it; once the server is back it goes out, once.
    enqueued.clear()
    assert delivery.resend_unsent() == 0 and enqueued == []
    assert delivery.resend_unsent(timezone.now() + delivery.CHAIN_QUIET) == 1 and enqueued == [pk]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_email(pk) == "sent"
    assert delivery.deliver_email(pk) == ReminderStatus.SENT
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.attempts == 3 and reminder.last_error == ""
    enqueued.clear()
    assert delivery.resend_unsent() == 0


def test_claimed_reminder_is_not_sent_twice_and_stale_claims_recover(world, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    [pk] = enqueued
    Reminder.objects.filter(pk=pk).update(status=ReminderStatus.SENDING, claimed_at=timezone.now())
    assert delivery.deliver_email(pk) == ReminderStatus.SENDING
    assert mail.outbox == []
    enqueued.clear()
    assert delivery.resend_unsent() == 0  # a fresh claim belongs to a live worker
    Reminder.objects.filter(pk=pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert delivery.resend_unsent() == 1 and enqueued == [pk]
    assert delivery.deliver_email(pk) == "sent" and len(mail.outbox) == 1


def test_pending_reminder_whose_task_was_lost_is_resent(world, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    enqueued.clear()
    assert delivery.resend_unsent() == 0  # fresh: its task is still in the queue
    Reminder.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=10))
    assert delivery.resend_unsent() == 1


def test_management_command_prints_counts(world, enqueued, capsys):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    call_command("scan_reminders", "--now", "2024-03-13T07:00+07:00")
    assert "sơ kết 1, nhiệm vụ 0, biên bản 0" in capsys.readouterr().out
    call_command("scan_reminders", "--now", "2024-03-13T08:00+07:00")
    assert "sơ kết 0, nhiệm vụ 0, biên bản 0" in capsys.readouterr().out


def test_admin_outbox_resend_action(world, enqueued, client_for, django_capture_on_commit_callbacks):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.FAILED, attempts=50, last_error="SMTP 451")
    admin = UserFactory(username="root", role=Role.ADMIN, agency=world.vks_tc, is_staff=True, is_superuser=True)
    client = client_for(admin)
    page = client.get("/quan-tri/notifications/reminder/?status__exact=failed")
    assert page.status_code == 200 and "SMTP 451" in page.content.decode()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/quan-tri/notifications/reminder/", {"action": "resend", "_selected_action": [reminder.pk]}
        )
    assert response.status_code == 302
    assert enqueued == [reminder.pk]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING


def test_enqueue_waits_for_commit(world, monkeypatch, django_capture_on_commit_callbacks):
    ids: list[int] = []
    monkeypatch.setattr(delivery, "enqueue_email", ids.append)
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan.scan_reminders(at(datetime.date(2024, 3, 20)))
    assert ids == [] and len(callbacks) == 1
    callbacks[0]()
    assert ids == list(Reminder.objects.values_list("pk", flat=True))
