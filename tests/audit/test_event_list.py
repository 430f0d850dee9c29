"""The audit log filters by date (dd/mm/yyyy, inclusive), with a Vietnamese error for a wrong date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def event(user, day: datetime.date, hour: int = 10) -> AuditEvent:
    created = AuditEvent.objects.create(user=user, username=user.username, action=AuditAction.LOGIN, path="/")
    moment = datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())
    AuditEvent.objects.filter(pk=created.pk).update(created_at=moment)
    return created


def test_audit_log_filters_by_date(world, client_for, django_assert_max_num_queries) -> None:
    before = event(world.ks_staff, datetime.date(2025, 9, 14), 23)
    first = event(world.ks_staff, datetime.date(2025, 9, 15), 0)
    last = event(world.ks_staff, datetime.date(2025, 9, 16), 23)
    after = event(world.ks_staff, datetime.date(2025, 9, 17), 0)
    client = client_for(world.ks_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit:list"), {"date_from": "15092025", "date_to": "16/09/2025"})
    shown = {e.pk for e in response.context["page_obj"]}
    assert {first.pk, last.pk} <= shown and not {before.pk, after.pk} & shown
    html = response.content.decode()
    assert 'value="15/09/2025"' in html and 'value="16/09/2025"' in html


def test_audit_log_wrong_date_is_an_error_not_a_filter(world, client_for) -> None:
    response = client_for(world.ks_admin).get(reverse("audit:list"), {"date_from": "31/02/2025"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()
