"""The API builds each row directly (``row()``) from what ``api.selectors`` prefetched; it must give
exactly what DRF's generic path gives from the declared fields, which is what the OpenAPI schema
describes."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from agencies.models import Agency, AgencySuccession
from api import selectors, serializers
from regulations.models import Field, RegulationParty, RegulationRelation
from tests.api.records import build_records

pytestmark = pytest.mark.django_db


def as_json(data: object) -> object:
    return json.loads(JSONRenderer().render(data))


CASES = [
    (serializers.AgencyBriefSerializer, lambda user, today: Agency.objects.all()),
    (serializers.AgencySerializer, lambda user, today: selectors.agencies(user)),
    (serializers.SuccessionSerializer, lambda user, today: AgencySuccession.objects.all()),
    (serializers.FieldSerializer, lambda user, today: Field.objects.all()),
    (serializers.PartySerializer, lambda user, today: RegulationParty.objects.all()),
    (serializers.RelationSerializer, lambda user, today: RegulationRelation.objects.all()),
    (serializers.RegulationSerializer, selectors.regulations),
    (serializers.MeetingSerializer, lambda user, today: selectors.meetings(user)),
    (serializers.DirectiveSerializer, lambda user, today: selectors.directives(user)),
]


@pytest.mark.parametrize(("serializer_class", "rows"), CASES, ids=[c[0].__name__ for c in CASES])
def test_rows_equal_drf_generic_output(world, serializer_class, rows) -> None:
    build_records(world)
    today = timezone.localdate()
    serializer = serializer_class(context={"today": today})
    objects = list(rows(world.supreme_admin, today))
    assert objects
    for obj in objects:
        fast, generic = as_json(serializer.row(obj)), as_json(serializer.generic_representation(obj))
        assert fast == generic, obj
        assert list(fast) == serializer_class.Meta.fields  # same keys, in the declared order
