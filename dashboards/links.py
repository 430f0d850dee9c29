"""The dashboard's links: each figure to the list behind it, with the same filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from dashboards.periods import Period, fmt
from meetings.models import DirectiveState, MeetingKind
from regulations.models import RegulationStatus, ReviewState

if TYPE_CHECKING:
    from dashboards.selectors import Dashboard


def link_map(agency_id: int | None, period: Period) -> dict[str, str]:
    """Each figure's link, leaving out lists whose page does not exist (yet)."""

    if agency_id is None:
        return {}
    out: dict[str, str] = {}
    dates = {"date_from": fmt(period.start), "date_to": fmt(period.end)}
    specs: dict[str, tuple[str, dict[str, Any]]] = {
        "interim": ("meetings:list", {"kind": MeetingKind.INTERIM_REVIEW.value, "held": 1, **dates}),
        "final": ("meetings:list", {"kind": MeetingKind.FINAL_REVIEW.value, "held": 1, **dates}),
        "interagency": ("meetings:list", {"kind": MeetingKind.INTERAGENCY.value, "held": 1, **dates}),
        "signing": ("meetings:list", {"kind": MeetingKind.SIGNING.value, "held": 1, **dates}),
        "in_force": ("regulations:list", {"status": RegulationStatus.IN_FORCE.value}),
        "amended": ("regulations:list", {"status": RegulationStatus.AMENDED.value}),
        "due_soon": ("regulations:list", {"review_state": ReviewState.DUE_SOON.value}),
        "overdue": ("regulations:list", {"review_state": ReviewState.OVERDUE.value}),
        "directives_open": ("meetings:directives", {"state": DirectiveState.OPEN.value}),
        "directives_in_time": ("meetings:directives", {"state": "in_time"}),
        "directives_done": ("meetings:directives", {"state": DirectiveState.DONE.value}),
        "directives_overdue": ("meetings:directives", {"state": "overdue"}),
    }
    for key, (name, params) in specs.items():
        base = _base_url(name)
        if base is not None:
            out[key] = f"{base}?{urlencode({'agency': agency_id, **params})}"
    return out


_BASE_URLS: dict[tuple, str | None] = {}


def _base_url(name: str) -> str | None:
    """``reverse(name)`` memoised per URLconf and script prefix (a breakdown row needs a dozen links)."""
    key = (name, get_urlconf(), get_script_prefix())
    if key not in _BASE_URLS:
        try:
            _BASE_URLS[key] = reverse(name)
        except NoReverseMatch:
            _BASE_URLS[key] = None
    return _BASE_URLS[key]


def list_link(name: str, agency_id: int | None, **params: Any) -> str | None:
    """A link to a list filtered by ``agency`` and ``params``; None when that list does not exist."""
    base = _base_url(name) if agency_id is not None else None
    if base is None:
        return None
    return f"{base}?{urlencode({'agency': agency_id, **params})}"


def attach_chart_links(dash: Dashboard) -> None:
    agency_id = dash.scope.agency.pk
    for item in dash.by_field:
        item["url"] = list_link("regulations:list", agency_id, status="in_force", field=item["id"])
    for item in dash.by_partner_kind:
        item["url"] = list_link("regulations:list", agency_id, status="in_force", partner_kind=item["code"])
    for item in dash.trend:
        dates = {"date_from": f"01/01/{item['year']}", "date_to": f"31/12/{item['year']}", "held": 1}
        item["interagency_url"] = list_link("meetings:list", agency_id, kind=MeetingKind.INTERAGENCY.value, **dates)
        item["interim_url"] = list_link("meetings:list", agency_id, kind=MeetingKind.INTERIM_REVIEW.value, **dates)
        item["final_url"] = list_link("meetings:list", agency_id, kind=MeetingKind.FINAL_REVIEW.value, **dates)
