"""A console e-mail backend for ``make run``: one line per message, so a reminder scan does not bury
the server's address under whole HTML e-mails. ``EMAIL_CONSOLE_VERBOSE=1`` prints them whole."""

from __future__ import annotations

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.message import EmailMessage


def one_line(message: EmailMessage) -> str:
    recipients = ", ".join(message.recipients()) or "?"
    parts = len(getattr(message, "alternatives", []) or []) + len(message.attachments)
    extra = f" (+{parts} phần)" if parts else ""
    return f"[thư] {recipients} · {message.subject}{extra}\n"


class OneLineConsoleBackend(ConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        if getattr(settings, "EMAIL_CONSOLE_VERBOSE", False):
            super().write_message(message)
        else:
            self.stream.write(one_line(message))
