"""Many new regulations written at once (the import's bulk path).

``services.create_regulation`` saves one regulation in about forty queries (its row, each party, its
fields, a history row for each, the search text, the derived dates, the announcement). An import of a
province's register creates thousands at a time; here each chunk of new regulations costs a handful of
queries whatever its size: the rows, their parties and fields, and their history rows, each in one
``bulk_create``. The caller has validated every row (``imports.checks`` applies the same rules as
``services.validate``) inside the same transaction.

What a per-row save leaves behind, this leaves too: the derived columns (``search_text``,
``next_review_due``; a new regulation has no relation and no review yet), a "Tạo mới" history row per
regulation and per party with its user and reason, the fields in the history, and one
``regulation.changed`` announcement for the whole set (the dashboards and reminders recount each unit
once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from portal import access, bulk
from portal.search import normalize
from regulations import rules
from regulations.models import Field, PartyRole, Regulation, RegulationParty
from regulations.services import REGULATION_FIELDS
from regulations.signals import announce

CHUNK = 500


@dataclass
class NewRegulation:
    data: dict  # values of ``services.REGULATION_FIELDS``
    host: Agency
    partners: Sequence[Agency]
    fields: Sequence[Field] = field(default_factory=list)


def _search_text(regulation: Regulation, agencies: Sequence[Agency]) -> str:
    # The words ``services.build_search_text`` reads (its parties in order; a new party has no signatory).
    parts = [regulation.number, regulation.title, regulation.summary]
    for agency in agencies:
        parts += [agency.name, agency.short_name]
    return normalize(" ".join(p for p in parts if p))


def _regulation(user: User, new: NewRegulation) -> Regulation:
    regulation = Regulation(created_by=user, host_agency=new.host, locality_id=new.host.locality_id)
    for name in REGULATION_FIELDS:
        if name in new.data:
            setattr(regulation, name, new.data[name])
    regulation.number = regulation.number.strip()
    regulation.search_text = _search_text(regulation, [new.host, *new.partners])
    regulation.next_review_due = rules.compute_next_review_due(regulation)
    return regulation


def create_regulations(
    user: User,
    rows: Sequence[NewRegulation],
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> list[Regulation]:
    """Create ``rows`` (already validated), CHUNK at a time; return them with their primary keys.
    ``progress`` hears how many are written after each chunk (an import's job beats and may stop there)."""
    access.require_role(user, access.EDIT_ROLES)
    created = bulk.in_chunks(rows, CHUNK, lambda chunk: _create_chunk(user, chunk, reason), progress)
    announce([r.pk for r in created], {r.locality_id for r in created})
    return created


def _create_chunk(user: User, chunk: Sequence[NewRegulation], reason: str) -> list[Regulation]:
    regulations = Regulation.objects.bulk_create([_regulation(user, new) for new in chunk])
    parties: list[RegulationParty] = []
    links = []
    through = Regulation.fields.through
    for regulation, new in zip(regulations, chunk, strict=True):
        parties.append(RegulationParty(regulation=regulation, agency=new.host, role=PartyRole.HOST, order=0))
        parties += [
            RegulationParty(regulation=regulation, agency=agency, role=PartyRole.PARTY, order=order)
            for order, agency in enumerate(new.partners, start=1)
        ]
        links += [through(regulation=regulation, field=f) for f in new.fields]
    RegulationParty.objects.bulk_create(parties)
    links = through.objects.bulk_create(links)

    now = timezone.now()
    history = Regulation.history.bulk_history_create(
        regulations, default_user=user, default_change_reason=reason, default_date=now
    )
    RegulationParty.history.bulk_history_create(
        parties, default_user=user, default_change_reason=reason, default_date=now
    )
    # The fields as they stood in each "Tạo mới" version.
    bulk.m2m_history(apps.get_model("regulations", "HistoricalRegulation_fields"), history, links, "regulation")
    return regulations
