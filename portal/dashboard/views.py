"""The leader dashboard (/tong-quan/) and its PDF / XLSX exports; thin: selectors do the counting."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.dashboard import charts, exports, selectors


def _dashboard(request: HttpRequest) -> tuple[selectors.Dashboard, dict[str, str]]:
    today = datetime.date.today()
    period, errors = selectors.parse_period(request.GET, today)
    dash = selectors.build(request.user, request.GET.get("agency"), period, today)
    selectors.attach_chart_links(dash)
    return dash, errors


def _options(choices: list[tuple[int, str]], selected: int) -> str:
    """The unit <option>s, built in one pass: a national leader's list has several hundred units."""
    return format_html_join(
        "", "<option value=\"{}\"{}>{}</option>",
        ((pk, mark_safe(" selected") if pk == selected else "", label) for pk, label in choices),
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
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
        "unit_options": _options(selectors.unit_choices(request.user), dash.scope.agency.pk)
        if dash.scope.can_choose else "",
        "overdue_all": selectors.list_link("regulations:list", dash.scope.agency.pk, review_state="overdue",
                                           sort="next_review_due"),
        "chart_field": charts.hbar(dash.by_field, "chart-field-title"),
        "chart_partner": charts.hbar(dash.by_partner_kind, "chart-partner-title"),
        "chart_trend": charts.columns(
            dash.trend, "year", [("reviews", _("Sơ kết, tổng kết")), ("interagency", _("Họp liên ngành"))],
            "chart-trend-title", width=1000, height=230,
        ),
        "export_query": request.GET.urlencode(),
        "cards": selectors.figure_cards(dash),
        "can_drill": dash.scope.can_choose,
    }
    headers, rows, totals = selectors.breakdown_table(dash)
    for row in rows:
        query = request.GET.copy()
        query["agency"] = str(row["agency_id"])
        row["drill_query"] = query.urlencode()
    context.update(headers=headers, breakdown_rows=rows, breakdown_totals=totals)
    return render(request, "dashboard/index.html", context)


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    dash, _errors = _dashboard(request)
    response = HttpResponse(
        exports.to_xlsx(dash),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(dash, "xlsx")}"'
    return response


@login_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    dash, _errors = _dashboard(request)
    response = HttpResponse(exports.to_pdf(dash), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(dash, "pdf")}"'
    return response
