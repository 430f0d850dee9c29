"""iCalendar (RFC 5545) of meetings, with the icalendar package."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from meetings.models import Meeting, MeetingState


def _event(meeting: Meeting, stamp: datetime.datetime) -> Event:
    event = Event()
    host = settings.PORTAL_BASE_URL.split("//", 1)[-1].split("/", 1)[0] or "portal"
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    ends = meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2)
    event.add("dtend", ends.astimezone(datetime.UTC))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    link = f"{settings.PORTAL_BASE_URL}{meeting.get_absolute_url()}"
    description = f"{meeting.get_kind_display()} — {meeting.host_agency.name}\n{link}"
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.state == MeetingState.CANCELLED else "CONFIRMED")
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    return event


def calendar_bytes(meetings: Iterable[Meeting], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Cong quy che phoi hop nganh Kiem sat//vi")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # Unknown X- properties are not escaped by icalendar unless typed: a CR/LF would end the line.
    cal.add("x-wr-calname", vText(" ".join(name.split())))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp))
    return cal.to_ical()
