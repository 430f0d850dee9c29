"""Reads of agencies: the tree, the succession chain, search."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyQuerySet, AgencySuccession, Locality, LocalityLevel
from portal import access
from portal.search import natural_key

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class TreeNode:
    agency: Agency
    children: list[TreeNode] = field(default_factory=list)


def agency_tree(user: User, kind: str = "") -> list[TreeNode]:
    """The visible agencies as a forest: an agency whose parent is out of scope becomes a root."""
    qs = access.agencies(user).select_related("locality", "current_carrier").annotate(people_count=Count("people"))
    if kind:
        qs = qs.filter(kind=kind)
    nodes = {a.pk: TreeNode(a) for a in qs.order_by("level", "name")}
    roots: list[TreeNode] = []
    level_order = {"supreme": 0, "high": 1, "province": 2, "district": 3, "regional": 4}
    for node in sorted(nodes.values(), key=lambda n: (level_order.get(n.agency.level, 9), natural_key(n.agency.name))):
        parent = nodes.get(node.agency.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def display_with_carrier(agency: Agency | None, short: bool = True) -> str:
    """An agency's name for plain text (exports, e-mails, PDFs), with who carries its work if dissolved:
    "VKSND huyện Khánh Sơn (đã giải thể → nay là VKSND khu vực 7 - Khánh Hòa)".

    Reads ``agency.current_carrier``: select_related("…current_carrier") so lists make no query per row."""
    if agency is None:
        return ""
    name = agency.display_short if short else agency.name
    if agency.is_active:
        return name
    carrier = agency.current_carrier if agency.current_carrier_id else None
    if carrier is None:
        return _("%(name)s (đã giải thể)") % {"name": name}
    return _("%(name)s (đã giải thể → nay là %(carrier)s)") % {
        "name": name,
        "carrier": carrier.display_short if short else carrier.name,
    }


def picker_order(queryset: QuerySet[Agency], on: datetime.date | None = None) -> QuerySet[Agency]:
    """Agencies for a unit picker: active ones first, then the dissolved ones, each by name."""
    on = on or timezone.localdate()
    dissolved = Case(When(active_to__lt=on, then=Value(True)), default=Value(False), output_field=BooleanField())
    return queryset.select_related("current_carrier").annotate(_dissolved=dissolved).order_by("_dissolved", "name")


def search_agencies(user: User, text: str) -> QuerySet[Agency]:
    return access.agencies(user).search(text).select_related("locality", "parent").order_by("name")


def current_carriers(agency: Agency) -> list[tuple[AgencySuccession, Agency]]:
    """Follow successor links to the active units that carry this agency's work now."""
    result: list[tuple[AgencySuccession, Agency]] = []
    seen = {agency.pk}
    frontier = [agency]
    while frontier:
        current = frontier.pop()
        for link in current.successions.select_related("successor"):
            succ = link.successor
            if succ.pk in seen:
                continue
            seen.add(succ.pk)
            if succ.is_active:
                result.append((link, succ))
            else:
                frontier.append(succ)
    return result


def succession_chain(agency: Agency) -> dict[str, list[AgencySuccession]]:
    return {
        "predecessors": list(agency.predecessions.select_related("predecessor").order_by("effective_on")),
        "successors": list(agency.successions.select_related("successor").order_by("effective_on")),
    }


# --- The 2025 map in the partner pickers ------------------------------------------------------------


def _province_of(locality: Locality) -> tuple[str, list[int]]:
    """The path of the province a locality lies in (the national root for the supreme level), and
    the ids of the localities above that province."""
    ids = [int(part) for part in locality.path.strip("/").split("/") if part]
    levels = dict(Locality.objects.filter(pk__in=ids).values_list("pk", "level"))
    for depth in range(len(ids) - 1, -1, -1):
        if levels.get(ids[depth]) in (LocalityLevel.PROVINCE, LocalityLevel.NATIONAL):
            return "/" + "".join(f"{pk}/" for pk in ids[: depth + 1]), ids[:depth]
    return locality.path, []


def former_partner_successors(host: Agency) -> set[int]:
    """Who carries today the work of the agencies that signed with ``host`` or the units it replaced
    (a former partner still active carries its own)."""
    hosts = Agency.objects.filter(Q(pk=host.pk) | Q(current_carrier=host)).values("pk")
    rows = (
        Agency.objects.filter(regulation_parties__regulation__host_agency__in=hosts)
        .exclude(pk__in=hosts)
        .values_list("pk", "current_carrier_id", "active_to")
        .distinct()
    )
    today = timezone.localdate()
    return {
        carrier or pk
        for pk, carrier, active_to in rows
        if carrier is not None or active_to is None or active_to >= today
    }


def partner_choices(host: Agency, on: datetime.date | None = None) -> QuerySet[Agency]:
    """THE rule of the 2025 map for the agencies ``host`` may sign with (form, import and API alike):
    any agency of its own province (the province's own, its regional units, the dissolved district
    offices under it), of the levels above, and the successors of its former partners, shown first.
    With ``on`` (the record's date) a dissolved agency is offered only for records dated before its
    dissolution. Active agencies come before dissolved ones, each by name."""
    province_path, above = _province_of(host.locality)
    successors = former_partner_successors(host)
    queryset = Agency.objects.filter(
        Q(locality__path__startswith=province_path) | Q(locality_id__in=above) | Q(pk__in=successors)
    )
    if on is not None:
        queryset = queryset.exclude(active_to__lt=on)
    today = timezone.localdate()
    former = Case(When(pk__in=successors, then=Value(0)), default=Value(1), output_field=IntegerField())
    dissolved = Case(When(active_to__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    return (
        queryset.select_related("current_carrier")
        .annotate(_former=former, _dissolved=dissolved)
        .order_by("_former", "_dissolved", "name")
    )


def partner_error(host: Agency, agency: Agency, on: datetime.date | None, *, signed_before: bool = False) -> str | None:
    """Why ``agency`` cannot sign with ``host`` a record dated ``on`` (``None`` if it can).
    ``signed_before``: already a party of the record being edited (kept, if it existed on that day)."""
    if on is not None and agency.active_to is not None and agency.active_to < on:
        carrier = agency.current_carrier if agency.current_carrier_id else None
        message = _("“%(name)s” đã giải thể từ ngày %(day)s, trước ngày ký %(on)s.") % {
            "name": agency.name,
            "day": (agency.active_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "on": on.strftime("%d/%m/%Y"),
        }
        if carrier is not None:
            message += " " + _("Hãy chọn đơn vị kế thừa: “%(carrier)s”.") % {"carrier": carrier.name}
        return message
    if not signed_before and not partner_choices(host).filter(pk=agency.pk).exists():
        return _(
            "“%(name)s” không cùng tỉnh, không ở cấp trên và không kế thừa đối tác cũ của “%(host)s”: "
            "không chọn được làm bên ký kết."
        ) % {"name": agency.name, "host": host.name}
    return None


def picker_agencies(user: User) -> AgencyQuerySet:
    """Every agency a user's party pickers may offer: their scope, and the partners of their own unit
    (``partner_choices``; the host chosen is checked against it when the record is saved)."""
    scoped = access.agencies(user)
    if access.scope_of(user).read_all or user.agency is None:
        return scoped
    partners = partner_choices(user.agency).order_by().values("pk")
    return cast(AgencyQuerySet, Agency.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=partners)))


def partner_picker(user: User, text: str = "", on: datetime.date | None = None) -> QuerySet[Agency]:
    """The party picker as the user types: the successors of their unit's former partners first,
    then active agencies, then dissolved ones (only those still existing on ``on``)."""
    queryset: QuerySet[Agency] = picker_agencies(user)
    if text.strip():
        queryset = picker_agencies(user).search(text)
    if on is not None:
        queryset = queryset.exclude(active_to__lt=on)
    successors = former_partner_successors(user.agency) if user.agency is not None else set()
    former = Case(When(pk__in=successors, then=Value(0)), default=Value(1), output_field=IntegerField())
    today = timezone.localdate()
    dissolved = Case(When(active_to__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    return (
        queryset.select_related("current_carrier")
        .annotate(_former=former, _dissolved=dissolved)
        .order_by("_former", "_dissolved", "name", "pk")
    )
