"""The leader dashboard's figures: every number is one database aggregate over the records of a
unit and every locality below it (Locality.path prefix), intersected with the user's scope.

The breakdown by sub-unit is computed first (three grouped queries by locality); the headline
figures are the sums of its rows, so the total row always equals the sum of the rows and each
figure equals what the drill-down list counts with the same filters.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, AgencyKind, Locality
from dashboards import tallies
from dashboards.links import attach_chart_links, link_map, list_link  # noqa: F401 - their home
from dashboards.models import NO_MONTH, Tally
from dashboards.periods import Period, PeriodError, fmt, parse_date, parse_period  # noqa: F401 - their home
from meetings.models import HELD_STATES, REVIEW_KINDS, Meeting, MeetingKind
from portal import access
from portal.formats import group_thousands
from portal.search import natural_key
from regulations import rules
from regulations.models import Field, ReviewState

TREND_YEARS = 10
OVERDUE_LIST_SIZE = 20

MEETING_FIGURES = ("interim", "final", "interagency", "signing")
REGULATION_FIGURES = ("in_force", "amended", "due_soon", "overdue")
DIRECTIVE_FIGURES = ("directives_open", "directives_done", "directives_overdue")
ALL_FIGURES = (*MEETING_FIGURES, "reviews", *REGULATION_FIGURES, "live", *DIRECTIVE_FIGURES, "directives_in_time")


# ---------------------------------------------------------------- scope


@dataclass
class DashboardScope:
    agency: Agency
    root: Locality
    locality_ids: list[int] | None  # None: every locality (no filter needed)
    children: list[dict]  # child localities of the root inside the scope: id, name, path
    bucket_of: dict[int, int]  # locality id -> child id (or root id for the root's own records)
    can_choose: bool
    # Children whose whole subtree is readable (their subtree tallies are read) and the other readable
    # localities (their own tallies are read): together exactly the readable localities, each once.
    full_children: list[int] = field(default_factory=list)
    own_ids: list[int] = field(default_factory=list)

    root_full: bool = False  # the whole subtree of the root is readable

    def total_q(self) -> Q:
        """Rows whose sum is the whole scope's figure: the root's subtree row when it is all readable."""
        return Q(subtree=True, locality_id=self.root.pk) if self.root_full else self.tally_q()

    def tally_q(self) -> Q:
        return Q(subtree=True, locality_id__in=self.full_children) | Q(subtree=False, locality_id__in=self.own_ids)

    def cache_key(self) -> str:
        ids = ",".join(map(str, self.locality_ids)) if self.locality_ids is not None else "*"
        return hashlib.sha1(f"{self.agency.pk}|{ids}".encode()).hexdigest()

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
        access.agencies(user)
        .filter(kind=AgencyKind.PROCURACY)
        .select_related("locality")
        .order_by("locality__path", "level", "pk")
        .first()
    )
    if agency is None:
        raise PermissionDenied(_("Tài khoản chưa gắn với cơ quan, đơn vị nào."))
    found: Agency = agency
    return found


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
    subtree, readable_ids = access.readable_subtree(user, root)
    readable = [row for row in subtree if row["id"] in readable_ids]
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
        head = row["path"][len(root.path) :].split("/", 1)[0]
        bucket_of[row["id"]] = int(head) if head and int(head) in child_ids else root.pk
    # A child is read from its subtree tallies when every locality below it is readable.
    unreadable_heads = set()
    for row in subtree:
        if row["id"] not in readable_ids:
            head = row["path"][len(root.path) :].split("/", 1)[0]
            if head:
                unreadable_heads.add(int(head))
    full_children = [c["id"] for c in children if c["id"] not in unreadable_heads]
    full = set(full_children)
    own_ids = [i for i in ids if bucket_of[i] not in full]
    return DashboardScope(
        agency,
        root,
        locality_ids,
        children,
        bucket_of,
        chooser,
        full_children,
        own_ids,
        root_full=len(ids) == len(subtree),
    )


def _tree_order(rows: list[tuple]) -> list[tuple]:
    """(pk, name, locality path, …) rows, each locality's units followed by those of the localities
    below it, siblings in natural order ("Tỉnh 2" before "Tỉnh 10"; ordering paths as text put
    "/1/10/" before "/1/2/")."""
    at: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        at[row[2]].append(row)
    below: dict[str, list[str]] = defaultdict(list)
    for path in at:
        parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
        while parent not in at and parent.count("/") > 1:  # no unit at that level: hang it higher
            parent = parent.rstrip("/").rsplit("/", 1)[0] + "/"
        below[parent if parent in at else ""].append(path)
    ordered: list[tuple] = []

    def walk(parent: str) -> None:
        for path in sorted(below.get(parent, []), key=lambda p: natural_key(min(r[1] for r in at[p]))):
            ordered.extend(sorted(at[path], key=lambda r: natural_key(r[1])))
            walk(path)

    walk("")
    return ordered


def unit_choices(user: User, today: datetime.date | None = None) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Procuracies in the user's readable scope: the active ones indented by their locality's depth,
    then the dissolved ones (marked, with the unit that carries their work now)."""
    today = today or datetime.date.today()
    rows = list(
        access.agencies(user)
        .filter(kind=AgencyKind.PROCURACY)
        .order_by("locality__path", "level", "name")
        .values_list(
            "pk", "name", "locality__path", "active_to", "current_carrier__short_name", "current_carrier__name"
        )
    )
    active = _tree_order([r for r in rows if r[3] is None or r[3] >= today])
    top = min((path.count("/") for _pk, _name, path, *_rest in active), default=0)
    active_choices = [(pk, "\u00a0\u00a0" * (path.count("/") - top) + name) for pk, name, path, *_rest in active]
    dissolved = []
    for pk, name, _path, _active_to, carrier_short, carrier_name in sorted(
        (r for r in rows if r[3] is not None and r[3] < today), key=lambda r: r[1]
    ):
        label = _("%(name)s (đã giải thể)") % {"name": name}
        if carrier_short or carrier_name:
            label += " → " + _("nay là %(carrier)s") % {"carrier": carrier_short or carrier_name}
        dissolved.append((pk, label))
    return active_choices, dissolved


# ---------------------------------------------------------------- figures


in_force_q = tallies.in_force_q


def meeting_counts_by_locality(ds: DashboardScope, period: Period) -> QuerySet[Meeting, Any]:
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
    cache_key: str = ""  # the figures' cache key (scope, period, day, data version)


def _empty() -> dict[str, int]:
    return {name: 0 for name in ALL_FIGURES}


MEETING_FIGURE_KIND = {
    "interim": MeetingKind.INTERIM_REVIEW,
    "final": MeetingKind.FINAL_REVIEW,
    "interagency": MeetingKind.INTERAGENCY,
    "signing": MeetingKind.SIGNING,
}
STANDING_FIGURE = {
    "in_force": "r:in_force",
    "amended": "r:amended",
    "due_soon": "r:due_soon",
    "overdue": "r:overdue",
    "directives_open": "d:open",
    "directives_done": "d:done",
    "directives_overdue": "d:overdue",
}
FIGURE_OF_TALLY = {
    **{f"m:{kind.value}": name for name, kind in MEETING_FIGURE_KIND.items()},
    **{tally: name for name, tally in STANDING_FIGURE.items()},
}


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(period: Period) -> tuple[datetime.date, datetime.date] | None:
    """First days of the first and last calendar months lying wholly inside the period, if any."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after_end = period.end + datetime.timedelta(days=1)
    last_exclusive = datetime.date(after_end.year, after_end.month, 1)
    if last_exclusive <= first:
        return None
    last = datetime.date(last_exclusive.year - (last_exclusive.month == 1), (last_exclusive.month - 2) % 12 + 1, 1)
    return first, last


def breakdown(ds: DashboardScope, period: Period, today: datetime.date) -> tuple[list[dict], dict[str, int]]:
    """One row per child locality of the root (its whole subtree) plus the root's own records.

    Read from the tallies; the days of a custom period outside whole months are counted from the
    meetings themselves (less than a month at each end)."""
    buckets: dict[int, dict[str, int]] = {c["id"]: _empty() for c in ds.children}
    buckets[ds.root.pk] = _empty()
    months = whole_months(period)
    # Two plain queries rather than one with an OR, so each is a range scan of the tally's unique index.
    queries = [Tally.objects.filter(ds.tally_q(), month=NO_MONTH, figure__in=list(STANDING_FIGURE.values()))]
    if months:
        kinds = [f"m:{k.value}" for k in MEETING_FIGURE_KIND.values()]
        queries.append(Tally.objects.filter(ds.tally_q(), figure__in=kinds, month__gte=months[0], month__lte=months[1]))
    rows = [row for qs in queries for row in qs.values("locality_id", "figure").annotate(n=Sum("count")).order_by()]
    for row in rows:
        target = buckets[ds.bucket_of.get(row["locality_id"], ds.root.pk)]
        target[FIGURE_OF_TALLY[row["figure"]]] += row["n"]
    edges = (
        [(period.start, period.end)]
        if months is None
        else [
            (a, b)
            for a, b in ((period.start, months[0] - datetime.timedelta(days=1)), (_next_month(months[1]), period.end))
            if a <= b
        ]
    )
    for lo, hi in edges:
        for counts in meeting_counts_by_locality(ds, Period("custom", lo, hi)):
            bucket = buckets[ds.bucket_of.get(counts["locality_id"], ds.root.pk)]
            for name in MEETING_FIGURES:
                bucket[name] += counts[name]
    for figures in buckets.values():
        figures["reviews"] = figures["interim"] + figures["final"]
        figures["live"] = figures["in_force"]  # "in force" already counts the amended ones
        # Open = in time + overdue: the cards show the two parts so that they add up.
        figures["directives_in_time"] = figures["directives_open"] - figures["directives_overdue"]
    # A procuracy at each child locality, for the drill-down links of its row: an active one first.
    unit_at: dict[int, int] = {}
    if ds.children:
        for loc, pk in (
            Agency.objects.filter(kind=AgencyKind.PROCURACY, locality_id__in=[c["id"] for c in ds.children])
            .order_by("locality_id", F("active_to").desc(nulls_first=True), "pk")
            .values_list("locality_id", "pk")
        ):
            unit_at.setdefault(loc, pk)
    table: list[dict[str, Any]] = [
        {"label": c["name"], "locality_id": c["id"], "agency_id": unit_at.get(c["id"]), "figures": buckets[c["id"]]}
        for c in ds.children
    ]
    table.append(
        {
            "label": _("Cấp %(name)s (trực tiếp)") % {"name": ds.root.name},
            "locality_id": ds.root.pk,
            "agency_id": None,
            "figures": buckets[ds.root.pk],
            "direct": True,
        }
    )
    totals = _empty()
    for line in table:
        for name in ALL_FIGURES:
            totals[name] += line["figures"][name]
    return table, totals


def regulations_by_field(ds: DashboardScope, today: datetime.date) -> list[dict]:
    counts: dict[int, int] = {}
    for row in (
        Tally.objects.filter(ds.total_q(), month=NO_MONTH, figure__startswith="r:field:")
        .values("figure")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        if row["n"]:
            counts[int(row["figure"].rsplit(":", 1)[1])] = row["n"]
    if not counts:
        return []
    return [
        {"id": f.pk, "label": f.name, "code": f.code, "value": counts[f.pk]}
        for f in Field.objects.filter(pk__in=counts).order_by("order", "name")
    ]


def regulations_by_partner_kind(ds: DashboardScope, today: datetime.date) -> list[dict]:
    labels = dict(AgencyKind.choices)
    rows = [
        (row["figure"].rsplit(":", 1)[1], row["n"])
        for row in Tally.objects.filter(ds.total_q(), month=NO_MONTH, figure__startswith="r:partner:")
        .values("figure")
        .annotate(n=Sum("count"))
        .order_by()
        if row["n"]
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return [{"code": code, "label": str(labels.get(code, code)), "value": n} for code, n in rows]


def trend_by_year(ds: DashboardScope, today: datetime.date) -> list[dict]:
    """Reviews and inter-agency meetings held per year, last TREND_YEARS years, from the monthly tallies."""
    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    out = {y: {"year": y, "reviews": 0, "interim": 0, "final": 0, "interagency": 0} for y in years}
    rows = (
        Tally.objects.filter(
            ds.total_q(),
            figure__in=[f"m:{k}" for k in (*REVIEW_KINDS, MeetingKind.INTERAGENCY)],
            month__gte=datetime.date(years[0], 1, 1),
            month__lte=datetime.date(years[-1], 12, 1),
        )
        .values("figure", "month")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        key = {
            f"m:{MeetingKind.INTERAGENCY}": "interagency",
            f"m:{MeetingKind.INTERIM_REVIEW}": "interim",
            f"m:{MeetingKind.FINAL_REVIEW}": "final",
        }[row["figure"]]
        out[row["month"].year][key] += row["n"]
        if key != "interagency":
            out[row["month"].year]["reviews"] += row["n"]
    return [out[y] for y in years]


def overdue_regulations(ds: DashboardScope, today: datetime.date, limit: int = OVERDUE_LIST_SIZE) -> list:
    regs = list(
        tallies.counted_regulations()
        .filter(ds.q(), rules.review_state_q(ReviewState.OVERDUE, today))
        .select_related("host_agency", "host_agency__current_carrier")
        .order_by("next_review_due", "pk")[:limit]
    )
    for reg in regs:
        reg.days_overdue = (today - reg.next_review_due).days
    return regs


# ---------------------------------------------------------------- drill-down links


CACHE_SECONDS = 6 * 3600


def build(user: User, agency_id: str | int | None, period: Period, today: datetime.date | None = None) -> Dashboard:
    """The dashboard's figures, cached per scope, period, day and data version (any write bumps the
    version), so leaders opening the same dashboard share one computation."""
    today = today or datetime.date.today()
    ds = resolve_scope(user, agency_id)
    version = tallies.ensure_fresh(today)
    key = (
        f"dashboards:v{version}:{today.isoformat()}:{ds.cache_key()}:"
        f"{period.start.isoformat()}:{period.end.isoformat()}"
    )
    cached = cache.get(key)
    if cached is not None:
        rows, totals, by_field, by_partner_kind, trend, overdue = cached
    else:
        rows, totals = breakdown(ds, period, today)
        by_field = regulations_by_field(ds, today)
        by_partner_kind = regulations_by_partner_kind(ds, today)
        trend = trend_by_year(ds, today)
        overdue = overdue_regulations(ds, today)
        for row in rows:
            row["links"] = link_map(row["agency_id"], period)
        cache.set(key, (rows, totals, by_field, by_partner_kind, trend, overdue), CACHE_SECONDS)
    dash = Dashboard(
        scope=ds,
        period=period,
        today=today,
        totals=totals,
        rows=rows,
        by_field=by_field,
        by_partner_kind=by_partner_kind,
        trend=trend,
        overdue=overdue,
    )
    dash.links = link_map(ds.agency.pk, period)
    dash.cache_key = key
    return dash


def without_figures(user: User, agency_id: str | int | None, period: Period, today: datetime.date) -> Dashboard:
    """The unit and period only (the page when the period typed is invalid)."""
    ds = resolve_scope(user, agency_id)
    return Dashboard(
        scope=ds,
        period=period,
        today=today,
        totals=_empty(),
        rows=[],
        by_field=[],
        by_partner_kind=[],
        trend=[],
        overdue=[],
    )


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
    ("directives_in_time", "Nhiệm vụ đang thực hiện (trong hạn)", ""),
    ("directives_done", "Nhiệm vụ đã hoàn thành", "ok"),
    ("directives_overdue", "Nhiệm vụ quá hạn", "bad"),
]
PERIOD_FIGURES = ("interim", "final", "interagency", "signing")
BREAKDOWN_COLUMNS = [
    ("interim", "Sơ kết"),
    ("final", "Tổng kết"),
    ("interagency", "Họp liên ngành"),
    ("signing", "Lễ ký kết"),
    ("in_force", "Đang có hiệu lực"),
    ("due_soon", "Sắp đến hạn sơ kết"),
    ("overdue", "Quá hạn sơ kết"),
    ("directives_in_time", "Nhiệm vụ đang thực hiện (trong hạn)"),
    ("directives_overdue", "Nhiệm vụ quá hạn"),
]


def figure_cards(dash: Dashboard) -> list[dict]:
    return [
        {
            "key": key,
            "label": _(label),
            "value": dash.totals[key],
            "url": dash.links.get(key),
            "tone": tone if dash.totals[key] else "",
            "in_period": key in PERIOD_FIGURES,
        }
        for key, label, tone in FIGURE_LABELS
    ]


# The printed report has no links: reviews in one column, so the A4 table keeps room for unit names.
PRINT_COLUMNS = [("reviews", "Sơ kết, tổng kết"), *BREAKDOWN_COLUMNS[2:]]


def breakdown_table(
    dash: Dashboard, columns: list[tuple[str, str]] | None = None
) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Header labels, rows with their cells (value, link) and the total row."""
    columns = columns or BREAKDOWN_COLUMNS
    headers = [_(label) for _key, label in columns]
    rows: list[dict[str, Any]] = []
    for row in dash.rows:
        links = row.get("links", {})
        cells = []
        for key, _label in columns:
            url = links.get(key)
            value = row["figures"][key]
            cells.append({"value": value, "text": group_thousands(value), "url": url})
        rows.append(
            {"label": row["label"], "agency_id": row["agency_id"], "direct": row.get("direct", False), "cells": cells}
        )
    totals = [{"value": dash.totals[key], "text": group_thousands(dash.totals[key])} for key, _label in columns]
    return headers, rows, totals
