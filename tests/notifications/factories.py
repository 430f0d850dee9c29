"""Factories for the reminder tests: regulations with a chosen review due date, meetings, directives."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import Attendee, AttendeeRole, Directive, Meeting, MeetingKind, MeetingState
from regulations.models import Regulation
from regulations.rules import add_months
from regulations.services import refresh_derived_dates
from tests.factories import AgencyFactory


def vn(year: int, month: int, day: int, hour: int = 7, minute: int = 0) -> datetime.datetime:
    """An aware datetime in Vietnam time (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class RegulationFactory(DjangoModelFactory):
    """``next_review_due`` is derived by regulations.services after creation; pass ``due=`` to get a
    regulation in force since 12 months before that day, with no review held yet."""

    class Meta:
        model = Regulation

    class Params:
        due = None

    number = factory.Sequence(lambda n: f"{n + 1:02d}/2022/QCPH-VKS-TA")
    title = "Quy chế phối hợp trong công tác tiếp nhận, giải quyết tố giác, tin báo về tội phạm"
    host_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda r: r.host_agency.locality)
    signed_on = factory.LazyAttribute(lambda r: add_months(r.due, -12) if r.due else datetime.date(2022, 6, 1))
    in_force_from = factory.LazyAttribute(lambda r: r.signed_on)
    review_interval_months = 12

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        refresh_derived_dates([obj.pk])
        obj.refresh_from_db()
        return obj


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.INTERAGENCY
    title = factory.Sequence(lambda n: f"Họp liên ngành giải quyết vụ án số {n + 1}")
    starts_at = factory.LazyFunction(lambda: vn(2024, 1, 5, 8))
    host_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda m: m.host_agency.locality)
    state = MeetingState.HELD


class AttendeeFactory(DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    role = AttendeeRole.SECRETARY


class DirectiveFactory(DjangoModelFactory):
    class Meta:
        model = Directive

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Giao Vụ 15 tham mưu xây dựng báo cáo sơ kết việc thực hiện quy chế."
    assigned_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda d: d.meeting.locality)
