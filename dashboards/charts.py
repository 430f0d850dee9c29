"""Server-rendered inline SVG bar charts: no script, no outside service. Each chart is labelled by
an id (aria-labelledby) and the page shows the same numbers in a table for screen readers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.formats import group_thousands

PALETTE = ("#0b4f8a", "#a31515", "#1b6e3a", "#8a5a00")


def _linked(url: str | None, shape: str) -> str:
    """The shape as a link to the list behind the figure (SVG 2 ``href``), when there is one; the link is
    named by the shape's (already escaped) ``<title>`` so that screen readers say what it opens."""
    if not url:
        return shape
    title = re.search(r"<title>(.*?)</title>", shape)
    label = f' aria-label="{title.group(1)}"' if title else ""
    return f'<a href="{escape(url)}"{label}>{shape}</a>'


def hbar(items: Sequence[dict], title_id: str, width: int = 560, label_width: int = 230) -> SafeString:
    """Horizontal bars, one per item ``{"label", "value"}``."""
    bar_h, gap, top = 22, 8, 4
    height = top + max(1, len(items)) * (bar_h + gap)
    peak = max([i["value"] for i in items] + [1])
    span = width - label_width - 70
    parts = [
        f'<svg class="chart" role="group" aria-labelledby="{escape(title_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for n, item in enumerate(items):
        y = top + n * (bar_h + gap)
        w = round(span * item["value"] / peak)
        label = item["label"] if len(item["label"]) <= 34 else item["label"][:33] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1d232b">'
            f"{escape(label)}</text>"
            + _linked(
                item.get("url"),
                f'<rect x="{label_width}" y="{y}" width="{max(w, 1)}" height="{bar_h}" '
                f'fill="{PALETTE[0]}" rx="2"><title>{escape(item["label"])}: '
                f"{group_thousands(item['value'])}</title></rect>",
            )
            + f'<text x="{label_width + max(w, 1) + 6}" y="{y + 16}" font-size="13" fill="#1d232b">'
            f"{group_thousands(item['value'])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def columns(
    rows: Sequence[dict],
    x_key: str,
    series: Sequence[tuple[str, str]],
    title_id: str,
    width: int = 620,
    height: int = 240,
) -> SafeString:
    """Grouped vertical columns: ``rows`` along x, one column per ``(key, label)`` in ``series``."""
    left, bottom, top, legend_h = 40, 26, 10, 22
    plot_h = height - bottom - top - legend_h
    peak = max([r[k] for r in rows for k, _ in series] + [1])
    slot = (width - left - 8) / max(1, len(rows))
    col_w = max(3.0, (slot - 8) / max(1, len(series)))
    parts = [
        f'<svg class="chart" role="group" aria-labelledby="{escape(title_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + legend_h + plot_h}" x2="{width - 4}" y2="{top + legend_h + plot_h}" '
        f'stroke="#8c959f"/>',
        f'<text x="{left - 4}" y="{top + legend_h + 10}" text-anchor="end" font-size="11" fill="#57606a">'
        f"{group_thousands(peak)}</text>",
    ]
    for s, (_, label) in enumerate(series):
        x = left + s * 170
        parts.append(
            f'<rect x="{x}" y="{top}" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{top + 11}" font-size="12" fill="#1d232b">{escape(label)}</text>'
        )
    base_y = top + legend_h + plot_h
    for n, row in enumerate(rows):
        x0 = left + n * slot + 4
        for s, (key, _) in enumerate(series):
            h = round(plot_h * row[key] / peak)
            rect = (
                f'<rect x="{x0 + s * col_w:.1f}" y="{base_y - h}" width="{col_w - 1:.1f}" height="{h}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(series[s][1])} {escape(str(row[x_key]))}: '
                f"{group_thousands(row[key])}</title></rect>"
            )
            parts.append(_linked(row.get(f"{key}_url"), rect))
        parts.append(
            f'<text x="{x0 + slot / 2 - 4:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
            f'fill="#1d232b">{escape(str(row[x_key]))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
