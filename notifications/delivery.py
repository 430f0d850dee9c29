"""Getting reminders to people: the bell items, the e-mails (one per reminder due today, one digest per
user and day) and their delivery, exactly once.

Delivery (``deliver_email``, ``deliver_digest``, ``deliver_digest_batch``) claims the row with a
conditional UPDATE before sending, so two workers never both send it; a failed send (SMTP, network,
database or broker error) is retried by Celery and, whatever happens to the task, re-enqueued by
``resend_unsent`` until it goes out. Every message has a stable Message-ID. E-mails are enqueued only
after the transaction that created their reminders commits. docs/operations.md says what "exactly once"
means at the SMTP boundary.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from functools import partial
from smtplib import SMTPException
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from notifications.messages import (  # noqa: F401 - re-exported: delivery's names since before the split
    DIGEST_ROW,
    build_digest_email,
    build_email,
    digest_rows,
    digest_sections,
    fmt,
    message_id,
    notification_of,
    path_plain,
)
from notifications.models import UNSENT_STATUSES, Digest, Notification, Reminder, ReminderStatus

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A claim older than this is from a worker that died mid-send (twice the hard task time limit).
STALE_CLAIM = datetime.timedelta(seconds=2 * 300)
RETRY_BACKOFF_MAX = 600  # seconds; the longest wait between two retries of one e-mail task
CHAIN_QUIET = datetime.timedelta(seconds=RETRY_BACKOFF_MAX + 300)


# ---------------------------------------------------------------------------------------- the bell


def notify_missing(kind: str, subject_ids: list[int], texts: Callable[[int], tuple[str, str, str]]) -> None:
    """Bell items, built in Python, for the reminders of a small set of subjects that have none."""
    missing = Reminder.objects.filter(kind=kind, subject_id__in=subject_ids, notification__isnull=True)
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, title=title[:300], body=body, url=url[:500], reminder_id=pk)
            for pk, subject_id, user_id in missing.values_list("pk", "subject_id", "recipient_id")
            for title, body, url in [texts(subject_id)]
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def enqueue_immediate(since: datetime.datetime) -> None:
    """After commit, hand Celery the reminders created since ``since`` that fall due today (one e-mail each)."""
    ids = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__gte=since).values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_after_commit(pk)


# -------------------------------------------------------------------------------------- enqueueing


def enqueue_email(reminder_id: int) -> None:
    """Hand the e-mail of one reminder to Celery. ``settings.NOTIFICATIONS_QUEUE`` (optional) names
    the queue, so a deployment or a test can keep its reminders apart on a shared broker."""
    from notifications.tasks import send_reminder_email

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    send_reminder_email.apply_async((reminder_id,), **({"queue": queue} if queue else {}))


class BrokerUnavailable(Exception):
    """The task queue could not be reached; nothing was handed over."""


def enqueue_emails(reminder_ids: list[int]) -> None:
    """Hand many reminders to Celery over ONE broker connection, failing fast (no publish retries)
    so that the admin who asked is told the truth when the broker is down."""
    from notifications.tasks import send_reminder_email

    if not reminder_ids:
        return
    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    app = send_reminder_email.app
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
            for pk in reminder_ids:
                send_reminder_email.apply_async(
                    (pk,), connection=connection, retry=False, **({"queue": queue} if queue else {})
                )
    except Exception as exc:  # kombu's OperationalError, socket errors, a full disk...
        logger.warning("could not enqueue %s reminders: %s", len(reminder_ids), exc)
        raise BrokerUnavailable(str(exc)) from exc


def enqueue_after_commit(reminder_id: int) -> None:
    # robust: a broker that is down must not break the scan; the reminder stays pending and
    # resend_unsent picks it up later.
    transaction.on_commit(lambda: enqueue_email(reminder_id), robust=True)


def enqueue_digest(digest_id: int) -> None:
    from notifications.tasks import send_digest_email

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    send_digest_email.apply_async((digest_id,), **({"queue": queue} if queue else {}))


def enqueue_digest_batches(digest_ids: list[int]) -> None:
    """Hand the day's digests to Celery in chunks of ``NOTIFICATIONS_DIGEST_BATCH`` (default 50): one
    task, and one SMTP connection, per chunk."""
    from notifications.tasks import send_digest_batch

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    size = max(1, int(getattr(settings, "NOTIFICATIONS_DIGEST_BATCH", 50)))
    for start in range(0, len(digest_ids), size):
        send_digest_batch.apply_async((digest_ids[start : start + size],), **({"queue": queue} if queue else {}))


# ---------------------------------------------------------------------------------------- delivery


def resend_unsent(now: datetime.datetime | None = None, min_age: datetime.timedelta | None = None) -> int:
    """Re-enqueue reminders and digests whose e-mail has not gone out: failed ones, pending ones older
    than ``min_age`` (their task was lost: broker down at commit time, a purged queue), and claims
    left by a worker that died mid-send. Enqueuing one twice is harmless: delivery claims first."""
    now = now or timezone.now()
    min_age = datetime.timedelta(minutes=5) if min_age is None else min_age
    total = 0
    for model, enqueue in ((Reminder, enqueue_email), (Digest, enqueue_digest)):
        stale = list(
            model.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).values_list(
                "pk", flat=True
            )
        )
        model.objects.filter(pk__in=stale, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.FAILED,
            last_error=_("Tiến trình gửi bị dừng giữa chừng; sẽ gửi lại."),
            updated_at=now,
        )
        if stale:
            # The SMTP window: the server may have taken these before their worker died. Counted here,
            # they are the only e-mails that can reach anyone twice (with the same Message-ID).
            logger.warning(
                "resend: %s %s claim(s) left mid-send, sent again (possible duplicates): %s",
                len(stale),
                model.__name__.lower(),
                stale,
            )
        # A failed message touched within CHAIN_QUIET still has a live retry chain (each retry is at
        # most RETRY_BACKOFF_MAX after the previous and records its failure); enqueuing it again would
        # start a second, overlapping chain. Only quiet ones (chain exhausted or lost) are re-enqueued.
        ids = list(
            model.objects.filter(
                Q(status=ReminderStatus.FAILED, updated_at__lte=now - CHAIN_QUIET)
                | Q(status=ReminderStatus.FAILED, pk__in=stale)  # its worker died: no chain left
                | Q(status=ReminderStatus.PENDING, updated_at__lte=now - min_age)
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            try:
                enqueue(pk)
            except Exception:  # broker down: they stay unsent and the next sweep tries again
                logger.exception("could not enqueue %s %s", model.__name__, pk)
                return total
        total += len(ids)
    return total


def requeue(reminder_ids: Iterable[int]) -> int:
    """The admin's "gửi lại": put failed or skipped reminders back to pending and enqueue them in one
    batch. Raises ``BrokerUnavailable`` if the queue is down: they stay pending and the sweep retries."""
    ids = list(
        Reminder.objects.filter(pk__in=list(reminder_ids))
        .exclude(status__in=[ReminderStatus.SENT, ReminderStatus.SENDING])
        .values_list("pk", flat=True)
    )
    Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.PENDING, updated_at=timezone.now())
    enqueue_emails(ids)
    return len(ids)


# Errors after which a mail task is retried: the SMTP server's, the network's, the database's (a
# restart, a failover) and the broker's. The database's leave the connection unusable; Celery's Django
# fixup closes it after the task, and the retry opens a new one.
RETRY_ERRORS: tuple[type[BaseException], ...] = (
    SMTPException,
    OSError,
    OperationalError,
    InterfaceError,
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
)
DATABASE_ERRORS = (OperationalError, InterfaceError)


class Interrupted(Exception):
    """A database error after this attempt claimed its message. ``resume`` (the claim's timestamp, and
    whether the SMTP server had already accepted the message) lets the retry carry on where it stopped:
    mark it sent, or send it under the same claim, instead of waiting for the stale-claim sweep."""

    def __init__(self, claim: str, sent: bool) -> None:
        super().__init__(f"claim {claim}, sent {sent}")
        self.resume = {"claim": claim, "sent": sent}


def _claimed_by(obj: Reminder | Digest, claim: str | None) -> bool:
    """Whether ``obj`` is still held by the attempt that made ``claim`` (its retry resumes it)."""
    return (
        claim is not None
        and obj.status == ReminderStatus.SENDING
        and obj.claimed_at == datetime.datetime.fromisoformat(claim)
    )


def _deliver(
    model: type[Reminder] | type[Digest],
    obj: Reminder | Digest | None,
    user: User | None,
    build: Callable[[], EmailMultiAlternatives],
    mark_sent: Callable[[datetime.datetime], object],
    skip: Callable[[datetime.datetime], object],
    claim: str | None,
    connection: BaseEmailBackend | None,
) -> str:
    """Claim, send, mark, in that order and in the smallest steps. The message is built before the
    claim, so between the claim and the mark there is only the SMTP conversation and one UPDATE: the
    SMTP window, where a crash leaves a message that the server took but the database does not know
    about (the stale-claim sweep sends it again, under the same Message-ID)."""
    if obj is None or user is None:
        return "missing"
    resuming = _claimed_by(obj, claim)
    if obj.status not in UNSENT_STATUSES and not resuming:
        return obj.status
    now = timezone.now()
    if not (user.is_active and user.email_notifications and user.email):
        skip(now)
        return "skipped"
    message = build()
    kind = "reminder" if model is Reminder else "digest"
    message.extra_headers["Message-ID"] = message_id(kind, obj.pk)
    if connection is not None:
        message.connection = connection
    if resuming:
        assert obj.claimed_at is not None
        stamp = obj.claimed_at
    else:
        claimed = model.objects.filter(pk=obj.pk, status__in=UNSENT_STATUSES).update(
            status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        if not claimed:
            return "claimed-elsewhere"
        stamp = now
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        try:
            _record_failure(model, obj.pk, stamp, exc)
        except DATABASE_ERRORS as db_error:  # nothing was sent: the retry sends under the same claim
            raise Interrupted(stamp.isoformat(), sent=False) from db_error
        raise
    try:
        mark_sent(stamp)
    except DATABASE_ERRORS as db_error:
        logger.warning("%s %s: sent (%s) but not marked sent: %s", kind, obj.pk, message_id(kind, obj.pk), db_error)
        raise Interrupted(stamp.isoformat(), sent=True) from db_error
    return "sent"


def _record_failure(model: type[Reminder] | type[Digest], pk: int, stamp: datetime.datetime, exc: Exception) -> None:
    model.objects.filter(pk=pk, status=ReminderStatus.SENDING, claimed_at=stamp).update(
        status=ReminderStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
    )


def _mark_reminder_sent(reminder_id: int, stamp: datetime.datetime) -> int:
    now = timezone.now()
    return Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING, claimed_at=stamp).update(
        status=ReminderStatus.SENT, sent_at=now, last_error="", updated_at=now
    )


MARK_DIGEST_SENT = """
WITH digest AS (
    UPDATE notifications_digest SET status = 'sent', sent_at = %(now)s, last_error = '', updated_at = %(now)s
    WHERE id = %(pk)s AND status = 'sending' AND claimed_at = %(stamp)s RETURNING id
), items AS (
    UPDATE notifications_reminder SET
        status = CASE WHEN %(all)s OR id = ANY(%(listed)s) THEN 'sent' ELSE status END,
        sent_at = CASE WHEN %(all)s OR id = ANY(%(listed)s) THEN %(now)s ELSE sent_at END,
        digest_id = CASE WHEN %(all)s OR id = ANY(%(listed)s) THEN digest_id END,
        updated_at = %(now)s
    WHERE digest_id IN (SELECT id FROM digest) AND status = 'digest'
)
SELECT count(*) FROM digest
"""


def _mark_digest_sent(digest_id: int, stamp: datetime.datetime, listed: list[int] | None = None) -> int:
    """Mark the digest and the items it listed sent, in one statement on PostgreSQL. An item gathered
    into the digest after it was built (a second scan the same day) is detached for the next one."""
    now = timezone.now()
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            params = {"now": now, "pk": digest_id, "stamp": stamp, "all": listed is None, "listed": listed or []}
            cursor.execute(MARK_DIGEST_SENT, params)  # type: ignore[arg-type]
            return int(cursor.fetchone()[0])
    with transaction.atomic():
        marked = Digest.objects.filter(pk=digest_id, status=ReminderStatus.SENDING, claimed_at=stamp).update(
            status=ReminderStatus.SENT, sent_at=now, last_error="", updated_at=now
        )
        if marked:
            items = Reminder.objects.filter(digest_id=digest_id, status=ReminderStatus.DIGEST)
            if listed is not None:
                items.exclude(pk__in=listed).update(digest=None, updated_at=now)
                items = items.filter(pk__in=listed)
            items.update(status=ReminderStatus.SENT, sent_at=now, updated_at=now)
    return marked


def _resume_mark(kind: str, pk: int, mark_sent: Callable[[datetime.datetime], int], claim: str) -> str:
    """The retry of an attempt whose message the SMTP server took: only the mark is left to do."""
    if mark_sent(datetime.datetime.fromisoformat(claim)):
        logger.info("%s %s: marked sent on retry (no second copy)", kind, pk)
    return "sent"


def deliver_email(
    reminder_id: int, claim: str | None = None, sent: bool = False, connection: BaseEmailBackend | None = None
) -> str:
    """Send one reminder's e-mail, at most once. Returns what happened; raises the error of a failed
    send (after recording it) so the task can retry, or ``Interrupted`` with what the retry resumes."""
    if sent and claim:
        return _resume_mark("reminder", reminder_id, partial(_mark_reminder_sent, reminder_id), claim)
    reminder = Reminder.objects.select_related("recipient", "notification").filter(pk=reminder_id).first()

    def skip(now: datetime.datetime) -> None:
        Reminder.objects.filter(pk=reminder_id, status__in=UNSENT_STATUSES).update(
            status=ReminderStatus.SKIPPED, updated_at=now
        )

    return _deliver(
        Reminder,
        reminder,
        reminder.recipient if reminder else None,
        lambda: build_email(reminder),  # type: ignore[arg-type]
        partial(_mark_reminder_sent, reminder_id),
        skip,
        claim,
        connection,
    )


def deliver_digest(
    digest_id: int,
    claim: str | None = None,
    sent: bool = False,
    connection: BaseEmailBackend | None = None,
    digest: Digest | None = None,
    rows: list[tuple] | None = None,
) -> str:
    """Send one digest, at most once (claimed by a conditional UPDATE like a reminder's e-mail).
    ``digest`` and ``rows``: already read, with its user and its items (a batch reads them at once)."""
    if sent and claim:
        return _resume_mark("digest", digest_id, partial(_mark_digest_sent, digest_id), claim)
    if digest is None:
        digest = Digest.objects.select_related("user").filter(pk=digest_id).first()
    if rows is None:
        rows = digest_rows([digest_id])[digest_id]
    listed = [row[0] for row in rows]

    def skip(now: datetime.datetime) -> None:
        with transaction.atomic():
            Digest.objects.filter(pk=digest_id, status__in=UNSENT_STATUSES).update(
                status=ReminderStatus.SKIPPED, updated_at=now
            )
            Reminder.objects.filter(digest_id=digest_id, status=ReminderStatus.DIGEST).update(
                status=ReminderStatus.SKIPPED, updated_at=now
            )

    return _deliver(
        Digest,
        digest,
        digest.user if digest else None,
        lambda: build_digest_email(digest, rows),  # type: ignore[arg-type]
        partial(_mark_digest_sent, digest_id, listed=listed),
        skip,
        claim,
        connection,
    )


class BatchStopped(Exception):
    """A batch of digests stopped on an error worth retrying (raised from it): ``rest`` are the digests
    not done yet, the one that failed first, and ``resume`` what the retry of that first one resumes."""

    def __init__(self, rest: list[int], resume: dict[str, object]) -> None:
        super().__init__(f"{len(rest)} digests left")
        self.rest, self.resume = rest, resume


def deliver_digest_batch(
    digest_ids: list[int], claim: str | None = None, sent: bool = False, connection: BaseEmailBackend | None = None
) -> dict[str, int]:
    """Send a chunk of digests over ONE SMTP connection (a connection per message cost more than the
    message). Each digest is still claimed, sent and marked on its own. ``claim``/``sent`` resume the
    first digest (the one a previous attempt stopped on). A digest that cannot be built is logged and
    left for the sweep; a retryable error stops the batch with ``BatchStopped``."""
    outcomes: dict[str, int] = {}
    if not digest_ids:
        return outcomes
    own = connection is None
    try:
        if own:
            connection = get_connection(fail_silently=False)
            if not (sent and len(digest_ids) == 1):
                connection.open()
        digests = Digest.objects.select_related("user").in_bulk(digest_ids)
        rows = digest_rows(digest_ids)
    except RETRY_ERRORS as exc:
        raise BatchStopped(digest_ids, {"claim": claim, "sent": sent}) from exc
    try:
        for index, pk in enumerate(digest_ids):
            first = index == 0
            try:
                outcome = deliver_digest(
                    pk,
                    claim=claim if first else None,
                    sent=sent if first else False,
                    connection=connection,
                    digest=digests.get(pk),
                    rows=rows[pk],
                )
            except Interrupted as exc:
                raise BatchStopped(digest_ids[index:], exc.resume) from exc.__cause__
            except RETRY_ERRORS as exc:
                raise BatchStopped(digest_ids[index:], {"claim": claim, "sent": sent} if first else {}) from exc
            except Exception:
                logger.exception("digest %s could not be sent; the sweep takes it up again", pk)
                outcome = "error"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        if own and connection is not None:
            connection.close()
    return outcomes
