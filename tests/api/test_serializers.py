"""The API builds each row directly (``row()``); it must give exactly what DRF's generic path gives
from the declared fields, which is what the OpenAPI schema describes."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from agencies.models import Agency, AgencySuccession
from api import serializers
from meetings.models import Directive, Meeting
from regulations.models import Field, Regulation, RegulationParty, RegulationRelation
from tests.api.records import build_records

pytestmark = pytest.mark.django_db


def as_json(data: object) -> object:
    return json.loads(JSONRenderer().render(data))


CASES = [
    (serializers.AgencyBriefSerializer, Agency),
    (serializers.AgencySerializer, Agency),
    (serializers.SuccessionSerializer, AgencySuccession),
    (serializers.FieldSerializer, Field),
    (serializers.PartySerializer, RegulationParty),
    (serializers.RelationSerializer, RegulationRelation),
    (serializers.RegulationSerializer, Regulation),
    (serializers.MeetingSerializer, Meeting),
    (serializers.DirectiveSerializer, Directive),
]


@pytest.mark.parametrize(("serializer_class", "model"), CASES, ids=[c[0].__name__ for c in CASES])
def test_rows_equal_drf_generic_output(world, serializer_class, model) -> None:
    build_records(world)
    serializer = serializer_class(context={"today": timezone.localdate()})
    objects = list(model.objects.order_by("pk"))
    assert objects
    for obj in objects:
        fast, generic = as_json(serializer.row(obj)), as_json(serializer.generic_representation(obj))
        assert fast == generic, obj
        assert list(fast) == serializer_class.Meta.fields  # same keys, in the declared order
