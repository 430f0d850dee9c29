"""Security 9: repeated requests for other units' records (404, like missing ones) leave a trace."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_repeated_out_of_scope_hits_are_logged_per_user(world, client_for):
    foreign = [RegulationFactory(host_agency=world.vks_hg) for _ in range(3)]
    staff = client_for(world.ks_staff)
    for reg in foreign[:2]:
        assert staff.get(reverse("regulations:detail", args=[reg.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PROBE).exists()
    assert staff.get(reverse("regulations:detail", args=[foreign[2].pk])).status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.PROBE)
    assert event.user == world.ks_staff and "ngoài phạm vi" in event.detail and str(foreign[2].pk) in event.detail
    # another user's count is their own
    assert client_for(world.kh_staff).get(reverse("regulations:detail", args=[foreign[0].pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PROBE).count() == 1
    for _ in range(7):
        staff.get(reverse("regulations:detail", args=[foreign[0].pk]))
    assert AuditEvent.objects.filter(action=AuditAction.PROBE, user=world.ks_staff).count() == 2  # 3rd and 10th


def test_missing_ids_are_not_probing(world, client_for):
    staff = client_for(world.ks_staff)
    for pk in range(900_000, 900_005):
        assert staff.get(reverse("regulations:detail", args=[pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PROBE).exists()
