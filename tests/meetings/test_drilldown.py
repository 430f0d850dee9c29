"""What the dashboard puts in a meetings-list URL is a visible filter holding that value."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.models import MeetingKind, MeetingState
from tests.meetings.factories import MeetingFactory, aware

LIST = reverse("meetings:list")


@pytest.mark.django_db
def test_dashboard_params_are_visible_filters(world, client_for):
    for kind, day, state in [
        (MeetingKind.INTERIM_REVIEW, aware(2023, 3, 1), MeetingState.HELD),
        (MeetingKind.FINAL_REVIEW, aware(2023, 9, 1), MeetingState.MINUTES_FINALISED),
        (MeetingKind.INTERIM_REVIEW, aware(2023, 10, 1), MeetingState.PLANNED),
        (MeetingKind.INTERIM_REVIEW, aware(2024, 1, 1), MeetingState.HELD),
        (MeetingKind.INTERAGENCY, aware(2023, 5, 1), MeetingState.HELD),
    ]:
        MeetingFactory(host_agency=world.vks_ks, kind=kind, starts_at=day, state=state)
    params = {
        "agency": world.vks_kh.pk,
        "kind": "reviews",
        "held": "1",
        "date_from": "01/01/2023",
        "date_to": "31/12/2023",
    }
    response = client_for(world.kh_leader).get(LIST, params)
    assert response.context["page_obj"].paginator.count == 2
    html = response.content.decode()
    assert 'name="date_from" value="01/01/2023"' in html and 'name="date_to" value="31/12/2023"' in html
    held = re.search(r'<input[^>]*name="held"[^>]*>', html).group(0)
    assert 'type="checkbox"' in held and "checked" in held, held
    assert '<option value="reviews" selected>' in html
    # An ISO date is shown in the form's own format; a wrong one is a Vietnamese error, not a 500.
    html = client_for(world.kh_leader).get(LIST, {"date_from": "2023-01-01"}).content.decode()
    assert 'name="date_from" value="01/01/2023"' in html
    response = client_for(world.kh_leader).get(LIST, {"date_from": "31/02/2023"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()
