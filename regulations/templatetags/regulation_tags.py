from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

from regulations import rules
from regulations.models import RegulationStatus, ReviewState

register = template.Library()

STATUS_CLASS = {
    RegulationStatus.DRAFT: "badge-muted",
    RegulationStatus.IN_FORCE: "badge-ok",
    RegulationStatus.AMENDED: "badge-ok",
    RegulationStatus.SUPERSEDED: "badge-muted",
    RegulationStatus.EXPIRED: "badge-muted",
    RegulationStatus.REPEALED: "badge-muted",
}


@register.simple_tag
def status_badge(regulation, today: datetime.date) -> str:
    value = getattr(regulation, "_status", None) or rules.status_on(regulation, today)
    status = RegulationStatus(value)
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASS[status], status.label)


@register.simple_tag
def review_badge(regulation, today: datetime.date) -> str:
    state = rules.review_state_on(regulation, today)
    if state == ReviewState.DUE_SOON:
        return format_html('<span class="badge badge-warn">{}</span>', state.label)
    if state == ReviewState.OVERDUE:
        return format_html('<span class="badge badge-bad">{}</span>', state.label)
    return ""


@register.simple_tag
def status_label(regulation, today: datetime.date) -> str:
    value = getattr(regulation, "_status", None) or rules.status_on(regulation, today)
    return RegulationStatus(value).label


@register.filter
def register_agency(agency) -> str:
    """"X (đã giải thể → nay là Y)", as the register's exports name an agency."""
    from regulations.exports import agency_label

    return agency_label(agency)
