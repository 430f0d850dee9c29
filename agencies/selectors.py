"""Reads of agencies: the tree, the succession chain, search."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Count, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencySuccession
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
