"""``{% signature_badge original %}``: the result of checking the signatures of an uploaded PDF
original, as a badge (nothing for files without signatures)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from regulations.models import Original
from signing.selectors import original_report

register = template.Library()

BADGE = (
    '<span class="original-signature"><span class="badge badge-{}">{}</span> '
    '<span class="muted small">{}{}</span></span>'
)
LABELS = {"ok": "Có chữ ký số hợp lệ", "warn": "Có chữ ký số, cần lưu ý", "bad": "Chữ ký số không hợp lệ"}


@register.simple_tag
def signature_badge(original: Original) -> str:
    report = original_report(original)
    # A scan pyHanko cannot parse is not a bad signature: it just has none that can be read.
    if report is None or not report.readable or not report.signatures:
        return ""
    first = report.signatures[0]
    detail = first.summary
    who = ", ".join(p for p in (first.unit, first.signed_at_display) if p)
    return format_html(
        BADGE,
        report.verdict,
        LABELS[report.verdict],
        f"{who}. " if who else "",
        detail,
    )
