"""The dashboard's summary table equals the raw counts after any sequence of writes."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import selectors, tallies
from dashboards.models import TallyState
from meetings import services as meeting_services
from meetings.models import Directive, DirectiveState, Meeting, MeetingKind, MeetingState
from portal import events
from regulations.models import Field, Regulation, RegulationRelation, RelationKind
from regulations.services import refresh_derived_dates
from tests.dashboards.factories import at, build_dashboard_world
from tests.dashboards.helpers import raw_rows, stored_rows
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.regulations.factories import RegulationFactory


def random_write(rng: random.Random, dw) -> str:
    w = dw.world
    hosts = [w.vks_kh, w.vks_ks, w.vks_hg, w.vks_tc, *(r[1] for r in dw.regions.values())]
    partners = [w.ta_kh, w.ta_hg, *(r[2] for r in dw.regions.values())]
    action = rng.choice(
        [
            "new_meeting",
            "move_meeting",
            "state",
            "delete_meeting",
            "directive",
            "move_directive",
            "regulation",
            "relation",
            "review",
            "delete_regulation",
            "fields",
        ]
    )
    meetings = list(Meeting.objects.order_by("pk"))
    if action == "new_meeting":
        MeetingFactory(
            host_agency=rng.choice(hosts),
            kind=rng.choice(list(MeetingKind.values)),
            state=rng.choice([MeetingState.HELD, MeetingState.PLANNED, MeetingState.MINUTES_FINALISED]),
            starts_at=at(rng.randint(2016, dw.today.year), rng.randint(1, 12), rng.randint(1, 28)),
        )
    elif action == "move_meeting":
        meeting = rng.choice(meetings)
        meeting.host_agency = rng.choice(hosts)
        meeting.locality_id = meeting.host_agency.locality_id
        meeting.starts_at = at(rng.randint(2016, dw.today.year), rng.randint(1, 12), rng.randint(1, 28))
        meeting.save()
    elif action == "state":
        meeting = rng.choice(meetings)
        meeting.state = rng.choice(list(MeetingState.values))
        meeting.save(update_fields=["state"])
    elif action == "delete_meeting":
        meeting_services.delete_meeting(rng.choice([m for m in meetings if not m.documents.exists()]))
    elif action == "directive":
        directive = rng.choice(list(Directive.objects.all()) or [None])
        if directive is None or rng.random() < 0.4:
            DirectiveFactory(
                meeting=rng.choice(meetings),
                number=rng.randint(10, 10_000),
                deadline=dw.today + datetime.timedelta(days=rng.randint(-90, 90)),
            )
        elif directive.state == DirectiveState.OPEN:
            meeting_services.mark_directive_done(directive, note="xong")
        else:
            meeting_services.reopen_directive(directive)
    elif action == "move_directive":
        directive = Directive.objects.order_by("?").first()
        directive.locality_id = rng.choice(hosts).locality_id
        directive.deadline = dw.today + datetime.timedelta(days=rng.randint(-60, 60))
        directive.save()
    elif action == "regulation":
        reg = RegulationFactory(
            host_agency=rng.choice(hosts),
            partners=[rng.choice(partners)],
            signed_on=datetime.date(rng.randint(2015, dw.today.year - 1), rng.randint(1, 12), 1),
            review_interval_months=rng.choice([6, 12, 24]),
        )
        refresh_derived_dates([reg.pk])
    elif action == "relation":
        # Chosen by the seeded generator (not the database's random order), and a pair already linked
        # this way is left as it is: the relation may exist only once.
        source, target = rng.sample(list(Regulation.objects.order_by("pk")), 2)
        kind = rng.choice(["amends", "supersedes", "repeals"])
        source.outgoing_relations.get_or_create(
            target=target, kind=kind, defaults={"effective_on": dw.today - datetime.timedelta(days=3)}
        )
        if kind == "amends" and rng.random() < 0.5:
            source.amendment_of = target
            source.save()
        refresh_derived_dates([source.pk, target.pk])
    elif action == "review":
        reg = Regulation.objects.order_by("?").first()
        MeetingFactory(
            host_agency=reg.host_agency,
            kind=MeetingKind.INTERIM_REVIEW,
            state=MeetingState.HELD,
            starts_at=at(dw.today.year, 1, 2),
            reviewed=[reg],
        )
        refresh_derived_dates([reg.pk])
    elif action == "delete_regulation":
        reg = (
            Regulation.objects.filter(
                meetings__isnull=True, incoming_relations__isnull=True, outgoing_relations__isnull=True
            )
            .order_by("?")
            .first()
        )
        if reg is not None:
            reg.delete()
    else:
        reg = Regulation.objects.order_by("?").first()
        reg.fields.set(rng.sample(list(Field.objects.all()), 2))
    return action


@pytest.mark.django_db(transaction=False)
def test_tallies_equal_raw_counts_after_random_writes(django_capture_on_commit_callbacks):
    """After each write has been announced and its events delivered (as after a commit)."""
    dw = build_dashboard_world()
    assert TallyState.objects.count() == 0
    call_command("rebuild_dashboard_tallies", stdout=open("/dev/null", "w"))  # noqa: SIM115
    day = TallyState.objects.get().as_of
    assert stored_rows() == raw_rows(day)
    rng = random.Random(20251)
    done = []
    for _step in range(60):
        with django_capture_on_commit_callbacks(execute=True):  # the write commits: its events are delivered
            done.append(random_write(rng, dw))
        assert stored_rows() == raw_rows(day), done
    assert len(set(done)) >= 8  # the walk really exercised most kinds of write


def test_dashboard_figures_follow_writes_without_rebuild(db, django_capture_on_commit_callbacks):
    """A read builds the tallies; later writes through the services show as soon as they commit (no rebuild)."""
    dw = build_dashboard_world()
    w, today = dw.world, dw.today
    period = selectors.Period("year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), today.year)
    before = selectors.build(w.kh_leader, None, period, today).totals
    with django_capture_on_commit_callbacks(execute=True):
        MeetingFactory(
            host_agency=w.vks_ks, kind=MeetingKind.INTERAGENCY, state=MeetingState.HELD, starts_at=at(today.year, 1, 9)
        )
    directive = Directive.objects.filter(locality__path__startswith=w.khanh_hoa.path, state=DirectiveState.OPEN).first()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.mark_directive_done(directive, note="xong")
    after = selectors.build(w.kh_leader, None, period, today).totals
    assert after["interagency"] == before["interagency"] + 1
    assert after["directives_done"] == before["directives_done"] + 1
    assert after["directives_open"] == before["directives_open"] - 1


def test_standing_figures_are_recounted_on_a_new_day(db):
    dw = build_dashboard_world()
    w, today = dw.world, dw.today
    period = selectors.Period("year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), today.year)
    selectors.build(w.supreme_leader, None, period, today)
    later = today + datetime.timedelta(days=60)
    dash = selectors.build(w.supreme_leader, None, period, later)
    assert TallyState.objects.get().as_of == later
    want = Directive.objects.overdue(later).count()
    assert dash.totals["directives_overdue"] == want > 0


def test_amending_documents_are_never_counted(db, django_capture_on_commit_callbacks):
    dw = build_dashboard_world()
    w, today = dw.world, dw.today
    period = selectors.Period("year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), today.year)
    before = selectors.build(w.kh_leader, None, period, today).totals
    base = Regulation.objects.filter(host_agency=w.vks_kh).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        amending = RegulationFactory(host_agency=w.vks_kh, partners=[w.ta_kh], signed_on=datetime.date(2019, 1, 1))
        RegulationRelation.objects.create(
            source=amending, target=base, kind=RelationKind.AMENDS, effective_on=datetime.date(2019, 1, 1)
        )
        refresh_derived_dates([amending.pk, base.pk])
    amending.refresh_from_db()
    assert amending.amendment_of == base
    after = selectors.build(w.kh_leader, None, period, today).totals
    assert {k: after[k] for k in ("in_force", "overdue", "due_soon")} == {
        k: before[k] for k in ("in_force", "overdue", "due_soon")
    }
    assert after["amended"] == before["amended"] + 1  # the base regulation, in force as amended


def test_a_write_costs_the_same_queries_whatever_the_data_size(db, django_capture_on_commit_callbacks):
    """Recounting a locality reads that locality's records only: the cost of a save (with the recount
    its event brings after the commit) does not grow."""
    with django_capture_on_commit_callbacks(execute=True):  # the world's own events are delivered first
        dw = build_dashboard_world()
    w, today = dw.world, dw.today
    tallies.rebuild(today)

    def save_one():
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
            MeetingFactory(
                host_agency=w.vks_kh,
                kind=MeetingKind.INTERAGENCY,
                state=MeetingState.HELD,
                starts_at=at(today.year, 3, 3),
            )
        return len(ctx.captured_queries)

    before = save_one()
    with django_capture_on_commit_callbacks(execute=True):
        more_data(w, today)
    assert save_one() == before
    assert stored_rows() == raw_rows(today)


def more_data(w, today: datetime.date) -> None:
    for n in range(20):
        MeetingFactory(
            host_agency=w.vks_hg,
            kind=MeetingKind.INTERIM_REVIEW,
            state=MeetingState.HELD,
            starts_at=at(today.year - 1, 1 + n % 12, 5),
        )
        RegulationFactory(host_agency=w.vks_tc, partners=[w.ta_tc], signed_on=datetime.date(2020, 1, 1 + n))


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_keep_the_tallies_exact():
    """Two transactions saving meetings and directives in the same localities at the same time
    (PostgreSQL, real concurrency): no increment is lost."""
    import threading

    from django.db import close_old_connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    dw = build_dashboard_world()
    w, today = dw.world, dw.today
    tallies.rebuild(today)
    meeting = Meeting.objects.filter(host_agency=w.vks_kh).first()
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for k in range(5):
                with transaction.atomic():
                    MeetingFactory(
                        host_agency=w.vks_kh if k % 2 else w.vks_ks,
                        kind=MeetingKind.INTERAGENCY,
                        state=MeetingState.HELD,
                        starts_at=at(today.year, 4, 1 + n),
                    )
                    DirectiveFactory(
                        meeting=meeting, number=1000 + 10 * n + k, deadline=today - datetime.timedelta(days=k)
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert stored_rows() == raw_rows(today)


@pytest.mark.django_db(transaction=False)
def test_batched_writes_recount_once_and_stay_exact(monkeypatch, django_capture_on_commit_callbacks):
    """An import batches its events (``events.batch``): one recount per family when the block's
    transaction commits, the same figures as recounting after every save, and nothing when the block
    fails."""
    dw = build_dashboard_world()
    call_command("rebuild_dashboard_tallies", stdout=open("/dev/null", "w"))  # noqa: SIM115
    day = TallyState.objects.get().as_of
    recounts = []
    real_count_own = tallies.count_own
    monkeypatch.setattr(
        tallies, "count_own", lambda family, ids, on: recounts.append(family) or real_count_own(family, ids, on)
    )
    rng = random.Random(7)
    with django_capture_on_commit_callbacks(execute=True):
        with events.batch(as_event=events.IMPORT_FINISHED):
            for _step in range(25):
                random_write(rng, dw)
        assert not recounts  # nothing recounted before the commit
    assert len(recounts) == len(set(recounts)) <= len(tallies.FAMILIES)
    assert stored_rows() == raw_rows(day)

    before = stored_rows()
    with django_capture_on_commit_callbacks(execute=True) as delivered:
        with pytest.raises(RuntimeError), events.batch(as_event=events.IMPORT_FINISHED):
            RegulationFactory(host_agency=Regulation.objects.first().host_agency)
            raise RuntimeError("the import failed half way")
    assert delivered == []  # nothing published: the caller's transaction rolls the rows back
    assert stored_rows() == before  # and nothing recounted
