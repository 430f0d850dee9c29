"""The meeting's state changes only through the workflow (issue 12 item 6, issue 11 item 4)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import services
from meetings.models import MeetingState
from tests.meetings.factories import MeetingFactory

# (state the meeting is in, state forced by POST) that the workflow never allows by hand.
FORBIDDEN = [
    (MeetingState.HELD, MeetingState.MINUTES_FINALISED),
    (MeetingState.PLANNED, MeetingState.MINUTES_FINALISED),
    (MeetingState.CANCELLED, MeetingState.MINUTES_FINALISED),
    (MeetingState.CANCELLED, MeetingState.HELD),
    (MeetingState.MINUTES_FINALISED, MeetingState.HELD),
    (MeetingState.MINUTES_FINALISED, MeetingState.PLANNED),
    (MeetingState.MINUTES_FINALISED, MeetingState.CANCELLED),
    (MeetingState.HELD, "bogus"),
]
# Who posts, and what they get: writers of the meeting's unit get a clear message; a leader of the
# unit 403; another province 404.
ROLES = [("ks_staff", 302), ("ks_clerk", 302), ("ks_admin", 302), ("ks_leader", 403), ("hg_staff", 404)]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "forced"), FORBIDDEN)
@pytest.mark.parametrize(("who", "status"), ROLES)
def test_forbidden_transition_answers_and_changes_nothing(world, client_for, start, forced, who, status):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=start)
    before = meeting.updated_at
    response = client_for(world.users[who]).post(f"/hoi-nghi/{meeting.pk}/trang-thai/", {"state": forced})
    assert response.status_code == status
    if status == 302:
        errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert len(errors) == 1 and (
            "Không thể" in errors[0].message
            or "chỉ có được khi ban hành" in errors[0].message
            or "không hợp lệ" in errors[0].message
        )
    meeting.refresh_from_db()
    assert meeting.state == start and meeting.updated_at == before


@pytest.mark.django_db
def test_service_refuses_without_the_view(world):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    with pytest.raises(ValidationError, match="ban hành biên bản"):
        services.set_state(meeting, MeetingState.MINUTES_FINALISED)
    with pytest.raises(PermissionDenied):
        services.set_state(meeting, MeetingState.CANCELLED, user=world.users["ks_leader"])
    with pytest.raises(PermissionDenied):
        services.set_state(meeting, MeetingState.CANCELLED, user=world.users["hg_staff"])
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


@pytest.mark.django_db
def test_minutes_finalised_only_by_issuing_minutes_and_issued_meetings_are_frozen(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    notice = services.save_document_draft(user=None, meeting=meeting, doc_type="TB", data={})
    services.finalise_document(notice, user=None, render=False)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    # With an issued document the meeting cannot be cancelled or sent back to planned.
    client = client_for(world.users["ks_staff"])
    for state in (MeetingState.CANCELLED, MeetingState.PLANNED):
        client.post(f"/hoi-nghi/{meeting.pk}/trang-thai/", {"state": state})
        meeting.refresh_from_db()
        assert meeting.state == MeetingState.HELD
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert 'name="state"' not in page
    minutes = services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={})
    services.finalise_document(minutes, user=None, render=False)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.MINUTES_FINALISED


@pytest.mark.django_db
def test_allowed_transitions_still_work(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.PLANNED)
    client = client_for(world.users["ks_staff"])
    client.post(f"/hoi-nghi/{meeting.pk}/trang-thai/", {"state": MeetingState.HELD})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["ks_staff", "ks_leader", "hg_staff", "kh_staff"])
def test_only_the_units_clerks_issue_or_correct_even_through_the_service(world, who):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    draft = services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={})
    with pytest.raises(PermissionDenied):
        services.finalise_document(draft, user=world.users[who], render=False)
    draft.refresh_from_db()
    meeting.refresh_from_db()
    assert draft.serial is None and meeting.state == MeetingState.HELD
    issued = services.finalise_document(draft, user=world.users["ks_clerk"], render=False)
    with pytest.raises(PermissionDenied):
        services.start_correction(issued, user=world.users[who])
    assert not issued.corrections.exists()
