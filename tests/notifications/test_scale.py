"""The set-based scan: SQL keys equal to the Python rules, bounded queries, no stale backlog, daily
digests, reminders of dissolved units to one carrier, recompute after a save, the leaders' weekly
digest and the admin's "scan now"."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from agencies.models import AgencySuccession
from meetings import reminders as meeting_reminders
from meetings import services as meeting_services
from meetings.models import MeetingKind, MeetingState
from notifications import delivery, digests, scan, services
from notifications.models import Digest, Notification, Reminder, ReminderKind, ReminderStatus
from regulations import reminders as regulation_reminders
from regulations import services as regulation_services
from regulations.models import PartyRole, RelationKind
from tests.factories import AgencyFactory, UserFactory
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory, RelationFactory

D = datetime.date
TODAY = D(2024, 3, 1)


def at(day: datetime.date, hour: int = 7) -> datetime.datetime:
    return vn(day.year, day.month, day.day, hour)


@pytest.mark.parametrize("offset", [45, 31, 30, 8, 7, 1, 0, -1, -6, -7, -13, -14, -400])
def test_sql_stage_and_texts_match_the_python_rule(world, enqueued, offset):
    """Both forms of the stage rule on the same cases: the SQL scan and review_stage()/directive_stage()."""
    due = TODAY + datetime.timedelta(days=offset)
    reg = RegulationFactory(host_agency=world.vks_ks, due=due, number="01/QCPH <A&B>")
    directive = DirectiveFactory(
        meeting__host_agency=world.vks_tc, meeting__state=MeetingState.HELD, assigned_agency=world.vks_kh, deadline=due
    )
    scan.scan_reminders(at(TODAY))
    reg.refresh_from_db()
    due = reg.next_review_due  # the factory clamps month ends (29/02 - 12 months + 12 months = 28/02)
    review = set(Reminder.objects.filter(kind=ReminderKind.REVIEW, subject_id=reg.pk).values_list("stage", "due_on"))
    expected = regulation_reminders.review_stage(due, TODAY, (30, 7))
    assert review == ({(expected, due)} if expected else set())
    task = set(
        Reminder.objects.filter(kind=ReminderKind.DIRECTIVE, subject_id=directive.pk).values_list("stage", flat=True)
    )
    expected = meeting_reminders.directive_stage(directive.deadline, TODAY)
    assert task == ({expected} if expected else set())
    for note in Notification.objects.filter(reminder__kind=ReminderKind.REVIEW):
        days = (due - TODAY).days
        assert "01/QCPH <A&B>" in note.title and due.strftime("%d/%m/%Y") in note.body
        if days > 0:
            assert f"còn {days} ngày" in note.title
        elif days < 0:
            assert f"Quá hạn sơ kết {-days} ngày" in note.title
        assert note.url == f"/quy-che/{reg.pk}/"


def _load(world, n: int) -> None:
    for i in range(n):
        RegulationFactory(host_agency=world.vks_ks, due=TODAY - datetime.timedelta(days=40 + i))
        RegulationFactory(host_agency=world.vks_kh, due=TODAY + datetime.timedelta(days=i % 30))
        DirectiveFactory(
            meeting__host_agency=world.vks_tc,
            meeting__state=MeetingState.HELD,
            assigned_agency=world.vks_kh,
            deadline=TODAY - datetime.timedelta(days=i),
        )
        MeetingFactory(host_agency=world.vks_ks, starts_at=vn(2024, 2, 1 + i % 20, 9), state=MeetingState.HELD)


def test_scan_queries_do_not_grow_with_the_candidates(world, enqueued, django_assert_max_num_queries):
    _load(world, 3)
    with CaptureQueriesContext(connection) as small:
        scan.scan_reminders(at(TODAY))
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    Digest.objects.all().delete()
    _load(world, 25)
    with django_assert_max_num_queries(40), CaptureQueriesContext(connection) as large:
        counts = scan.scan_reminders(at(TODAY))
    assert counts["review"] == 28 * 2 + 28 and counts["directive"] == 28 * 2 and counts["minutes"] == 28

    def shapes(ctx):
        return [q["sql"][:50] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    assert shapes(large) == shapes(small)
    assert Notification.objects.count() == Reminder.objects.count()
    with django_assert_max_num_queries(40):
        assert scan.scan_reminders(at(TODAY, 9))["review"] == 0


def test_minutes_reminders_only_for_meetings_of_the_last_sixty_days(world, enqueued):
    MeetingFactory(host_agency=world.vks_ks, starts_at=vn(2023, 12, 1, 9), state=MeetingState.HELD)  # 91 days
    recent = MeetingFactory(host_agency=world.vks_ks, starts_at=vn(2024, 1, 15, 9), state=MeetingState.HELD)
    scan.scan_reminders(at(TODAY))
    assert list(Reminder.objects.values_list("kind", "subject_id", "recipient")) == [
        (ReminderKind.MINUTES, recent.pk, world.ks_clerk.pk)
    ]


def test_an_imported_old_record_gets_its_current_stage_once(world, enqueued):
    """Recorded years late: one reminder of the stage that applies today, never the ones it missed."""
    reg = RegulationFactory(host_agency=world.vks_ks, due=D(2021, 6, 1))
    directive = DirectiveFactory(
        meeting__host_agency=world.vks_tc,
        meeting__state=MeetingState.HELD,
        assigned_agency=world.vks_kh,
        deadline=D(2022, 1, 10),
    )
    scan.scan_reminders(at(TODAY))
    scan.scan_reminders(at(TODAY + datetime.timedelta(days=1)))  # same week: nothing more
    days = (TODAY - D(2021, 6, 1)).days
    assert set(Reminder.objects.filter(subject_id=reg.pk, kind="review").values_list("stage", flat=True)) == {
        f"overdue-w{days // 7}"
    }
    assert Reminder.objects.filter(subject_id=directive.pk, kind="directive").values("stage").distinct().count() == 1
    assert Reminder.objects.count() == 2 + 2  # ks staff and, past 30 days, its leader; kh staff and leader


def test_amending_documents_have_no_reminders_of_their_own(world, enqueued):
    amended = RegulationFactory(host_agency=world.vks_ks, due=D(2024, 2, 1))
    amendment = RegulationFactory(host_agency=world.vks_ks, due=D(2024, 2, 1))
    RelationFactory(source=amendment, target=amended, kind=RelationKind.AMENDS, effective_on=D(2023, 6, 1))
    regulation_services.refresh_derived_dates([amendment.pk, amended.pk])
    amendment.refresh_from_db()
    assert amendment.amendment_of == amended and amendment.next_review_due is None
    scan.scan_reminders(at(TODAY))
    assert set(Reminder.objects.values_list("subject_id", flat=True)) == {amended.pk}


def test_dissolved_unit_goes_to_its_one_carrier_without_multiplying(world, enqueued):
    old = AgencyFactory(code="VKS-OLD", locality=world.khanh_son, active_to=D(2023, 6, 30))
    UserFactory(username="old.staff", agency=old, role=Role.STAFF)
    # Two successor links (split between two units): the current carrier is one of them.
    AgencySuccession.objects.create(
        predecessor=old, successor=world.vks_ks, kind="replaced_by", effective_on=D(2023, 7, 1)
    )
    AgencySuccession.objects.create(
        predecessor=old, successor=world.vks_kh, kind="merged_into", effective_on=D(2023, 7, 1)
    )
    reg = RegulationFactory(host_agency=old, due=D(2024, 2, 20))
    scan.scan_reminders(at(TODAY))
    old.refresh_from_db()
    assert old.current_carrier_id in (world.vks_ks.pk, world.vks_kh.pk)
    rows = list(Reminder.objects.values_list("subject_id", "recipient__agency", "agency"))
    assert rows == [(reg.pk, old.current_carrier_id, old.pk)]


def test_digest_lists_every_item_grouped_by_kind_and_unit_in_plain_text(
    world, enqueued, digests, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://quyche.vks.example"
    UserFactory(username="kh.staff2", agency=world.vks_kh, role=Role.STAFF, email_notifications=False)
    RegulationFactory(
        host_agency=world.vks_kh, due=D(2024, 3, 5), number="02/QCPH <KH>", title="Quy chế về án <hình sự> & dân sự"
    )
    RegulationFactory(host_agency=world.vks_kh, due=D(2024, 2, 10), number="01/QCPH-KH")
    directive = DirectiveFactory(
        meeting__host_agency=world.vks_tc,
        meeting__state=MeetingState.HELD,
        meeting__title="Hội nghị sơ kết 6 tháng",
        assigned_agency=world.vks_kh,
        deadline=D(2024, 2, 20),
        text="Giao VKSND tỉnh Khánh Hòa báo cáo.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan_reminders(at(TODAY))
    assert enqueued == []  # nothing falls due today
    digest = Digest.objects.get(user=world.kh_staff)
    assert set(digests) == set(Digest.objects.values_list("pk", flat=True))
    assert not Digest.objects.filter(user__username="kh.staff2").exists()  # e-mail off: the bell only
    assert delivery.deliver_digest(digest.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [world.kh_staff.email]]
    assert message.subject == "[Nhắc việc] Tổng hợp ngày 01/03/2024: 3 việc cần xử lý"
    text, html = message.body, message.alternatives[0][0]
    assert "&lt;" not in text and "&amp;" not in text and "&lt;" not in message.subject
    assert "Sắp đến hạn sơ kết: 02/QCPH <KH> (còn 4 ngày)" in text
    assert "Quy chế về án <hình sự> & dân sự" in text
    assert "02/QCPH &lt;KH&gt;" in html
    review_at, directive_at = text.index("== Hạn sơ kết quy chế =="), text.index("== Thời hạn nhiệm vụ ==")
    assert review_at < directive_at
    assert text.index("Viện kiểm sát nhân dân tỉnh Khánh Hòa", review_at) < text.index("01/QCPH-KH")
    assert f"https://quyche.vks.example/hoi-nghi/{directive.meeting_id}/" in text
    assert text.count("https://quyche.vks.example/quy-che/") == 2
    assert set(Reminder.objects.filter(recipient=world.kh_staff).values_list("status", flat=True)) == {
        ReminderStatus.SENT
    }


def test_only_what_falls_due_today_is_mailed_at_once(world, enqueued, digests, django_capture_on_commit_callbacks):
    today_reg = RegulationFactory(host_agency=world.vks_ks, due=TODAY)
    RegulationFactory(host_agency=world.vks_ks, due=TODAY + datetime.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan_reminders(at(TODAY))
    immediate = Reminder.objects.get(status=ReminderStatus.PENDING)
    assert immediate.subject_id == today_reg.pk and enqueued == [immediate.pk]
    assert Reminder.objects.filter(status=ReminderStatus.DIGEST).count() == 1 and len(digests) == 1
    assert Notification.objects.filter(user=world.ks_staff).count() == 2  # the bell shows each item


def party(agency, role=PartyRole.PARTY):
    return {"agency": agency, "role": role, "signatory_name": "", "signatory_title": "", "signing_capacity": ""}


def test_saving_a_regulation_recomputes_its_reminders_after_commit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[dict[str, list[int]]] = []
    monkeypatch.setattr(scan, "enqueue_recompute", lambda **subjects: calls.append(subjects))
    monkeypatch.setattr(delivery, "enqueue_email", lambda pk: None)
    today = timezone.localdate()
    data = {
        "number": "09/QCPH-VKSKS",
        "title": "Quy chế phối hợp <mới nhập>",
        "type": "coordination_rule",
        "signed_on": today - datetime.timedelta(days=800),
        "in_force_from": today - datetime.timedelta(days=800),
        "expires_on": None,
        "review_interval_months": 12,
        "summary": "",
        "notes": "",
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reg = regulation_services.create_regulation(
            world.ks_staff, data, [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)]
        )
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [{"regulations": [reg.pk], "directives": [], "meetings": []}]
    for _ in range(2):  # the task run twice (a second save, a retried task): nothing twice
        scan.recompute_for("regulation", reg.pk)
    [note] = Notification.objects.filter(user=world.ks_staff)
    assert "Quá hạn sơ kết" in note.title and note.reminder.subject_id == reg.pk
    assert Reminder.objects.count() == 2  # ks staff and, more than 30 days overdue, ks leader
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.DIGEST}  # next digest
    # The daily scan finds them done and gathers them into the digests, once.
    counts = scan.scan_reminders()
    assert counts["review"] == 0 and not Reminder.objects.filter(digest__isnull=True).exists()


def test_saving_a_meeting_recomputes_its_directives(world, monkeypatch, django_capture_on_commit_callbacks):
    calls: list[dict[str, list[int]]] = []
    monkeypatch.setattr(scan, "enqueue_recompute", lambda **subjects: calls.append(subjects))
    meeting = MeetingFactory(host_agency=world.vks_tc, state=MeetingState.HELD, kind=MeetingKind.INTERAGENCY)
    DirectiveFactory(
        meeting=meeting, assigned_agency=world.vks_kh, deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.save_meeting(user=world.supreme_staff, data={"title": "Họp liên ngành"}, meeting=meeting)
    assert [pk for subjects in calls for pk in subjects["meetings"]] == [meeting.pk]  # recompute brings its directives
    counts = scan.recompute_for("meeting", meeting.pk)
    assert counts["directive"] == 2
    assert set(Reminder.objects.values_list("recipient__username", "stage")) == {
        ("kh.staff", "overdue"),
        ("kh.leader", "overdue"),
    }


def test_leaders_get_a_weekly_digest_of_their_unit_and_the_units_below(world, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=D(2024, 1, 2))
    DirectiveFactory(
        meeting__host_agency=world.vks_tc,
        meeting__state=MeetingState.HELD,
        assigned_agency=world.vks_ks,
        deadline=D(2024, 2, 1),
    )
    assert digests.leader_weekly_digest(at(D(2024, 3, 4))) == 3  # a Monday
    rows = dict(Reminder.objects.values_list("recipient__username", "stage"))
    # Khánh Sơn is its own leader's unit, and below Khánh Hòa and the nation.
    assert rows == {"ks.leader": "week-2024-W10", "kh.leader": "week-2024-W10", "supreme.leader": "week-2024-W10"}
    note = Notification.objects.get(user=world.kh_leader)
    assert note.title == "Tuần 10: 1 nhiệm vụ quá hạn, 1 sơ kết đến hạn trong đơn vị và cấp dưới"
    assert "Khánh Sơn" in note.body and note.url == reverse("meetings:directives") + "?state=overdue"
    assert reverse("regulations:list") + "?review_state=overdue" in note.body
    assert sorted(enqueued) == sorted(Reminder.objects.values_list("pk", flat=True))
    assert digests.leader_weekly_digest(at(D(2024, 3, 6))) == 0  # same week: nothing twice
    assert digests.leader_weekly_digest(at(D(2024, 3, 11))) == 3


def test_province_leaders_bell_carries_one_entry_for_the_overdue_directives_under_them(world, enqueued, client_for):
    """Issue 20 point 7: the bell was empty while the dashboard showed overdue directives under the leader."""
    for agency in (world.vks_kh, world.vks_kh, world.vks_ks):  # two of the province's own, one below
        DirectiveFactory(
            meeting__host_agency=world.vks_kh,
            meeting__state=MeetingState.HELD,
            assigned_agency=agency,
            deadline=D(2024, 2, 1),
        )
    # The beat runs it every day: on a Wednesday the entry comes, the next day nothing more.
    assert digests.leader_weekly_digest(at(D(2024, 3, 6))) == 3  # ks, kh and the supreme leader
    assert digests.leader_weekly_digest(at(D(2024, 3, 7))) == 0
    weekly = Notification.objects.filter(user=world.kh_leader, reminder__kind=ReminderKind.LEADER_WEEKLY)
    assert [n.title for n in weekly] == ["Tuần 10: 3 nhiệm vụ quá hạn trong đơn vị và cấp dưới"]
    page = client_for(world.kh_leader).get(reverse("notifications:list")).content.decode()
    assert "Tuần 10: 3 nhiệm vụ quá hạn trong đơn vị và cấp dưới" in page
    assert (reverse("meetings:directives") + "?state=overdue").replace("&", "&amp;") in page


def test_admin_starts_a_scan_from_the_status_page(world, client_for, monkeypatch):
    started: list[bool] = []
    monkeypatch.setattr(services, "enqueue_scan", lambda: started.append(True) or True)
    admin = client_for(world.ks_admin)
    page = admin.get("/thong-bao/trang-thai/").content.decode()
    assert 'action="/thong-bao/trang-thai/quet-ngay/"' in page and "csrfmiddlewaretoken" in page
    assert admin.get("/thong-bao/trang-thai/quet-ngay/").status_code == 405
    response = admin.post("/thong-bao/trang-thai/quet-ngay/", follow=True)
    assert started == [True]
    assert "Đã đưa lượt quét nhắc việc vào hàng đợi" in response.content.decode()
    assert client_for(world.ks_staff).post("/thong-bao/trang-thai/quet-ngay/").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.ks_admin)
    assert strict.post("/thong-bao/trang-thai/quet-ngay/").status_code == 403
    assert started == [True]


def test_scan_now_says_so_when_the_broker_is_down(world, client_for, monkeypatch):
    monkeypatch.setattr(services, "enqueue_scan", lambda: False)
    response = client_for(world.ks_admin).post("/thong-bao/trang-thai/quet-ngay/", follow=True)
    assert "Không kết nối được hàng đợi" in response.content.decode()


def test_failed_digest_is_resent_by_the_sweep_and_delivered_once(
    world, enqueued, digests, settings, django_capture_on_commit_callbacks
):
    RegulationFactory(host_agency=world.vks_ks, due=D(2024, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan_reminders(at(TODAY))
    [pk] = digests
    settings.EMAIL_BACKEND = "tests.notifications.test_scan.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        delivery.deliver_digest(pk)
    assert Digest.objects.get(pk=pk).status == ReminderStatus.FAILED
    digests.clear()
    assert delivery.resend_unsent() == 0  # its retry chain is still live: no second chain
    # Once the chain has gone quiet (exhausted or lost), the sweep takes the digest up again.
    Digest.objects.filter(pk=pk).update(updated_at=timezone.now() - delivery.CHAIN_QUIET)
    assert delivery.resend_unsent() == 1 and digests == [pk]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_digest(pk) == "sent"
    assert delivery.deliver_digest(pk) == ReminderStatus.SENT
    assert len(mail.outbox) == 1
    digests.clear()
    assert delivery.resend_unsent() == 0 and digests == []


def test_a_bell_is_settled_when_what_it_announced_is_done(world, monkeypatch):
    """ "Quá hạn sơ kết" leaves the unread bell once the review is held; "nhiệm vụ quá hạn" once the
    directive is done; neither is mailed any more."""
    monkeypatch.setattr(delivery, "enqueue_email", lambda pk: None)
    monkeypatch.setattr(scan, "enqueue_recompute", lambda **subjects: None)
    today = timezone.localdate()
    reg = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], due=today - datetime.timedelta(days=40))
    scan.recompute_for("regulation", reg.pk)
    meeting = MeetingFactory(host_agency=world.vks_tc, state=MeetingState.HELD, kind=MeetingKind.INTERAGENCY)
    directive = DirectiveFactory(
        meeting=meeting, assigned_agency=world.vks_ks, deadline=today - datetime.timedelta(days=3)
    )
    scan.recompute_for("directive", directive.pk)
    unread = Notification.objects.filter(user=world.ks_staff, read_at__isnull=True)
    assert {n.reminder.kind for n in unread.all()} == {ReminderKind.REVIEW, ReminderKind.DIRECTIVE}

    review = MeetingFactory(
        host_agency=world.vks_ks,
        kind=MeetingKind.INTERIM_REVIEW,
        state=MeetingState.HELD,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    review.regulations.add(reg)
    regulation_services.refresh_derived_dates([reg.pk])
    scan.recompute_for("meeting", review.pk)
    assert {n.reminder.kind for n in unread.all()} == {ReminderKind.DIRECTIVE}
    meeting_services.mark_directive_done(directive, note="Đã xong.")
    scan.recompute_for("directive", directive.pk)
    assert not unread.all().exists()
    assert not Reminder.objects.filter(status__in=[ReminderStatus.PENDING, ReminderStatus.DIGEST]).exists()
