"""``build_dashboard_world``: two provinces with regional units and records in several years, made with
the owning apps' factories (tests.regulations.factories, tests.meetings.factories)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from accounts.models import Role
from agencies.models import AgencyKind, AgencyLevel, LocalityLevel
from meetings.models import DirectiveState, MeetingKind, MeetingState
from regulations.models import Field, Regulation
from regulations.services import refresh_derived_dates
from tests.factories import AgencyFactory, LocalityFactory, UserFactory, World, build_world
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.regulations.factories import FieldFactory, RegulationFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int = 6, day: int = 15, hour: int = 8) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


@dataclass
class DashWorld:
    world: World
    regions: dict = field(default_factory=dict)  # name -> (locality, procuracy, court)
    today: datetime.date = field(default_factory=datetime.date.today)


def build_dashboard_world() -> DashWorld:
    """Khánh Hòa: Khu vực 1 (with Khánh Sơn district dissolved under it) and Khu vực 2; Hà Giang: Khu vực 3.
    Each unit hosts regulations (in force, overdue, due soon, superseded), meetings of every kind
    in several years (held, planned, cancelled) and directives (open, done, overdue)."""
    w = build_world()
    today = datetime.date.today()
    dw = DashWorld(world=w, today=today)
    # Khánh Sơn (district) was dissolved and hangs under regional unit 1 of Khánh Hòa.
    kv1 = LocalityFactory(name="Khu vực 1 - Khánh Hòa", level=LocalityLevel.REGION, parent=w.khanh_hoa)
    w.khanh_son.parent = kv1
    w.khanh_son.active_to = datetime.date(2025, 6, 30)
    w.khanh_son.save()
    kv2 = LocalityFactory(name="Khu vực 2 - Khánh Hòa", level=LocalityLevel.REGION, parent=w.khanh_hoa)
    kv3 = LocalityFactory(name="Khu vực 3 - Hà Giang", level=LocalityLevel.REGION, parent=w.ha_giang)
    for code, loc, parent_vks in (("KV1KH", kv1, w.vks_kh), ("KV2KH", kv2, w.vks_kh), ("KV3HG", kv3, w.vks_hg)):
        vks = AgencyFactory(
            code=f"VKS-{code}",
            name=f"Viện kiểm sát nhân dân {loc.name}",
            kind=AgencyKind.PROCURACY,
            level=AgencyLevel.REGIONAL,
            locality=loc,
            parent=parent_vks,
            document_symbol=f"VKS{code}",
        )
        ta = AgencyFactory(
            code=f"TA-{code}",
            name=f"Tòa án nhân dân {loc.name}",
            kind=AgencyKind.COURT,
            level=AgencyLevel.REGIONAL,
            locality=loc,
        )
        ca = AgencyFactory(
            code=f"CA-{code}",
            name=f"Cơ quan CSĐT {loc.name}",
            kind=AgencyKind.POLICE_INVESTIGATION,
            level=AgencyLevel.REGIONAL,
            locality=loc,
        )
        dw.regions[code] = (loc, vks, ta, ca)
    w.users["kv1_staff"] = UserFactory(username="kv1.staff", agency=dw.regions["KV1KH"][1], role=Role.STAFF)
    w.users["kv1_leader"] = UserFactory(username="kv1.leader", agency=dw.regions["KV1KH"][1], role=Role.LEADER)

    seeded = list(Field.objects.order_by("order", "pk")[:2])  # the migration seeds the fields
    criminal = seeded[0] if seeded else FieldFactory()
    civil = seeded[1] if len(seeded) > 1 else FieldFactory()
    this_year = today.year
    hosts = [
        (w.vks_tc, w.ta_tc),
        (w.vks_kh, w.ta_kh),
        (w.vks_ks, w.ta_ks),
        (w.vks_hg, w.ta_hg),
        (dw.regions["KV1KH"][1], dw.regions["KV1KH"][3]),
        (dw.regions["KV2KH"][1], dw.regions["KV2KH"][2]),
        (dw.regions["KV3HG"][1], dw.regions["KV3HG"][2]),
    ]
    for n, (host, partner) in enumerate(hosts):
        # in force, review not due
        fresh = RegulationFactory(
            host_agency=host,
            partners=[partner],
            field_codes=[criminal.code],
            signed_on=today - datetime.timedelta(days=60),
        )
        # overdue: in force since long ago, never reviewed
        old = RegulationFactory(
            host_agency=host,
            partners=[partner],
            field_codes=[civil.code, criminal.code],
            signed_on=datetime.date(2018 + n % 3, 3, 1),
        )
        # due soon
        RegulationFactory(
            host_agency=host,
            partners=[partner],
            field_codes=[civil.code],
            signed_on=today - datetime.timedelta(days=350),
            review_interval_months=12,
        )
        # superseded (not live): replaced by ``fresh``
        gone = RegulationFactory(host_agency=host, partners=[partner], signed_on=datetime.date(2015, 1, 5))
        fresh.outgoing_relations.create(target=gone, kind="supersedes", effective_on=fresh.signed_on)
        for year in (this_year - 3, this_year - 1, this_year):
            MeetingFactory(
                host_agency=host,
                kind=MeetingKind.INTERIM_REVIEW,
                starts_at=at(year, 2, 10 + n),
                state=MeetingState.HELD,
                reviewed=[old] if year < this_year else [],
            )
            MeetingFactory(
                host_agency=host, kind=MeetingKind.INTERAGENCY, starts_at=at(year, 1, 5 + n), state=MeetingState.HELD
            )
            MeetingFactory(
                host_agency=host,
                kind=MeetingKind.INTERAGENCY,
                starts_at=at(year, 1, 6 + n),
                state=MeetingState.MINUTES_FINALISED,
            )
        MeetingFactory(
            host_agency=host,
            kind=MeetingKind.FINAL_REVIEW,
            starts_at=at(this_year, 1, 20 + n),
            state=MeetingState.MINUTES_FINALISED,
        )
        MeetingFactory(
            host_agency=host, kind=MeetingKind.SIGNING, starts_at=at(this_year, 1, 3 + n), state=MeetingState.HELD
        )
        MeetingFactory(
            host_agency=host, kind=MeetingKind.INTERAGENCY, starts_at=at(this_year, 1, 2), state=MeetingState.CANCELLED
        )
        MeetingFactory(
            host_agency=host, kind=MeetingKind.LESSONS_LEARNED, starts_at=at(this_year, 1, 2), state=MeetingState.HELD
        )
        meeting = MeetingFactory(
            host_agency=host, kind=MeetingKind.WORK_REVIEW, starts_at=at(this_year - 1, 1, 2), state=MeetingState.HELD
        )
        DirectiveFactory(meeting=meeting, number=1, deadline=today + datetime.timedelta(days=10))
        DirectiveFactory(meeting=meeting, number=2, deadline=today - datetime.timedelta(days=5))
        DirectiveFactory(
            meeting=meeting,
            number=3,
            deadline=today - datetime.timedelta(days=50),
            state=DirectiveState.DONE,
            completed_on=today - datetime.timedelta(days=40),
        )
        refresh_derived_dates([fresh.pk, old.pk, gone.pk])
    refresh_derived_dates(Regulation.objects.values_list("pk", flat=True))
    return dw
