"""Writes of the reminder machinery: the scan that decides who is reminded of what, and the e-mail
delivery of one reminder.

Exactly once: every reminder is a ``Reminder`` row with a unique key (kind, subject, stage, due date,
recipient). The scan creates it with ``get_or_create`` in its own transaction, together with the
in-app ``Notification``, and enqueues the e-mail task only after that transaction commits. A second
scan (a second beat, a retried task, a manual ``scan_reminders``) finds the row and does nothing.
``deliver_email`` claims the row with a conditional UPDATE before sending, so two workers never both
send it; a failed send is retried by Celery and, whatever happens to the task, re-enqueued by
``resend_unsent`` until it goes out.

Stages. Only the stage that applies *today* is created, so a scan after days of downtime sends one
current reminder, never a backlog of stale ones:

* reviews (live regulations): ``before-<n>`` for each n in settings.REMINDER_REVIEW_STAGES (default
  30 and 7 days before ``next_review_due``), ``due`` from the due date until a week overdue, then
  ``overdue-w<k>`` every 7 days. Recipients: the host agency's staff, and its leaders as well once
  more than 30 days overdue;
* directives (open, with a deadline and an assigned agency): ``before-3`` from 3 days before the
  deadline, ``overdue`` from the day after it, then ``overdue-w<k>`` weekly. Recipients: the assigned
  agency's staff and leaders;
* minutes: a meeting still "held" (minutes not finalised) 7 days after it was held: ``minutes-7``,
  once. Recipients: its secretary (an Attendee with role secretary whose name matches exactly one
  user) and the host agency's clerks.

Recipients of an agency: its active users with the roles; if it is dissolved or has none, the users
of the units that carry its work now (agencies.selectors.current_carriers); if still none, the users
of agencies of the same kind in the same locality.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies.models import Agency
from agencies.selectors import current_carriers
from notifications.models import (
    UNSENT_STATUSES,
    Notification,
    Reminder,
    ReminderKind,
    ReminderStatus,
    ScanRun,
)

logger = logging.getLogger(__name__)

DIRECTIVE_BEFORE_DAYS = 3
MINUTES_AFTER_DAYS = 7
LEADER_ESCALATION_DAYS = 30
# A claim older than this is from a worker that died mid-send (twice the hard task time limit).
STALE_CLAIM = datetime.timedelta(seconds=2 * 300)


def local_today(now: datetime.datetime) -> datetime.date:
    """The calendar day in Vietnam (settings.TIME_ZONE) at ``now``: 00:30 UTC on the 26th is 07:30 on the 26th."""
    return timezone.localtime(now).date()


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------------- stages


def review_stage(due: datetime.date, today: datetime.date, stages: Iterable[int]) -> str | None:
    days_left = (due - today).days
    if days_left > 0:
        fitting = [n for n in stages if days_left <= n]
        return f"before-{min(fitting)}" if fitting else None
    overdue = -days_left
    if overdue < 7:
        return "due"
    return f"overdue-w{overdue // 7}"


def directive_stage(deadline: datetime.date, today: datetime.date) -> str | None:
    days_left = (deadline - today).days
    if days_left > DIRECTIVE_BEFORE_DAYS:
        return None
    if days_left >= 0:
        return f"before-{DIRECTIVE_BEFORE_DAYS}"
    overdue = -days_left
    return "overdue" if overdue < 7 else f"overdue-w{overdue // 7}"


# ------------------------------------------------------------------------------------ recipients


class RecipientFinder:
    """Users of an agency by role, with the dissolved/empty-agency fallbacks; cached for one scan."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, tuple[str, ...]], list[User]] = {}

    def __call__(self, agency: Agency, roles: Iterable[str]) -> list[User]:
        roles = tuple(sorted(roles))
        key = (agency.pk, roles)
        if key not in self._cache:
            self._cache[key] = self._find(agency, roles)
        return self._cache[key]

    @staticmethod
    def _find(agency: Agency, roles: tuple[str, ...]) -> list[User]:
        active = User.objects.filter(is_active=True, role__in=roles).order_by("pk")
        if agency.is_active:
            users = list(active.filter(agency=agency))
            if users:
                return users
        carriers = [successor.pk for _link, successor in current_carriers(agency)]
        if carriers:
            users = list(active.filter(agency__in=carriers))
            if users:
                return users
        return list(active.filter(agency__locality_id=agency.locality_id, agency__kind=agency.kind))


# -------------------------------------------------------------------------------------- creation


@dataclass
class Candidate:
    kind: str
    subject_id: int
    stage: str
    due_on: datetime.date
    number: str
    subject_title: str
    title: str
    body: str
    url: str
    recipients: list[User] = field(default_factory=list)


def _path(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def enqueue_email(reminder_id: int) -> None:
    """Hand the e-mail of one reminder to Celery. ``settings.NOTIFICATIONS_QUEUE`` (optional) names
    the queue, so a deployment or a test can keep its reminders apart on a shared broker."""
    from notifications.tasks import send_reminder_email

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    send_reminder_email.apply_async((reminder_id,), **({"queue": queue} if queue else {}))


def _enqueue_after_commit(reminder_id: int) -> None:
    # robust: a broker that is down must not break the scan; the reminder stays pending and
    # resend_unsent picks it up later.
    transaction.on_commit(lambda: enqueue_email(reminder_id), robust=True)


def _create(candidate: Candidate) -> int:
    """Create the missing reminders of a candidate; return how many were new."""
    if not candidate.recipients:
        return 0
    existing = set(
        Reminder.objects.filter(
            kind=candidate.kind, subject_id=candidate.subject_id, stage=candidate.stage, due_on=candidate.due_on,
            recipient__in=candidate.recipients,
        ).values_list("recipient_id", flat=True)
    )
    created_count = 0
    for user in candidate.recipients:
        if user.pk in existing:
            continue
        wants_mail = bool(user.email_notifications and user.email)
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                kind=candidate.kind, subject_id=candidate.subject_id, stage=candidate.stage,
                due_on=candidate.due_on, recipient=user,
                defaults={
                    "subject_number": candidate.number[:200],
                    "subject_title": candidate.subject_title[:500],
                    "status": ReminderStatus.PENDING if wants_mail else ReminderStatus.SKIPPED,
                },
            )
            if not created:
                continue
            reminder.notification = Notification.objects.create(
                user=user, title=candidate.title[:300], body=candidate.body, url=candidate.url
            )
            reminder.save(update_fields=["notification"])
            if wants_mail:
                _enqueue_after_commit(reminder.pk)
        created_count += 1
    return created_count


def _review_candidates(today: datetime.date, find: RecipientFinder) -> Iterable[Candidate]:
    from regulations.models import Regulation
    from regulations.rules import live_q

    stages = tuple(getattr(settings, "REMINDER_REVIEW_STAGES", (30, 7)))
    horizon = today + datetime.timedelta(days=max(stages, default=0))
    regs = (
        Regulation.objects.filter(live_q(today), next_review_due__isnull=False, next_review_due__lte=horizon)
        .select_related("host_agency")
        .order_by("pk")
    )
    for reg in regs:
        due = reg.next_review_due
        stage = review_stage(due, today, stages)
        if stage is None:
            continue
        days_left = (due - today).days
        roles = [Role.STAFF]
        if -days_left > LEADER_ESCALATION_DAYS:
            roles.append(Role.LEADER)
        if days_left > 0:
            title = _("Sắp đến hạn sơ kết: %(number)s (còn %(days)s ngày)") % {"number": reg.number, "days": days_left}
            state = _("đến hạn sơ kết ngày %(due)s, còn %(days)s ngày") % {"due": fmt(due), "days": days_left}
        elif days_left == 0:
            title = _("Đến hạn sơ kết hôm nay: %(number)s") % {"number": reg.number}
            state = _("đến hạn sơ kết hôm nay, ngày %(due)s") % {"due": fmt(due)}
        else:
            title = _("Quá hạn sơ kết %(days)s ngày: %(number)s") % {"number": reg.number, "days": -days_left}
            state = _("đã quá hạn sơ kết %(days)s ngày (hạn ngày %(due)s)") % {"due": fmt(due), "days": -days_left}
        body = _("Quy chế %(number)s — %(title)s, do %(host)s chủ trì, %(state)s. Đề nghị tổ chức sơ kết "
                 "và cập nhật kết quả trên cổng.") % {
            "number": reg.number, "title": reg.title, "host": reg.host_agency.name, "state": state}
        yield Candidate(
            kind=ReminderKind.REVIEW, subject_id=reg.pk, stage=stage, due_on=due, number=reg.number,
            subject_title=reg.title, title=title, body=body, url=_path("regulations:detail", reg.pk),
            recipients=find(reg.host_agency, roles),
        )


def _directive_candidates(today: datetime.date, find: RecipientFinder) -> Iterable[Candidate]:
    from meetings.models import Directive, DirectiveState, MeetingState

    directives = (
        Directive.objects.filter(
            state=DirectiveState.OPEN, deadline__isnull=False, assigned_agency__isnull=False,
            deadline__lte=today + datetime.timedelta(days=DIRECTIVE_BEFORE_DAYS),
        )
        .exclude(meeting__state=MeetingState.CANCELLED)
        .select_related("meeting", "assigned_agency")
        .order_by("pk")
    )
    for directive in directives:
        stage = directive_stage(directive.deadline, today)
        if stage is None:
            continue
        days_left = (directive.deadline - today).days
        number = _("Nhiệm vụ %(n)s") % {"n": directive.number}
        if days_left >= 0:
            title = _("Nhiệm vụ sắp đến hạn (%(due)s): %(meeting)s") % {
                "due": fmt(directive.deadline), "meeting": directive.meeting.title}
        else:
            title = _("Nhiệm vụ quá hạn %(days)s ngày: %(meeting)s") % {
                "days": -days_left, "meeting": directive.meeting.title}
        body = _("%(number)s giao %(agency)s: %(text)s Thời hạn: ngày %(due)s. (Theo kết luận của %(meeting)s.)") % {
            "number": number, "agency": directive.assigned_agency.name, "text": directive.text.strip(),
            "due": fmt(directive.deadline), "meeting": directive.meeting.title}
        yield Candidate(
            kind=ReminderKind.DIRECTIVE, subject_id=directive.pk, stage=stage, due_on=directive.deadline,
            number=f"{number} — {directive.meeting.title}", subject_title=directive.text,
            title=title, body=body, url=_path("meetings:detail", directive.meeting_id),
            recipients=find(directive.assigned_agency, [Role.STAFF, Role.LEADER]),
        )


def _secretaries(meeting) -> list[User]:
    from meetings.models import AttendeeRole

    found: list[User] = []
    for attendee in meeting.attendees.all():
        if attendee.role != AttendeeRole.SECRETARY:
            continue
        name = (attendee.person.full_name if attendee.person_id else attendee.full_name).strip()
        if not name:
            continue
        matches = list(User.objects.filter(is_active=True, full_name__iexact=name))
        agency_id = attendee.agency_id or (attendee.person.agency_id if attendee.person_id else None)
        if len(matches) > 1:
            matches = [u for u in matches if u.agency_id == (agency_id or meeting.host_agency_id)]
        if len(matches) == 1:  # an ambiguous name reaches nobody rather than the wrong person
            found.append(matches[0])
    return found


def _minutes_candidates(today: datetime.date, find: RecipientFinder) -> Iterable[Candidate]:
    from meetings.models import Meeting, MeetingState

    # starts_at is a UTC instant; the held date is its Vietnam date, so compare with a day of margin.
    latest = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=MINUTES_AFTER_DAYS - 1),
                                                           datetime.time.min))
    meetings = (
        Meeting.objects.filter(state=MeetingState.HELD, starts_at__lt=latest)
        .select_related("host_agency")
        .prefetch_related("attendees__person")
        .order_by("pk")
    )
    for meeting in meetings:
        held_on = timezone.localtime(meeting.starts_at).date()
        due = held_on + datetime.timedelta(days=MINUTES_AFTER_DAYS)
        if due > today:
            continue
        recipients = {u.pk: u for u in _secretaries(meeting)}
        for user in find(meeting.host_agency, [Role.CLERK]):
            recipients.setdefault(user.pk, user)
        title = _("Chưa hoàn thành biên bản: %(meeting)s") % {"meeting": meeting.title}
        body = _("Hội nghị, cuộc họp “%(meeting)s” do %(host)s chủ trì, tổ chức ngày %(held)s, đã quá %(days)s ngày "
                 "nhưng biên bản chưa hoàn thành. Đề nghị hoàn thiện biên bản.") % {
            "meeting": meeting.title, "host": meeting.host_agency.name, "held": fmt(held_on),
            "days": MINUTES_AFTER_DAYS}
        yield Candidate(
            kind=ReminderKind.MINUTES, subject_id=meeting.pk, stage=f"minutes-{MINUTES_AFTER_DAYS}", due_on=due,
            number=meeting.title, subject_title=meeting.title, title=title, body=body,
            url=_path("meetings:detail", meeting.pk), recipients=list(recipients.values()),
        )


def scan_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Create today's reminders (Vietnam date at ``now``) and re-enqueue unsent e-mails.
    Returns the counts of new reminders by kind and of e-mails re-enqueued."""
    now = now or timezone.now()
    today = local_today(now)
    run = ScanRun.objects.create(started_at=timezone.now(), scan_date=today)
    find = RecipientFinder()
    counts = {"review": 0, "directive": 0, "minutes": 0, "resent": 0}
    try:
        for kind, candidates in (
            ("review", _review_candidates(today, find)),
            ("directive", _directive_candidates(today, find)),
            ("minutes", _minutes_candidates(today, find)),
        ):
            for candidate in candidates:
                counts[kind] += _create(candidate)
        counts["resent"] = resend_unsent(timezone.now())
    except Exception as exc:
        ScanRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        ScanRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), reviews_created=counts["review"], directives_created=counts["directive"],
            minutes_created=counts["minutes"], resent=counts["resent"],
        )
    logger.info("reminder scan for %s: %s", today, counts)
    return counts


# -------------------------------------------------------------------------------------- delivery


def resend_unsent(now: datetime.datetime | None = None, min_age: datetime.timedelta | None = None) -> int:
    """Re-enqueue reminders whose e-mail has not gone out: failed ones, pending ones older than
    ``min_age`` (their task was lost: broker down at commit time, a purged queue), and claims left by
    a worker that died mid-send. Enqueuing one twice is harmless: ``deliver_email`` claims first."""
    now = now or timezone.now()
    min_age = datetime.timedelta(minutes=5) if min_age is None else min_age
    Reminder.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=ReminderStatus.FAILED, last_error=_("Tiến trình gửi bị dừng giữa chừng; sẽ gửi lại."), updated_at=now
    )
    ids = list(
        Reminder.objects.filter(
            Q(status=ReminderStatus.FAILED) | Q(status=ReminderStatus.PENDING, updated_at__lte=now - min_age)
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            enqueue_email(pk)
        except Exception:  # broker down: they stay unsent and the next sweep tries again
            logger.exception("could not enqueue reminder %s", pk)
            return 0
    return len(ids)


def requeue(reminder_ids: Iterable[int]) -> int:
    """The admin's "gửi lại": put failed or skipped reminders back to pending and enqueue them."""
    ids = list(
        Reminder.objects.filter(pk__in=list(reminder_ids)).exclude(
            status__in=[ReminderStatus.SENT, ReminderStatus.SENDING]
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.PENDING, updated_at=timezone.now())
        for pk in ids:
            _enqueue_after_commit(pk)
    return len(ids)


def build_email(reminder: Reminder) -> EmailMultiAlternatives:
    notification = reminder.notification
    base = settings.PORTAL_BASE_URL.rstrip("/")
    path = notification.url if notification and notification.url else "/"
    context = {
        "reminder": reminder,
        "notification": notification,
        "recipient": reminder.recipient,
        "due": fmt(reminder.due_on),
        "link": f"{base}{path}",
        "notifications_link": f"{base}{_path_plain('notifications:list')}",
        "preferences_link": f"{base}{_path_plain('notifications:preferences')}",
    }
    subject = " ".join(render_to_string("notifications/email/reminder_subject.txt", context).split())
    text = render_to_string("notifications/email/reminder.txt", context)
    html = render_to_string("notifications/email/reminder.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [reminder.recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _path_plain(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def deliver_email(reminder_id: int) -> str:
    """Send one reminder's e-mail, at most once. Returns what happened; raises the SMTP/OS error of a
    failed send (after recording it) so the task can retry."""
    reminder = Reminder.objects.select_related("recipient", "notification").filter(pk=reminder_id).first()
    if reminder is None:
        return "missing"
    if reminder.status not in UNSENT_STATUSES:
        return reminder.status
    user = reminder.recipient
    now = timezone.now()
    if not (user.is_active and user.email_notifications and user.email):
        Reminder.objects.filter(pk=reminder_id, status__in=UNSENT_STATUSES).update(
            status=ReminderStatus.SKIPPED, updated_at=now)
        return "skipped"
    claimed = Reminder.objects.filter(pk=reminder_id, status__in=UNSENT_STATUSES).update(
        status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "claimed-elsewhere"
    try:
        build_email(reminder).send(fail_silently=False)
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    return "sent"


# ---------------------------------------------------------------------------------- in-app reads


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionError("not the owner")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_preference(user: User, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(email_notifications=enabled)
    user.email_notifications = enabled
