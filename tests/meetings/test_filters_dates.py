"""A reversed date range on the meeting list is an error that says so, not an empty list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_reversed_dates_say_so(world, client_for) -> None:
    response = client_for(world.ks_staff).get(reverse("meetings:list") + "?date_from=01/01/2026&date_to=01/01/2025")
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
