import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from meetings import selectors

register = template.Library()


@register.simple_tag
def agency_meetings(agency, user, limit: int = 10):
    """The latest meetings hosted by ``agency`` that ``user`` may see."""
    return list(selectors.meetings_for(user).filter(host_agency=agency).order_by("-starts_at")[:limit])


_DOCUMENT_NUMBER = re.compile(r"\b\d+/[0-9A-Za-zĐđ/.\-]*[0-9A-Za-zĐđ]")


@register.filter
def keep_numbers(text: str) -> str:
    """Escape ``text`` and keep document numbers ("01/TB-VKSTC", "238-QĐ/TW") on one line in PDFs."""
    escaped = str(escape(text))
    return mark_safe(_DOCUMENT_NUMBER.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped))  # noqa: S308


@register.filter
def keep_numbers_lines(text: str) -> str:
    """``keep_numbers`` line by line, the lines joined by <br> (a summary typed on several lines)."""
    return mark_safe("<br>".join(keep_numbers(line) for line in str(text).splitlines()))  # noqa: S308
