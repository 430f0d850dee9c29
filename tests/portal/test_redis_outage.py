"""Issue 18, point 2: Redis is a cache and a broker; a save never needs it.

The cache and the broker point at a port where nothing listens (as during an outage). A meeting and a
regulation are still saved, the dashboard's figures follow them (they live in the database, recounted
after the commit), /tong-quan/ answers without its cache, the reminders' task that could not be handed
to the broker waits in the outbox and goes out once the broker is back (the sweep), and a register job
started meanwhile fails at once with a Vietnamese message instead of staying queued for ever."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards import selectors
from meetings import services as meeting_services
from meetings.models import MeetingKind, MeetingState
from portal import cache as portal_cache
from portal import events
from portal.celery import app as celery_app
from portal.models import PendingEvent
from portal.settings.base import redis_cache
from regulations import jobs
from regulations import services as regulation_services
from regulations.models import PartyRole, RegisterJob, RegisterJobState
from tests.regulations.factories import RegulationFactory

DEAD = "redis://127.0.0.1:1/0"  # nothing listens there

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch) -> Iterator[Callable[[], None]]:
    """The cache and the broker unreachable; calling the fixture's value brings the broker back."""
    settings.CACHES = {"default": redis_cache(DEAD)}
    good = (celery_app.conf.broker_url, celery_app.conf.broker_write_url)

    def broker(url: str | None, write_url: str | None) -> None:
        # The write URL first: read before the URL changes, it is what the teardown restores.
        monkeypatch.setattr(celery_app.conf, "broker_write_url", write_url)
        monkeypatch.setattr(celery_app.conf, "broker_url", url)
        monkeypatch.setattr(celery_app, "_pool", None)  # connections are pooled per broker URL
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)

    broker(DEAD, DEAD)
    yield lambda: broker(*good)


def party(agency, role=PartyRole.PARTY) -> dict:
    return {"agency": agency, "role": role, "signatory_name": "", "signatory_title": "", "signing_capacity": ""}


def year(today: datetime.date) -> selectors.Period:
    return selectors.Period("year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), today.year)


def test_a_meeting_and_a_regulation_are_saved_and_counted_while_redis_is_down(
    world, redis_down, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], signed_on=datetime.date(2020, 1, 1))
    before = selectors.build(world.kh_leader, None, year(today), today).totals  # builds the tallies
    errors_before = portal_cache.errors()
    with django_capture_on_commit_callbacks(execute=True):
        regulation = regulation_services.create_regulation(
            world.ks_staff,
            {
                "number": "11/QCPH-VKSKS",
                "title": "Quy chế phối hợp trong lúc Redis ngừng",
                "type": "coordination_rule",
                "signed_on": datetime.date(2021, 3, 1),
                "in_force_from": datetime.date(2021, 3, 1),
                "review_interval_months": 12,
            },
            [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)],
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_services.save_meeting(
            user=world.ks_staff,
            data={
                "kind": MeetingKind.INTERAGENCY,
                "title": "Họp liên ngành trong lúc Redis ngừng",
                "starts_at": timezone.now() - datetime.timedelta(days=1),
                "host_agency": world.vks_ks,
                "state": MeetingState.HELD,
            },
        )
    assert regulation.pk and meeting.pk
    after = selectors.build(world.kh_leader, None, year(today), today).totals
    assert after["in_force"] == before["in_force"] + 1 and after["interagency"] == before["interagency"] + 1
    assert portal_cache.errors() > errors_before  # each cache call failed, was logged and counted, read as a miss
    # The reminders' recompute could not be handed to the broker: it waits in the outbox, nothing else does.
    waiting = list(PendingEvent.objects.all())
    assert waiting and all(row.subscribers == ["notifications.reminders"] and row.attempts == 1 for row in waiting)
    assert events.backlog() == {"notifications.reminders": len(waiting)}

    redis_down()  # the broker is back: the sweep hands the recompute over
    assert events.sweep(timezone.now() + datetime.timedelta(hours=1)) == len(waiting)
    assert not PendingEvent.objects.exists()


def test_the_dashboard_answers_without_its_cache(world, client_for, redis_down):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], signed_on=datetime.date(2020, 1, 1))
    response = client_for(world.kh_leader).get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert "Quy chế đang có hiệu lực" in response.content.decode()


def test_a_register_job_started_while_the_broker_is_down_fails_with_a_message(
    world, client_for, redis_down, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs.pdf, "DIRECT_MAX_ROWS", 0)  # every register goes through a job
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.ks_staff).post(reverse("regulations:register_job_start"), {"query": ""})
    assert response.status_code == 302
    job = RegisterJob.objects.get()
    assert job.state == RegisterJobState.FAILED and job.finished_at is not None
    assert job.message == jobs.MSG_QUEUE_DOWN
    page = client_for(world.ks_staff).get(reverse("regulations:register_job", args=[job.pk])).content.decode()
    assert "thử lại sau ít phút" in page
