"""Writes of audit events."""

from __future__ import annotations

from django.http import HttpRequest

from audit.models import AuditEvent
from portal.redact import redact


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(request: HttpRequest | None, action: str, *, username: str = "", detail: str = "") -> AuditEvent:
    user = getattr(request, "user", None) if request is not None else None
    who = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=who,
        username=(who.get_username() if who is not None else username)[:150],
        action=action,
        ip_address=client_ip(request) if request is not None else None,
        path=redact(request.get_full_path() if request is not None else "")[:500],
        detail=detail[:500],
    )
