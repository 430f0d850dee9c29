"""Digests: the daily digest of each user (one e-mail a day listing every reminder waiting for it) and
the leaders' weekly digest (overdue reviews and directives of their unit and the units below)."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies.models import Locality
from meetings import reminders as meeting_reminders
from notifications import delivery
from notifications.models import Digest, Reminder, ReminderKind, ReminderStatus
from regulations import reminders as regulation_reminders
from regulations.models import ReviewState


def queue_digests(today: datetime.date) -> int:
    """Gather every reminder waiting for the digest into today's digest of its recipient (one per
    user and day, exactly once) and enqueue the digests after commit. Reminders of a user whose
    digest of today already went out wait for tomorrow's."""
    waiting = Reminder.objects.filter(status=ReminderStatus.DIGEST, digest__isnull=True)
    users = list(waiting.order_by().values_list("recipient_id", flat=True).distinct())
    Digest.objects.bulk_create([Digest(user_id=pk, day=today) for pk in users], ignore_conflicts=True, batch_size=2000)
    waiting.update(
        digest=Subquery(
            Digest.objects.filter(user_id=OuterRef("recipient_id"), day=today, status=ReminderStatus.PENDING).values(
                "pk"
            )[:1]
        )
    )
    ids = list(
        Digest.objects.filter(day=today, status=ReminderStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(partial(delivery.enqueue_digest_batches, ids), robust=True)
    return len(ids)


def leader_weekly_digest(now: datetime.datetime | None = None) -> int:
    """Every leader whose unit or units below (the leader's locality and the localities under it) have
    overdue directives or reviews gets ONE bell entry a week, and an e-mail, exactly once per ISO week
    ("Tuần 49: 11 nhiệm vụ quá hạn, 3 sơ kết đến hạn trong đơn vị và cấp dưới"), linking to the lists
    filtered on what is overdue: never one entry per item. The beat runs it daily, so the week's entry
    appears the first day anything is overdue, not only on Monday. Returns how many were new."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    year, week, _day = today.isocalendar()
    stage = f"week-{year}-W{week:02d}"
    reviews = regulation_reminders.overdue_by_locality(today)
    directives = meeting_reminders.overdue_by_locality(today)
    paths = dict(Locality.objects.values_list("pk", "path"))
    names = dict(Locality.objects.values_list("pk", "name"))
    leaders = User.objects.filter(is_active=True, role=Role.LEADER, agency__isnull=False).values_list(
        "pk", "agency_id", "agency__locality_id", "email_notifications", "email"
    )
    directives_link = f"{delivery.path_plain('meetings:directives')}?state=overdue"
    reviews_link = f"{delivery.path_plain('regulations:list')}?review_state={ReviewState.OVERDUE}"
    rows: list[Reminder] = []
    texts: dict[int, tuple[str, str, str]] = {}
    for user_id, agency_id, locality_id, email_on, email in leaders:
        own = paths.get(locality_id)
        if own is None:
            continue
        if locality_id not in texts:
            text = _week_text(week, today, own, paths, names, reviews, directives, directives_link, reviews_link)
            if text is None:
                continue
            texts[locality_id] = text
        rows.append(
            Reminder(
                kind=ReminderKind.LEADER_WEEKLY,
                subject_id=locality_id,
                stage=stage,
                due_on=monday,
                recipient_id=user_id,
                agency_id=agency_id,
                subject_number=_("Tổng hợp tuần %(week)s/%(year)s") % {"week": week, "year": year},
                subject_title=texts[locality_id][0][:500],
                status=ReminderStatus.PENDING if email_on and email else ReminderStatus.SKIPPED,
            )
        )
    with transaction.atomic():
        stamp = timezone.now()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        new = Reminder.objects.filter(kind=ReminderKind.LEADER_WEEKLY, stage=stage, notification__isnull=True)
        count = new.count()
        delivery.notify_missing(ReminderKind.LEADER_WEEKLY, list(texts), lambda subject_id: texts[subject_id])
        delivery.enqueue_immediate(stamp)
    return count


def _week_text(
    week: int,
    today: datetime.date,
    own: str,
    paths: dict[int, str],
    names: dict[int, str],
    reviews: dict[int, int],
    directives: dict[int, int],
    directives_link: str,
    reviews_link: str,
) -> tuple[str, str, str] | None:
    """The bell entry (title, body, link) of one leader's locality, or None when nothing is overdue."""
    per_unit = [
        (names[pk], directives.get(pk, 0), reviews.get(pk, 0))
        for pk, path in paths.items()
        if path.startswith(own) and (reviews.get(pk) or directives.get(pk))
    ]
    if not per_unit:
        return None
    total_d, total_r = sum(d for _n, d, _r in per_unit), sum(r for _n, _d, r in per_unit)
    parts = [_("%(n)s nhiệm vụ quá hạn") % {"n": total_d}] if total_d else []
    parts += [_("%(n)s sơ kết đến hạn") % {"n": total_r}] if total_r else []
    title = _("Tuần %(week)s: %(parts)s trong đơn vị và cấp dưới") % {"week": week, "parts": ", ".join(parts)}
    per_unit.sort(key=lambda row: (-(row[1] + row[2]), row[0]))
    lines = [
        _("- %(unit)s: %(d)s nhiệm vụ quá hạn, %(r)s quy chế quá hạn sơ kết") % {"unit": unit, "d": d, "r": r}
        for unit, d, r in per_unit[:20]
    ]
    if len(per_unit) > 20:
        lines.append(_("… và %(n)s địa bàn khác.") % {"n": len(per_unit) - 20})
    base = settings.PORTAL_BASE_URL.rstrip("/")
    if total_d:
        lines.append(_("Danh sách nhiệm vụ quá hạn: %(link)s") % {"link": base + directives_link})
    if total_r:
        lines.append(_("Danh sách quy chế quá hạn sơ kết: %(link)s") % {"link": base + reviews_link})
    body = _("Tình hình đến ngày %(day)s:") % {"day": delivery.fmt(today)} + "\n" + "\n".join(lines)
    return title, body, directives_link if total_d else reviews_link
