from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agencies.templatetags.agency_tags import agency_badge
from portal.links import url_for_pk
from regulations import rules
from regulations.models import PartyRole, Regulation, RegulationStatus, ReviewState

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
    return str(RegulationStatus(value).label)


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@register.simple_tag
def register_rows(regulations: Iterable[Regulation], today: datetime.date) -> SafeString:
    """The rows of the register's table (``selectors.listing`` prefetches what they show).

    Built here rather than in the template: Django's template engine spent about a quarter of a
    millisecond per row on it, which was most of the list's time once its query used an index."""
    host, amended_by = _("chủ trì"), _("sửa đổi, bổ sung bởi")
    rows = []
    for reg in regulations:
        parties = format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    agency_badge(party.agency),
                    format_html(' <span class="badge">{}</span>', host) if party.role == PartyRole.HOST else "",
                )
                for party in reg.parties.all()
            ),
        )
        amendments = list(reg.amendments.all())
        amendment_list = (
            format_html(
                '<ul class="plain amendments">{}</ul>',
                format_html_join(
                    "",
                    '<li>{} <a href="{}">{}</a> ({})</li>',
                    (
                        (amended_by, url_for_pk("regulations:detail", a.pk), a.number, _date(a.in_force_from))
                        for a in amendments
                    ),
                ),
            )
            if amendments
            else ""
        )
        rows.append(
            format_html(
                '<tr><td><a href="{}">{}</a><br><span class="kind">{}</span></td><td>{}{}</td><td>{}</td>'
                '<td><ul class="plain">{}</ul></td><td>{}</td><td>{}{}</td><td>{} {}</td></tr>',
                url_for_pk("regulations:detail", reg.pk),
                reg.number,
                reg.get_type_display(),
                reg.title,
                format_html('<p class="original-hit">{}</p>', hit) if (hit := getattr(reg, "original_hit", "")) else "",
                _date(reg.signed_on),
                parties,
                "; ".join(f.name for f in reg.fields.all()),
                status_badge(reg, today),
                amendment_list,
                _date(reg.next_review_due) or "—",
                review_badge(reg, today),
            )
        )
    return SafeString("\n".join(rows))
