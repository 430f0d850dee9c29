"""The leader dashboard (/tong-quan/) and its PDF / XLSX exports; thin: selectors do the counting."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dashboards import charts, exports, selectors
from portal.http import AuthenticatedHttpRequest


def _dashboard(request: AuthenticatedHttpRequest) -> tuple[selectors.Dashboard, dict[str, str]]:
    today = datetime.date.today()
    period, errors = selectors.parse_period(request.GET, today)
    if errors:
        # A wrong period shows its errors and no figures (never the default year's figures under it).
        return selectors.without_figures(request.user, request.GET.get("agency"), period, today), errors
    dash = selectors.build(request.user, request.GET.get("agency"), period, today)
    selectors.attach_chart_links(dash)
    return dash, errors


def _options(choices: tuple[list[tuple[int, str]], list[tuple[int, str]]], selected: int) -> str:
    """The unit <option>s, built in one pass (a national leader's list has several hundred units):
    active units first, then the dissolved ones in their own group."""

    def options(rows: list[tuple[int, str]]) -> str:
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, mark_safe(" selected") if pk == selected else "", label) for pk, label in rows),
        )

    active, dissolved = choices
    html = options(active)
    if dissolved:
        html += format_html('<optgroup label="{}">{}</optgroup>', _("Đơn vị đã giải thể"), options(dissolved))
    return html


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    dash, errors = _dashboard(request)
    today = dash.today
    context = {
        "dash": dash,
        "errors": errors,
        "params": request.GET,
        "period_kind": request.GET.get("period") or "year",
        "years": list(range(today.year + 1, today.year - 15, -1)),
        "quarters": [1, 2, 3, 4],
        "selected_year": dash.period.year or dash.period.end.year,
        "unit_options": _unit_options(request, dash) if dash.scope.can_choose else "",
        "export_query": request.GET.urlencode(),
        "figures_html": "" if errors else _figures_html(request, dash),
    }
    return render(request, "dashboard/index.html", context)


def _unit_options(request: AuthenticatedHttpRequest, dash: selectors.Dashboard) -> str:
    """The unit picker's <option>s (several hundred for a national leader), cached a few minutes per user."""
    key = f"dashboards:units:{request.user.pk}:{dash.today.isoformat()}"
    choices = cache.get(key)
    if choices is None:
        choices = selectors.unit_choices(request.user, dash.today)
        cache.set(key, choices, 300)
    return _options(choices, dash.scope.agency.pk)


def _figures_html(request: HttpRequest, dash: selectors.Dashboard) -> str:
    """Cards, tables and charts: the same for every leader looking at the same scope, period and data
    version, so they are rendered once and cached with the figures (32 leaders at once: one render)."""
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
    key = f"dashboards:html:{dash.cache_key}:{dash.scope.can_choose}:{query}"
    html = cache.get(key)
    if html is not None:
        return html
    context: dict[str, Any] = {
        "dash": dash,
        "overdue_all": selectors.list_link(
            "regulations:list", dash.scope.agency.pk, review_state="overdue", sort="next_review_due"
        ),
        "chart_field": charts.hbar(dash.by_field, "chart-field-title"),
        "chart_partner": charts.hbar(dash.by_partner_kind, "chart-partner-title"),
        "chart_trend": charts.columns(
            dash.trend,
            "year",
            [("interim", _("Sơ kết")), ("final", _("Tổng kết")), ("interagency", _("Họp liên ngành"))],
            "chart-trend-title",
            width=1000,
            height=230,
        ),
        "cards": selectors.figure_cards(dash),
        "can_drill": dash.scope.can_choose,
    }
    headers, rows, totals = selectors.breakdown_table(dash)
    for row in rows:
        drill = request.GET.copy()
        drill["agency"] = str(row["agency_id"])
        row["drill_query"] = drill.urlencode()
    context.update(headers=headers, breakdown_rows=rows, breakdown_totals=totals)
    html = mark_safe(render_to_string("dashboard/_figures.html", context, request=None))  # noqa: S308
    if dash.cache_key:
        cache.set(key, html, selectors.CACHE_SECONDS)
    return html


def _back_to_form(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('dashboard:index')}?{request.GET.urlencode()}")


@login_required
def export_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    dash, errors = _dashboard(request)
    if errors:
        return _back_to_form(request)
    response = HttpResponse(
        exports.to_xlsx(dash),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(dash, "xlsx")}"'
    return response


@login_required
def export_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    dash, errors = _dashboard(request)
    if errors:
        return _back_to_form(request)
    response = HttpResponse(exports.to_pdf(dash, preparer=request.user.full_name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(dash, "pdf")}"'
    return response


@login_required
def export_docx(request: AuthenticatedHttpRequest) -> HttpResponse:
    dash, errors = _dashboard(request)
    if errors:
        return _back_to_form(request)
    response = HttpResponse(
        exports.to_docx(dash, preparer=request.user.full_name),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(dash, "docx")}"'
    return response
