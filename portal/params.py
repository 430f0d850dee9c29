"""Reading untrusted request values: ids, redirect targets, user names. Bad values read as absent."""

from __future__ import annotations

import datetime
import re

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# A database id: ASCII digits only (str.isdigit() also accepts "²" and "١"), within a bigint.
_ID = re.compile(r"[0-9]{1,18}")
AXES_USERNAME_MAX = 255


def int_param(value: object) -> int | None:
    """``value`` as a positive database id, or None for anything else (never raises)."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number > 0 else None


def date_param(value: object) -> datetime.date | None:
    """``value`` as a date typed dd/mm/yyyy (or ISO yyyy-mm-dd), or None for anything else."""
    if not isinstance(value, str):
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


def safe_next(request: HttpRequest, target: object, fallback: str) -> str:
    """A redirect target only if it is a path on this site (``abc`` or ``//host`` are not)."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return fallback


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The user name django-axes records, cut to its column (a 5,000-character name is no DataError)."""
    source = credentials if credentials is not None else request.POST
    value = (source or {}).get("username", "") or ""
    return str(value).replace("\x00", "")[:AXES_USERNAME_MAX]
