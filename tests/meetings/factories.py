"""Factories for the meetings app's models: meetings, attendees, directives.

Every app's tests use these::

    from tests.meetings.factories import MeetingFactory, aware
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import Attendee, AttendeeRole, Directive, Meeting, MeetingKind
from portal.search import normalize
from tests.factories import AgencyFactory


def aware(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class MeetingFactory(DjangoModelFactory):
    """A planned interagency meeting (pass ``state=`` for another); ``reviewed=[regulation, ...]``
    links the regulations it reviews."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    kind = MeetingKind.INTERAGENCY
    title = factory.Sequence(lambda n: f"Họp liên ngành số {n}")
    starts_at = factory.LazyFunction(lambda: aware(2024, 1, 5, 8))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    place = "Hội trường Viện kiểm sát"
    host_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda m: m.host_agency.locality)
    search_text = factory.LazyAttribute(lambda m: normalize(m.title))

    @factory.post_generation
    def reviewed(self, create, extracted, **kwargs):
        if create and extracted:
            self.regulations.set(extracted)


class AttendeeFactory(DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    role = AttendeeRole.ATTENDEE


class DirectiveFactory(DjangoModelFactory):
    """An open directive of a new meeting, assigned to no agency unless ``assigned_agency=`` is given."""

    class Meta:
        model = Directive

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Nhiệm vụ số {n}")
    locality = factory.LazyAttribute(lambda d: d.meeting.locality)
