"""The e-mails themselves: a reminder's message and a user's daily digest (text + HTML), each with a
stable Message-ID. ``notifications.delivery`` sends them."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from notifications.models import Digest, Notification, Reminder, ReminderKind


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def path_plain(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def message_id(kind: str, pk: int) -> str:
    """The Message-ID of a reminder's or a digest's e-mail: the same on every attempt, so a copy sent
    again after the SMTP window (see notifications.delivery) is recognisable as the same message by the mail system."""
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<{kind}-{pk}@{domain}>"


DIGEST_ROW = (
    "pk",
    "kind",
    "agency__name",
    "subject_number",
    "subject_title",
    "due_on",
    "notification__title",
    "notification__url",
)


def digest_rows(digest_ids: list[int]) -> dict[int, list[tuple]]:
    """The items of many digests in one query (a batch), in each digest's order."""
    rows: dict[int, list[tuple]] = {pk: [] for pk in digest_ids}
    for digest_id, *row in (
        Reminder.objects.filter(digest_id__in=digest_ids)
        .order_by("digest_id", "agency__name", "due_on", "pk")
        .values_list("digest_id", *DIGEST_ROW)
    ):
        rows[digest_id].append(tuple(row))
    return rows


def digest_sections(digest: Digest, rows: list[tuple] | None = None) -> list[dict]:
    """The items of a digest grouped by kind, then by unit (as the reminder named it), in order.
    Each unit's list is also rendered here, once, as plain text and as escaped HTML: a digest can
    list hundreds of items and a template loop over them costs more than the query and the send.
    ``rows``: the items already read (``digest_rows``)."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    if rows is None:
        rows = list(digest.reminders.order_by("agency__name", "due_on", "pk").values_list(*DIGEST_ROW))
    labels = dict(ReminderKind.choices)
    due_word = _("hạn")
    sections: dict[str, dict] = {}
    for _pk, kind, unit, number, subject, due_on, title, url in rows:
        section = sections.setdefault(kind, {"label": labels.get(kind, kind), "units": {}})
        items = section["units"].setdefault(unit or _("Không rõ đơn vị"), [])
        items.append(
            {
                "title": title or number,
                "subject": subject if subject != number else "",
                "link": f"{base}{url or '/'}",
                "due": fmt(due_on),
            }
        )
    order = list(ReminderKind.values)
    result = []
    for _kind, section in sorted(sections.items(), key=lambda item: order.index(item[0])):
        units = []
        for name, items in section["units"].items():
            text_lines, html_lines = [], []
            for item in items:
                subject = item["subject"] if len(item["subject"]) <= 200 else item["subject"][:199] + "…"
                text_lines.append(
                    f"  - {item['title']} ({due_word} {item['due']})"
                    + (f"\n    {subject}" if subject else "")
                    + f"\n    {item['link']}"
                )
                html_lines.append(
                    f'<li><a href="{escape(item["link"])}" style="color:#a31515;">{escape(item["title"])}</a> '
                    f"({due_word} {item['due']})"
                    + (f'<br><span style="color:#555;">{escape(subject)}</span>' if subject else "")
                    + "</li>"
                )
            units.append(
                {"name": name, "items": items, "text": "\n".join(text_lines), "html": mark_safe("\n".join(html_lines))}
            )  # noqa: S308 - every part escaped above
        result.append({"label": section["label"], "units": units})
    return result


def build_digest_email(digest: Digest, rows: list[tuple] | None = None) -> EmailMultiAlternatives:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    sections = digest_sections(digest, rows)
    context = {
        "recipient": digest.user,
        "day": fmt(digest.day),
        "sections": sections,
        "count": sum(len(unit["items"]) for section in sections for unit in section["units"]),
        "notifications_link": f"{base}{path_plain('notifications:list')}",
        "preferences_link": f"{base}{path_plain('notifications:preferences')}",
    }
    return _mail_message("digest", context, digest.user.email)


def notification_of(reminder: Reminder) -> Notification | None:
    try:
        return reminder.notification
    except Notification.DoesNotExist:
        return None


def build_email(reminder: Reminder) -> EmailMultiAlternatives:
    notification = notification_of(reminder)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    path = notification.url if notification and notification.url else "/"
    context = {
        "reminder": reminder,
        "notification": notification,
        "recipient": reminder.recipient,
        "due": fmt(reminder.due_on),
        "link": f"{base}{path}",
        "notifications_link": f"{base}{path_plain('notifications:list')}",
        "preferences_link": f"{base}{path_plain('notifications:preferences')}",
    }
    return _mail_message("reminder", context, reminder.recipient.email)


def _mail_message(template: str, context: dict, to: str) -> EmailMultiAlternatives:
    """notifications/email/<template>_subject.txt, .txt and .html as one text + HTML message."""
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message
