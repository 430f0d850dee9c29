"""Factories for the regulations app's models: fields, regulations (with their parties) and relations.

Every app's tests use these::

    from tests.regulations.factories import RegulationFactory
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from regulations import services
from regulations.models import Field, PartyRole, Regulation, RegulationParty, RegulationRelation, RelationKind
from regulations.rules import add_months
from tests.factories import AgencyFactory


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    code = factory.Sequence(lambda n: f"linh-vuc-{n}")


class RegulationFactory(DjangoModelFactory):
    """A regulation hosted by ``host_agency``, its search text and derived dates (next review due…)
    computed as the services do after a save.

    Parties: the host (``partners__host_signatory=`` names its signatory) and one new agency of the
    same locality; pass ``partners=[agency, ...]`` for chosen co-signers.
    ``due=date``: in force since 12 months before that day and never reviewed, so its review falls due
    that day. ``field_codes=[code, ...]`` tags it with those fields.
    """

    class Meta:
        model = Regulation
        skip_postgeneration_save = True

    class Params:
        due = None

    number = factory.Sequence(lambda n: f"{n:02d}/QCPH-TEST")
    title = factory.Sequence(lambda n: f"Quy chế phối hợp thử nghiệm {n}")
    host_agency = factory.SubFactory(AgencyFactory)
    locality = factory.LazyAttribute(lambda r: r.host_agency.locality)
    signed_on = factory.LazyAttribute(lambda r: add_months(r.due, -12) if r.due else datetime.date(2022, 1, 10))
    in_force_from = factory.LazyAttribute(lambda r: r.signed_on)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if not create:
            return
        RegulationParty.objects.create(
            regulation=self,
            agency=self.host_agency,
            role=PartyRole.HOST,
            order=0,
            signatory_name=kwargs.get("host_signatory", ""),
        )
        for order, agency in enumerate(extracted or [AgencyFactory(locality=self.locality)], start=1):
            RegulationParty.objects.create(regulation=self, agency=agency, role=PartyRole.PARTY, order=order)

    @factory.post_generation
    def field_codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.fields.set(Field.objects.filter(code__in=extracted))

    @factory.post_generation
    def refreshed(self, create, extracted, **kwargs):
        if create:
            services.refresh_search_text(self)
            services.refresh_derived_dates([self.pk])
            self.refresh_from_db()


class RelationFactory(DjangoModelFactory):
    class Meta:
        model = RegulationRelation

    source = factory.SubFactory(RegulationFactory)
    target = factory.SubFactory(RegulationFactory)
    kind = RelationKind.SUPERSEDES
    effective_on = datetime.date(2023, 1, 1)
