"""Digests: the daily digest of each user (one e-mail a day listing every reminder waiting for it) and
the leaders' weekly digest (overdue reviews and directives of the units below them)."""

from __future__ import annotations

import datetime
from functools import partial

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
    """Every leader whose sub-units (the localities below the leader's own) have overdue reviews or
    directives gets one notification a week (and an e-mail), exactly once per ISO week. Returns how
    many were new."""
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
    dashboard = f"{delivery.path_plain('dashboard:index')}"
    rows: list[Reminder] = []
    texts: dict[int, tuple[str, str, str]] = {}
    for user_id, agency_id, locality_id, email_on, email in leaders:
        own = paths.get(locality_id)
        if own is None:
            continue
        below = [pk for pk, p in paths.items() if p.startswith(own) and pk != locality_id]
        per_unit = [
            (names[pk], reviews.get(pk, 0), directives.get(pk, 0))
            for pk in below
            if reviews.get(pk) or directives.get(pk)
        ]
        if not per_unit:
            continue
        total_r, total_d = sum(r for _n, r, _d in per_unit), sum(d for _n, _r, d in per_unit)
        per_unit.sort(key=lambda row: (-(row[1] + row[2]), row[0]))
        lines = "\n".join(
            _("- %(unit)s: %(r)s quy chế quá hạn sơ kết, %(d)s nhiệm vụ quá hạn") % {"unit": unit, "r": r, "d": d}
            for unit, r, d in per_unit[:20]
        )
        more = len(per_unit) - 20
        texts[locality_id] = (
            _("Tổng hợp tuần: đơn vị cấp dưới có %(r)s quy chế quá hạn sơ kết, %(d)s nhiệm vụ quá hạn")
            % {"r": total_r, "d": total_d},
            _("Tình hình đến ngày %(day)s của các đơn vị cấp dưới:") % {"day": delivery.fmt(today)}
            + "\n"
            + lines
            + (("\n" + _("… và %(n)s địa bàn khác.") % {"n": more}) if more > 0 else ""),
            dashboard,
        )
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
