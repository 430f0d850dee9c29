"""Many new meetings written at once (the import's bulk path), as ``regulations.bulk`` does for regulations.

``services.save_meeting`` saves one meeting in a few dozen queries. Here each chunk of new meetings costs
a handful whatever its size: the meetings, their chair, their links to the regulations they review and
the history rows (with the linked regulations as they stood), each in one ``bulk_create``. The caller has
validated every row (``imports.checks``) inside the same transaction. At the end the regulations they
review get their derived dates once (``regulations.services.refresh_derived_dates``) and one
``meeting.changed`` names every new meeting and unit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from meetings.models import Attendee, AttendeeRole, Meeting
from meetings.signals import announce_meetings
from portal import access, bulk
from portal.search import normalize
from regulations.models import Regulation
from regulations.services import refresh_derived_dates

CHUNK = 500
FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "conclusions", "state")


@dataclass
class NewMeeting:
    data: dict[str, Any]  # values of FIELDS
    host: Agency
    regulation_ids: Sequence[int] = field(default_factory=list)
    chair: str = ""  # full name of the person who chaired it, if the register says
    chair_role: str = AttendeeRole.CHAIR


def _search_text(meeting: Meeting, new: NewMeeting, numbers: dict[int, str]) -> str:
    # The words ``services._search_text`` reads (a new meeting has no agenda note and only its chair).
    parts = [
        meeting.title,
        meeting.place,
        new.host.name,
        new.host.short_name,
        meeting.get_kind_display(),
        meeting.conclusions[:2000],
        new.chair,
    ]
    parts += [numbers[pk] for pk in new.regulation_ids]
    return normalize(" ".join(p for p in parts if p))


def create_meetings(
    user: User,
    rows: Sequence[NewMeeting],
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> list[Meeting]:
    """Create ``rows`` (already validated), CHUNK at a time; return them with their primary keys.
    ``progress`` hears how many are written after each chunk (an import's job beats and may stop there)."""
    access.require_role(user, access.MEETING_ROLES)
    created = bulk.in_chunks(rows, CHUNK, lambda chunk: _create_chunk(user, chunk, reason), progress)
    refresh_derived_dates({pk for new in rows for pk in new.regulation_ids})
    announce_meetings([m.pk for m in created], {m.locality_id for m in created})
    return created


def _create_chunk(user: User, chunk: Sequence[NewMeeting], reason: str) -> list[Meeting]:
    wanted = {pk for new in chunk for pk in new.regulation_ids}
    numbers = dict(Regulation.objects.filter(pk__in=wanted).values_list("pk", "number")) if wanted else {}
    meetings = []
    for new in chunk:
        meeting = Meeting(created_by=user, host_agency=new.host, locality_id=new.host.locality_id)
        for name in FIELDS:
            if name in new.data:
                setattr(meeting, name, new.data[name])
        meeting.search_text = _search_text(meeting, new, numbers)
        meetings.append(meeting)
    meetings = Meeting.objects.bulk_create(meetings)

    through = Meeting.regulations.through
    links, chairs = [], []
    for meeting, new in zip(meetings, chunk, strict=True):
        links += [through(meeting=meeting, regulation_id=pk) for pk in dict.fromkeys(new.regulation_ids)]
        if new.chair:
            chairs.append(Attendee(meeting=meeting, order=0, role=new.chair_role, full_name=new.chair, agency=new.host))
    Attendee.objects.bulk_create(chairs)
    links = through.objects.bulk_create(links)

    history = Meeting.history.bulk_history_create(
        meetings, default_user=user, default_change_reason=reason, default_date=timezone.now()
    )
    # The regulations each "Tạo mới" version reviewed.
    bulk.m2m_history(apps.get_model("meetings", "HistoricalMeeting_regulations"), history, links, "meeting")
    return meetings
