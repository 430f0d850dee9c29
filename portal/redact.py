"""Secret path segments (the personal calendar feed token) never reach a log or the audit trail.

Used by the audit trail (``audit.services.record``), Django's request loggers (``RedactSecretsFilter``)
and gunicorn's access log (``portal.gunicorn_logging.RedactingLogger``)."""

from __future__ import annotations

import logging
import re

# /hoi-nghi/lich/<token>.ics — the token is the credential of the feed (no session).
SECRET_PATHS = [re.compile(r"(/hoi-nghi/lich/)(?!dang-ky/)[^/?#\s]+(\.ics)")]
MASK = "[đã-ẩn]"


def redact(text: str) -> str:
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{MASK}\g<2>", text)
    return text


def _redact_arg(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message and arguments (``Not Found: /hoi-nghi/lich/….ics``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request attaches the request; handlers that print it must not see the token either.
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name: str):
        value = getattr(self._request, name)
        return redact(value) if name in {"path", "path_info"} and isinstance(value, str) else value

    def get_full_path(self, *args, **kwargs) -> str:
        return redact(self._request.get_full_path(*args, **kwargs))

    def build_absolute_uri(self, *args, **kwargs) -> str:
        return redact(self._request.build_absolute_uri(*args, **kwargs))

    def __repr__(self) -> str:
        return redact(repr(self._request))
