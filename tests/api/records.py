"""Records for the API's tests: a province leader's scope holding something of every kind."""

from __future__ import annotations

import datetime

from agencies.models import SuccessionKind
from meetings.models import MeetingKind
from regulations.models import RelationKind
from tests.factories import AgencyFactory, AgencySuccessionFactory, World
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware
from tests.regulations.factories import RegulationFactory, RelationFactory


def build_records(world: World) -> None:
    """In Khánh Hòa: a dissolved district unit and its successor, regulations with a relation, a
    field and a dissolved host, a review and a meeting without an end, directives with and without a
    unit; in Hà Giang (the sibling province) one regulation."""
    ks, kh = world.vks_ks, world.vks_kh
    successor = AgencyFactory(code="VKS-KV7", name="Viện kiểm sát nhân dân khu vực 7", locality=world.khanh_son)
    dissolved = AgencyFactory(
        code="VKS-CU",
        name="Viện kiểm sát nhân dân huyện cũ",
        locality=world.khanh_son,
        active_to=datetime.date(2025, 6, 30),
    )
    AgencySuccessionFactory(predecessor=dissolved, successor=successor, kind=SuccessionKind.REPLACED_BY)
    first = RegulationFactory(
        host_agency=ks, number="01/QCPH-VKSKS", partners=[world.ta_ks], due=datetime.date(2024, 3, 1)
    )
    second = RegulationFactory(host_agency=kh, number="02/QCPH-VKSKH", partners=[world.ta_kh], field_codes=["criminal"])
    RegulationFactory(host_agency=dissolved, number="03/QCPH-CU", partners=[world.ta_ks])
    RelationFactory(source=second, target=first, kind=RelationKind.SUPERSEDES)
    review = MeetingFactory(
        host_agency=ks, kind=MeetingKind.INTERIM_REVIEW, state="held", starts_at=aware(2024, 6, 2), reviewed=[first]
    )
    MeetingFactory(host_agency=kh, ends_at=None, starts_at=aware(2025, 2, 3))
    DirectiveFactory(meeting=review, assigned_agency=ks, deadline=datetime.date(2024, 3, 1))
    DirectiveFactory(meeting=review)  # assigned to no unit
    # The sibling province's records are there too: none may come back.
    RegulationFactory(host_agency=world.vks_hg, number="07/QCPH-VKSHG", partners=[world.ta_hg])
