"""What the API reads: the apps' scoped selectors (``portal.access`` decides the scope), with what an
API row shows prefetched into plain lists (``to_attr="api_<relation>"``). ``api.serializers`` reads
those lists through ``prefetched()``: a related manager's ``.all()`` clones a queryset, four times a
row, which cost a 50-row page more than its SQL."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from agencies import selectors as agency_selectors
from agencies.models import Agency, AgencySuccession
from meetings import selectors as meeting_selectors
from meetings.models import Directive, Meeting
from portal import access
from regulations import selectors as regulation_selectors
from regulations.models import Field, Regulation, RegulationParty, RegulationRelation


def _to_list(relation: str, queryset: QuerySet) -> Prefetch:
    return Prefetch(relation, queryset=queryset, to_attr=f"api_{relation}")


def agencies(user: User, text: str = "", partners: bool = False, on: datetime.date | None = None) -> QuerySet[Agency]:
    """The agencies in scope; with ``partners`` the party picker of the pages (the 2025 map's rule,
    ``agencies.selectors.partner_picker``), dated ``on``."""
    successions = AgencySuccession.objects.select_related("predecessor", "successor")
    if partners:
        qs = agency_selectors.partner_picker(user, text, on)
    else:
        qs = access.agencies(user).order_by("name", "pk")
        qs = qs.search(text) if text.strip() else qs
    return qs.select_related("locality", "parent", "current_carrier").prefetch_related(
        _to_list("successions", successions), _to_list("predecessions", successions)
    )


def regulations(user: User, today: datetime.date) -> QuerySet[Regulation]:
    """The register's rows (no amending documents: they are part of the regulation they amend), with
    their parties, fields and relations (the other document's number only)."""
    relations = RegulationRelation.objects.select_related("source", "target").only(
        "kind", "effective_on", "source_id", "target_id", "source__number", "target__number"
    )
    return (
        regulation_selectors.listing(user, today)
        .select_related("host_agency__current_carrier")
        .prefetch_related(None)  # the page's own prefetches (amending documents under each row)
        .prefetch_related(
            _to_list("parties", RegulationParty.objects.select_related("agency")),
            _to_list("fields", Field.objects.all()),
            _to_list("outgoing_relations", relations),
            _to_list("incoming_relations", relations),
        )
    )


def meetings(user: User) -> QuerySet[Meeting]:
    return meeting_selectors.meeting_list(user).prefetch_related(
        _to_list("co_hosts", Agency.objects.all()),
        _to_list("regulations", Regulation.objects.only("id", "number")),
    )


def directives(user: User) -> QuerySet[Directive]:
    return meeting_selectors.directives_for(user).order_by("deadline", "pk")
