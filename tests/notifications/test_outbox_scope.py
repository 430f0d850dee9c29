"""Security 4: a unit admin's reminder status page shows only the reminders of that unit's scope."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from notifications.models import Reminder, ReminderStatus

pytestmark = pytest.mark.django_db


def failed_reminder(user, number: str, error: str) -> Reminder:
    return Reminder.objects.create(
        kind="review",
        subject_id=1,
        stage="d7",
        due_on=datetime.date(2026, 1, 1),
        recipient=user,
        subject_number=number,
        subject_title="Quy chế phối hợp",
        status=ReminderStatus.FAILED,
        last_error=error,
    )


def test_unit_admin_sees_only_own_scope_in_the_outbox(world, client_for):
    failed_reminder(world.hg_staff, "99/QC-HG", "SMTP lỗi Hà Giang")
    failed_reminder(world.ks_staff, "12/QC-KS", "SMTP lỗi Khánh Sơn")
    body = client_for(world.ks_admin).get(reverse("notifications:status")).content.decode()
    assert "12/QC-KS" in body and "SMTP lỗi Khánh Sơn" in body
    assert "99/QC-HG" not in body and "SMTP lỗi Hà Giang" not in body


def test_supreme_admin_sees_every_unit(world, client_for):
    failed_reminder(world.hg_staff, "99/QC-HG", "SMTP lỗi Hà Giang")
    failed_reminder(world.ks_staff, "12/QC-KS", "SMTP lỗi Khánh Sơn")
    body = client_for(world.supreme_admin).get(reverse("notifications:status")).content.decode()
    assert "99/QC-HG" in body and "12/QC-KS" in body
