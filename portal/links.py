"""Links to an object's page by primary key, for lists that link hundreds of objects per page.

``reverse()`` resolves the URL pattern on every call (tens of microseconds); a register page links
each regulation, every party and every amendment. The pattern is resolved once per view name,
script prefix and URLconf, and the key is put in its place."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 2147483647  # a key no table reaches: it appears once in the reversed URL


@functools.lru_cache(maxsize=64)
def _halves(viewname: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    head, tail = reverse(viewname, args=[_MARKER], urlconf=urlconf).split(str(_MARKER))
    return head, tail


def url_for_pk(viewname: str, pk: int) -> str:
    """The same string as ``reverse(viewname, args=[pk])`` for a view that takes only an integer key."""
    head, tail = _halves(viewname, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"
