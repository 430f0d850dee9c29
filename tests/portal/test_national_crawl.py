"""Records created outside the forms (bulk paths) have working pages: a crawl of the national data set."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from agencies.models import Agency
from meetings.models import Meeting
from regulations.models import Regulation

SAMPLE = 8


def _sample(qs):
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // SAMPLE)
    return ids[::step][:SAMPLE]


@pytest.mark.django_db
def test_bulk_created_records_have_working_detail_pages(settings):
    call_command("generate_national_data", "--scale", "0.002", "--seed", "3")
    leader = User.objects.get(username="syn.lanhdao.toicao")
    client = Client()
    client.force_login(leader)
    pages = []
    for name, qs in [
        ("regulations:detail", Regulation.objects.all()),
        ("regulations:edit", Regulation.objects.all()),
        ("meetings:detail", Meeting.objects.all()),
        ("meetings:ics", Meeting.objects.all()),
        ("agencies:detail", Agency.objects.all()),
    ]:
        ids = _sample(qs)
        assert ids, name
        pages += [reverse(name, args=[pk]) for pk in ids]
    assert not Regulation.history.model.objects.exists()  # the bulk path leaves no history rows
    failed = []
    for url in pages:
        status = client.get(url).status_code
        if status not in (200, 403):
            failed.append((url, status))
    assert not failed, failed
    assert len(pages) >= 5 * SAMPLE - 5
