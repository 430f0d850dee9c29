"""The data migration that backfills ``Regulation.amendment_of`` from existing "amends" relations."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from regulations.models import Regulation, RegulationRelation, RelationKind
from tests.regulations.factories import RegulationFactory

D = datetime.date
backfill = importlib.import_module("regulations.migrations.0005_backfill_amendment_of").backfill


@pytest.mark.django_db
def test_backfill_points_amendments_at_the_root(world):
    root, first, second = (
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], signed_on=day)
        for day in (D(2022, 1, 10), D(2023, 1, 10), D(2023, 6, 1))
    )
    # Rows as they were before amendment_of existed: relations recorded, every row with its own cycle.
    RegulationRelation.objects.create(source=first, target=root, kind=RelationKind.AMENDS, effective_on=D(2023, 1, 10))
    RegulationRelation.objects.create(source=second, target=first, kind=RelationKind.AMENDS, effective_on=D(2023, 6, 1))
    Regulation.objects.update(amendment_of=None)
    assert Regulation.objects.get(pk=second.pk).next_review_due is not None

    backfill(apps, None)

    rows = {r.pk: r for r in Regulation.objects.all()}
    assert rows[first.pk].amendment_of_id == root.pk and rows[second.pk].amendment_of_id == root.pk
    assert rows[first.pk].next_review_due is None and rows[second.pk].next_review_due is None
    assert rows[root.pk].amendment_of_id is None and rows[root.pk].amended_on == D(2023, 6, 1)
    assert rows[root.pk].next_review_due == D(2023, 1, 10)
