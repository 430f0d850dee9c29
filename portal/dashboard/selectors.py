"""The leader dashboard's figures: every number is one database aggregate over the records of a
unit and every locality below it (Locality.path prefix), intersected with the user's scope.

The breakdown by sub-unit is computed first (three grouped queries by locality); the headline
figures are the sums of its rows, so the total row always equals the sum of the rows and each
figure equals what the drill-down list counts with the same filters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, AgencyKind, Locality
from meetings.models import Directive, DirectiveState, Meeting, MeetingKind, MeetingState
from portal import access
from portal.forms import sane_year
from regulations import rules
from regulations.models import Field, PartyRole, Regulation, RegulationParty, ReviewState

HELD_STATES = (MeetingState.HELD, MeetingState.MINUTES_FINALISED)
REVIEW_KINDS = (MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW)
TREND_YEARS = 10
OVERDUE_LIST_SIZE = 20

MEETING_FIGURES = ("interim", "final", "interagency", "signing")
REGULATION_FIGURES = ("in_force", "amended", "due_soon", "overdue")
DIRECTIVE_FIGURES = ("directives_open", "directives_done", "directives_overdue")
ALL_FIGURES = (*MEETING_FIGURES, "reviews", *REGULATION_FIGURES, "live", *DIRECTIVE_FIGURES)


# ---------------------------------------------------------------- period


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | custom
    start: datetime.date
    end: datetime.date  # inclusive
    year: int | None = None
    quarter: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Năm %(year)s") % {"year": self.year}
        if self.kind == "quarter":
            return _("Quý %(q)s năm %(year)s") % {"q": self.quarter, "year": self.year}
        return _("Từ %(a)s đến %(b)s") % {"a": fmt(self.start), "b": fmt(self.end)}

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start, end) in the portal's time zone, so starts_at can use its index."""
        tz = ZoneInfo(settings.TIME_ZONE)
        lo = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        hi = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return lo, hi


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        try:
            sane_year(day)
        except ValidationError as exc:
            raise PeriodError(exc.messages[0]) from None
        return day
    raise PeriodError(_("Ngày “%(v)s” không đúng dạng ngày/tháng/năm (ví dụ 31/12/2024).") % {"v": text})


def parse_period(params, today: datetime.date) -> tuple[Period, dict[str, str]]:
    """The period chosen in GET ``params``; on bad input the default (this year) plus errors by field."""
    errors: dict[str, str] = {}
    kind = params.get("period") or "year"
    try:
        year = int(params.get("year") or today.year)
        if not 1990 <= year <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = _("Năm không hợp lệ.")
        year = today.year
    if kind == "quarter":
        try:
            quarter = int(params.get("quarter") or (today.month - 1) // 3 + 1)
            if not 1 <= quarter <= 4:
                raise ValueError
        except ValueError:
            errors["quarter"] = _("Quý phải từ 1 đến 4.")
            quarter = (today.month - 1) // 3 + 1
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = (datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1))
        return Period("quarter", start, end, year, quarter), errors
    if kind == "custom":
        start = end = None
        try:
            start = parse_date(params.get("date_from") or "")
        except PeriodError as exc:
            errors["date_from"] = str(exc) if params.get("date_from") else _("Nhập ngày bắt đầu.")
        try:
            end = parse_date(params.get("date_to") or "")
        except PeriodError as exc:
            errors["date_to"] = str(exc) if params.get("date_to") else _("Nhập ngày kết thúc.")
        if start and end and end < start:
            errors["date_to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        if not errors:
            return Period("custom", start, end), errors
    elif kind != "year":
        errors["period"] = _("Kỳ báo cáo không hợp lệ.")
    return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), year), errors


# ---------------------------------------------------------------- scope


@dataclass
class DashboardScope:
    agency: Agency
    root: Locality
    locality_ids: list[int] | None  # None: every locality (no filter needed)
    children: list[dict]  # child localities of the root inside the scope: id, name, path
    bucket_of: dict[int, int]  # locality id -> child id (or root id for the root's own records)
    can_choose: bool

    def q(self, prefix: str = "") -> Q:
        if self.locality_ids is None:
            return Q()
        return Q(**{f"{prefix}locality_id__in": self.locality_ids})


def can_choose_unit(user: User) -> bool:
    return access.has_role(user, access.LEADER_ROLES)


def default_agency(user: User) -> Agency:
    if user.agency_id is not None:
        return Agency.objects.select_related("locality").get(pk=user.agency_id)
    agency = (
        access.agencies(user).filter(kind=AgencyKind.PROCURACY).select_related("locality")
        .order_by("locality__path", "level", "pk").first()
    )
    if agency is None:
        raise PermissionDenied(_("Tài khoản chưa gắn với cơ quan, đơn vị nào."))
    return agency


def resolve_scope(user: User, agency_id: str | int | None) -> DashboardScope:
    """The unit whose dashboard is shown. Out-of-scope ids are 404; staff asking for another unit 403."""
    chooser = can_choose_unit(user)
    if agency_id in (None, ""):
        agency = default_agency(user)
    else:
        if not chooser and str(agency_id) != str(user.agency_id):
            raise PermissionDenied(_("Bạn chỉ xem được số liệu của đơn vị mình."))
        agency = access.get_or_404(user, Agency.objects.select_related("locality"), pk=agency_id)
    root = agency.locality
    scope = access.scope_of(user)
    subtree = list(Locality.objects.filter(path__startswith=root.path).values("id", "parent_id", "path", "name"))
    readable = [row for row in subtree if scope.can_read(row["id"])]
    ids = [row["id"] for row in readable]
    # The whole tree readable (a national leader or admin): no filter at all, so the aggregates can
    # read the covering indexes instead of probing a list of several hundred locality ids.
    if root.parent_id is None and len(ids) == len(subtree) and len(ids) == Locality.objects.count():
        locality_ids = None
    else:
        locality_ids = ids
    children = sorted((row for row in readable if row["parent_id"] == root.pk), key=lambda r: r["name"])
    child_paths = [(c["path"], c["id"]) for c in children]
    child_ids = {cid for _path, cid in child_paths}
    bucket_of: dict[int, int] = {}
    for row in readable:
        # the first path segment below the root is the child whose subtree holds this locality
        head = row["path"][len(root.path):].split("/", 1)[0]
        bucket_of[row["id"]] = int(head) if head and int(head) in child_ids else root.pk
    return DashboardScope(agency, root, locality_ids, children, bucket_of, chooser)


def unit_choices(user: User) -> list[tuple[int, str]]:
    """Procuracies in the user's readable scope, indented by their locality's depth."""
    rows = (
        access.agencies(user).filter(kind=AgencyKind.PROCURACY)
        .order_by("locality__path", "level", "name").values_list("pk", "name", "locality__path")
    )
    rows = list(rows)
    top = min((path.count("/") for _pk, _name, path in rows), default=0)
    return [(pk, "\u00a0\u00a0" * (path.count("/") - top) + name) for pk, name, path in rows]


# ---------------------------------------------------------------- figures


def in_force_q(today: datetime.date) -> Q:
    """Status "in force" exactly as the register's ``status=in_force`` filter (live, not amended)."""
    return rules.live_q(today) & (Q(amended_on__isnull=True) | Q(amended_on__gt=today))


def meeting_counts_by_locality(ds: DashboardScope, period: Period):
    lo, hi = period.bounds()
    return (
        Meeting.objects.filter(ds.q(), starts_at__gte=lo, starts_at__lt=hi, state__in=HELD_STATES)
        .values("locality_id")
        .annotate(
            interim=Count("id", filter=Q(kind=MeetingKind.INTERIM_REVIEW)),
            final=Count("id", filter=Q(kind=MeetingKind.FINAL_REVIEW)),
            interagency=Count("id", filter=Q(kind=MeetingKind.INTERAGENCY)),
            signing=Count("id", filter=Q(kind=MeetingKind.SIGNING)),
        )
        .order_by()
    )


def regulation_counts_by_locality(ds: DashboardScope, today: datetime.date):
    return (
        Regulation.objects.filter(ds.q())
        .values("locality_id")
        .annotate(
            # live_q splits into the two statuses the register filters by: in force, and amended.
            in_force=Count("id", filter=in_force_q(today)),
            amended=Count("id", filter=rules.live_q(today) & Q(amended_on__lte=today)),
            due_soon=Count("id", filter=rules.review_state_q(ReviewState.DUE_SOON, today)),
            overdue=Count("id", filter=rules.review_state_q(ReviewState.OVERDUE, today)),
        )
        .order_by()
    )


def directive_counts_by_locality(ds: DashboardScope, today: datetime.date):
    return (
        Directive.objects.filter(ds.q())
        .values("locality_id")
        .annotate(
            directives_open=Count("id", filter=Q(state=DirectiveState.OPEN)),
            directives_done=Count("id", filter=Q(state=DirectiveState.DONE)),
            directives_overdue=Count("id", filter=Q(state=DirectiveState.OPEN, deadline__lt=today)),
        )
        .order_by()
    )


def regulations_by_field(ds: DashboardScope, today: datetime.date) -> list[dict]:
    # Counted on the through table: (regulation, field) is unique there, so no DISTINCT is needed.
    live = Regulation.objects.filter(ds.q(), in_force_q(today)).values("id")
    through = Regulation.fields.through
    counts = dict(
        through.objects.filter(regulation_id__in=live).values("field_id").annotate(n=Count("id"))
        .order_by().values_list("field_id", "n")
    )
    if not counts:
        return []
    return [{"id": f.pk, "label": f.name, "code": f.code, "value": counts[f.pk]}
            for f in Field.objects.filter(pk__in=counts).order_by("order", "name")]


def regulations_by_partner_kind(ds: DashboardScope, today: datetime.date) -> list[dict]:
    live = Regulation.objects.filter(ds.q(), in_force_q(today)).values("id")
    rows = (
        RegulationParty.objects.filter(role=PartyRole.PARTY, regulation_id__in=live)
        .values("agency__kind").annotate(n=Count("regulation_id", distinct=True)).order_by("-n")
    )
    labels = dict(AgencyKind.choices)
    return [{"code": r["agency__kind"], "label": str(labels.get(r["agency__kind"], r["agency__kind"])),
             "value": r["n"]} for r in rows]


def trend_by_year(ds: DashboardScope, today: datetime.date) -> list[dict]:
    """Reviews and inter-agency meetings held per year, last TREND_YEARS years: one row of conditional
    counts over year ranges (range tests on starts_at are cheaper than converting every row's time zone)."""
    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    bounds = {y: Period("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31), y).bounds() for y in years}
    aggregates = {}
    for y, (lo, hi) in bounds.items():
        in_year = Q(starts_at__gte=lo, starts_at__lt=hi)
        aggregates[f"r{y}"] = Count("id", filter=in_year & Q(kind__in=REVIEW_KINDS))
        aggregates[f"i{y}"] = Count("id", filter=in_year & Q(kind=MeetingKind.INTERAGENCY))
    row = Meeting.objects.filter(
        ds.q(), starts_at__gte=bounds[years[0]][0], starts_at__lt=bounds[years[-1]][1], state__in=HELD_STATES,
        kind__in=(*REVIEW_KINDS, MeetingKind.INTERAGENCY),
    ).aggregate(**aggregates)
    return [{"year": y, "reviews": row[f"r{y}"] or 0, "interagency": row[f"i{y}"] or 0} for y in years]


def overdue_regulations(ds: DashboardScope, today: datetime.date, limit: int = OVERDUE_LIST_SIZE) -> list:
    regs = list(
        Regulation.objects.filter(ds.q(), rules.review_state_q(ReviewState.OVERDUE, today))
        .select_related("host_agency").order_by("next_review_due", "pk")[:limit]
    )
    for reg in regs:
        reg.days_overdue = (today - reg.next_review_due).days
    return regs


@dataclass
class Dashboard:
    scope: DashboardScope
    period: Period
    today: datetime.date
    totals: dict[str, int]
    rows: list[dict]
    by_field: list[dict]
    by_partner_kind: list[dict]
    trend: list[dict]
    overdue: list
    links: dict[str, str] = field(default_factory=dict)


def _empty() -> dict[str, int]:
    return {name: 0 for name in ALL_FIGURES}


def breakdown(ds: DashboardScope, period: Period, today: datetime.date) -> tuple[list[dict], dict[str, int]]:
    """One row per child locality of the root (its whole subtree) plus the root's own records."""
    buckets: dict[int, dict[str, int]] = {c["id"]: _empty() for c in ds.children}
    buckets[ds.root.pk] = _empty()
    for query, names in (
        (meeting_counts_by_locality(ds, period), MEETING_FIGURES),
        (regulation_counts_by_locality(ds, today), REGULATION_FIGURES),
        (directive_counts_by_locality(ds, today), DIRECTIVE_FIGURES),
    ):
        for row in query:
            target = buckets[ds.bucket_of.get(row["locality_id"], ds.root.pk)]
            for name in names:
                target[name] += row[name]
    for figures in buckets.values():
        figures["reviews"] = figures["interim"] + figures["final"]
        figures["live"] = figures["in_force"] + figures["amended"]
    # A procuracy at each child locality, for the drill-down links of its row.
    unit_at = dict(
        Agency.objects.filter(kind=AgencyKind.PROCURACY, locality_id__in=[c["id"] for c in ds.children])
        .order_by("locality_id", "-active_to", "pk").values_list("locality_id", "pk").distinct()
    ) if ds.children else {}
    rows = [{"label": c["name"], "locality_id": c["id"], "agency_id": unit_at.get(c["id"]),
             "figures": buckets[c["id"]]} for c in ds.children]
    rows.append({
        "label": _("Cấp %(name)s (trực tiếp)") % {"name": ds.root.name},
        "locality_id": ds.root.pk, "agency_id": None, "figures": buckets[ds.root.pk], "direct": True,
    })
    totals = _empty()
    for row in rows:
        for name in ALL_FIGURES:
            totals[name] += row["figures"][name]
    return rows, totals


# ---------------------------------------------------------------- drill-down links


def build(user: User, agency_id, period: Period, today: datetime.date | None = None) -> Dashboard:
    today = today or datetime.date.today()
    ds = resolve_scope(user, agency_id)
    rows, totals = breakdown(ds, period, today)
    dash = Dashboard(
        scope=ds, period=period, today=today, totals=totals, rows=rows,
        by_field=regulations_by_field(ds, today),
        by_partner_kind=regulations_by_partner_kind(ds, today),
        trend=trend_by_year(ds, today),
        overdue=overdue_regulations(ds, today),
    )
    dash.links = link_map(ds.agency.pk, period)
    for row in rows:
        row["links"] = link_map(row["agency_id"], period)
    return dash


def link_map(agency_id: int | None, period: Period) -> dict[str, str]:
    """Each figure's link, leaving out lists whose page does not exist (yet)."""

    if agency_id is None:
        return {}
    out: dict[str, str] = {}
    dates = {"date_from": fmt(period.start), "date_to": fmt(period.end)}
    specs = {
        "interim": ("meetings:list", {"kind": MeetingKind.INTERIM_REVIEW.value, "held": 1, **dates}),
        "final": ("meetings:list", {"kind": MeetingKind.FINAL_REVIEW.value, "held": 1, **dates}),
        "interagency": ("meetings:list", {"kind": MeetingKind.INTERAGENCY.value, "held": 1, **dates}),
        "signing": ("meetings:list", {"kind": MeetingKind.SIGNING.value, "held": 1, **dates}),
        "in_force": ("regulations:list", {"status": "in_force"}),
        "amended": ("regulations:list", {"status": "amended"}),
        "due_soon": ("regulations:list", {"review_state": ReviewState.DUE_SOON.value}),
        "overdue": ("regulations:list", {"review_state": ReviewState.OVERDUE.value}),
        "directives_open": ("meetings:directives", {"state": "open"}),
        "directives_done": ("meetings:directives", {"state": "done"}),
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


def list_link(name: str, agency_id: int | None, **params) -> str | None:
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


# Headline figures in display order: (key, label, tone of the badge when non-zero).
FIGURE_LABELS: list[tuple[str, str, str]] = [
    ("interim", "Sơ kết đã tổ chức", ""),
    ("final", "Tổng kết đã tổ chức", ""),
    ("interagency", "Họp liên ngành", ""),
    ("signing", "Lễ ký kết", ""),
    ("in_force", "Quy chế đang có hiệu lực", "ok"),
    ("amended", "Đã sửa đổi, bổ sung (còn hiệu lực)", ""),
    ("due_soon", "Sắp đến hạn sơ kết (30 ngày)", "warn"),
    ("overdue", "Quá hạn sơ kết", "bad"),
    ("directives_open", "Nhiệm vụ đang thực hiện", ""),
    ("directives_done", "Nhiệm vụ đã hoàn thành", "ok"),
    ("directives_overdue", "Nhiệm vụ quá hạn", "bad"),
]
PERIOD_FIGURES = ("interim", "final", "interagency", "signing")
BREAKDOWN_COLUMNS = [
    ("reviews", "Sơ kết, tổng kết"),
    ("interagency", "Họp liên ngành"),
    ("signing", "Lễ ký kết"),
    ("in_force", "Đang có hiệu lực"),
    ("due_soon", "Sắp đến hạn sơ kết"),
    ("overdue", "Quá hạn sơ kết"),
    ("directives_open", "Nhiệm vụ đang thực hiện"),
    ("directives_overdue", "Nhiệm vụ quá hạn"),
]


def figure_cards(dash: Dashboard) -> list[dict]:
    return [
        {"key": key, "label": _(label), "value": dash.totals[key], "url": dash.links.get(key),
         "tone": tone if dash.totals[key] else "", "in_period": key in PERIOD_FIGURES}
        for key, label, tone in FIGURE_LABELS
    ]


def breakdown_table(dash: Dashboard) -> tuple[list[str], list[dict], list[int]]:
    """Header labels, rows with their cells (value, link) and the total row."""
    headers = [_(label) for _key, label in BREAKDOWN_COLUMNS]
    rows = []
    for row in dash.rows:
        links = row.get("links", {})
        cells = []
        for key, _label in BREAKDOWN_COLUMNS:
            url = links.get(key) if key != "reviews" else None
            value = row["figures"][key]
            cells.append({"value": value, "text": number(value), "url": url})
        rows.append({"label": row["label"], "agency_id": row["agency_id"], "direct": row.get("direct", False),
                     "cells": cells})
    totals = [{"value": dash.totals[key], "text": number(dash.totals[key])} for key, _label in BREAKDOWN_COLUMNS]
    return headers, rows, totals


def number(value: int) -> str:
    """1.234.567: the Vietnamese thousands separator, without a locale lookup per cell."""
    return f"{value:,}".replace(",", ".")
