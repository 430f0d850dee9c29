"""An agency's name as every page shows it: a link, and for a dissolved unit "đã giải thể → nay là …".

A tag, not an included template: lists show it for every party of every row, and an ``{% include %}``
per agency was most of a list page's rendering time."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agencies.models import Agency
from portal.links import url_for_pk

register = template.Library()


@register.simple_tag
def agency_badge(agency: Agency | None) -> SafeString | str:
    if agency is None:
        return ""
    link = format_html('<a href="{}">{}</a>', url_for_pk("agencies:detail", agency.pk), agency.name)
    if agency.is_active:
        return link
    badge = format_html('{} <span class="badge badge-muted">{}</span>', link, _("đã giải thể"))
    if not agency.current_carrier_id:
        return badge
    return format_html(
        '{} <span class="carrier">→ {} <a href="{}">{}</a></span>',
        badge,
        _("nay là"),
        url_for_pk("agencies:detail", agency.current_carrier_id),
        agency.current_carrier.display_short if agency.current_carrier is not None else "",
    )
