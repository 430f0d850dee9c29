"""Who issues a document and into which register: the unit carrying the host's work on the issue
date, the issue year's register, never a closed year's (meetings.issuing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, AgencyKind, AgencyLevel
from meetings import issuing, services
from meetings.models import DocumentStatus, NumberSequence
from tests.factories import AgencyFactory, AgencySuccessionFactory
from tests.meetings.factories import MeetingFactory, aware, filled_correction

pytestmark = pytest.mark.django_db

DISSOLVED = datetime.date(2025, 6, 30)


@pytest.fixture
def region(world) -> Agency:
    """VKSND huyện Khánh Sơn dissolved on 30/6/2025; VKSND khu vực 7 - Khánh Hòa carries its work."""
    kv7 = AgencyFactory(
        code="VKS-KV7",
        name="Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa",
        short_name="VKSND khu vực 7 - Khánh Hòa",
        kind=AgencyKind.PROCURACY,
        level=AgencyLevel.REGIONAL,
        locality=world.khanh_hoa,
        parent=world.vks_kh,
        place_name="Khánh Hòa",
        document_symbol="VKSKV7",
        active_from=datetime.date(2025, 7, 1),
    )
    Agency.objects.filter(pk=world.vks_ks.pk).update(active_to=DISSOLVED)
    world.vks_ks.refresh_from_db()
    AgencySuccessionFactory(predecessor=world.vks_ks, successor=kv7, effective_on=datetime.date(2025, 7, 1))
    return kv7


def _notice_of_2023(world):
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    draft = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={"issued_on": datetime.date(2023, 9, 20), "subject": "Kết luận họp liên ngành"},
    )
    return services.finalise_document(draft, user=None, render=False)


def test_issuer_is_the_host_before_and_the_successor_after_the_dissolution(world, region):
    assert issuing.issuer_on(world.vks_ks, DISSOLVED) == world.vks_ks
    assert issuing.issuer_on(world.vks_ks, DISSOLVED + datetime.timedelta(days=1)) == region
    assert issuing.issuer_on(world.vks_hg, datetime.date(2026, 1, 1)) == world.vks_hg


def test_2026_correction_letter_of_a_2023_notice_is_issued_by_the_successor(world, region):
    notice = _notice_of_2023(world)
    assert notice.number_display == "01/TB-VKSKS" and notice.year == 2023
    letter = filled_correction(services.start_correction(notice, user=None))
    assert letter.issued_on == timezone.localdate()
    assert letter.issuing_agency == region
    assert letter.issuing_name == "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 7 - KHÁNH HÒA"
    assert letter.governing_name == "VIỆN KIỂM SÁT NHÂN DÂN TỈNH KHÁNH HÒA"
    letter = services.finalise_document(letter, user=None, render=False, historical=False)
    assert letter.number_display == "01/VKSKV7" and letter.year == timezone.localdate().year
    assert NumberSequence.objects.filter(agency=region, doc_type="CV", year=letter.year).exists()
    assert not NumberSequence.objects.filter(agency=world.vks_ks, doc_type="CV").exists()
    # The original and the meeting keep the historical name; the letter says whose notice it corrects.
    notice.refresh_from_db()
    assert notice.issuing_agency == world.vks_ks and notice.issuing_name == "VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KHÁNH SƠN"
    assert notice.status == DocumentStatus.CORRECTED and notice.meeting.host_agency == world.vks_ks
    assert "Viện kiểm sát nhân dân huyện Khánh Sơn ban hành thông báo số 01/TB-VKSKS" in letter.body


def test_new_document_of_an_old_meeting_is_headed_by_the_unit_issuing_today(world, region):
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    draft = services.default_document(meeting, "BB")
    assert draft.issued_on == timezone.localdate()
    assert (draft.issuing_agency, draft.symbol) == (region, "BB-VKSKV7")
    # Dated back before the dissolution, it is the host's again.
    saved = services.save_document_draft(
        user=None, meeting=meeting, doc_type="BB", data={"issued_on": datetime.date(2023, 9, 15)}
    )
    assert saved.issuing_agency == world.vks_ks and saved.issuing_name.endswith("HUYỆN KHÁNH SƠN")


def test_a_past_years_register_is_closed_and_nothing_is_dated_before_its_meeting(world):
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    draft = services.save_document_draft(
        user=None, meeting=meeting, doc_type="TB", data={"issued_on": datetime.date(2023, 9, 15)}
    )
    with pytest.raises(ValidationError) as info:
        services.finalise_document(draft, user=world.ks_clerk, render=False)
    assert "Sổ đăng ký văn bản năm 2023 đã khóa" in info.value.messages[0]
    assert not NumberSequence.objects.exists()
    draft.issued_on = datetime.date(2023, 9, 14)
    draft.save()
    with pytest.raises(ValidationError) as info:
        services.finalise_document(draft, user=None, render=False)
    assert "trước ngày họp 15/09/2023" in info.value.messages[0]
    draft.issued_on = timezone.localdate()
    draft.save()
    issued = services.finalise_document(draft, user=world.ks_clerk, render=False)
    assert issued.year == timezone.localdate().year and issued.serial == 1


def test_form_refuses_a_closed_year_and_keeps_what_was_typed(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    client = client_for(world.ks_clerk)
    response = client.post(
        f"/hoi-nghi/{meeting.pk}/van-ban/TB/soan/",
        {"subject": "Kết luận đã gõ", "issuing_name": "X", "place_name": "Khánh Sơn", "issued_on": "15/09/2023"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Sổ đăng ký văn bản năm 2023 đã khóa" in page
    assert "Kết luận đã gõ" in page and not meeting.documents.exists()


def test_confirmation_shows_the_register_the_document_will_take(world, region, client_for):
    notice = _notice_of_2023(world)
    letter = filled_correction(services.start_correction(notice, user=None))
    page = client_for(world.supreme_admin).get(f"/hoi-nghi/van-ban/{letter.pk}/ban-hanh/").content.decode()
    year = timezone.localdate().year
    assert f"Sổ công văn đính chính năm {year} của Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa" in page
    assert "01/VKSKV7" in page and "Xác nhận ban hành" in page
    letter.issued_on = datetime.date(2023, 12, 1)
    letter.save()
    page = client_for(world.supreme_admin).get(f"/hoi-nghi/van-ban/{letter.pk}/ban-hanh/").content.decode()
    assert "Sổ công văn đính chính năm 2023 của Viện kiểm sát nhân dân huyện Khánh Sơn" in page
    assert "đã khóa" in page and "Xác nhận ban hành" not in page


def test_notice_is_signed_for_the_unit_and_sent_to_the_units_that_attended(world, client_for):
    from tests.factories import PersonFactory
    from tests.meetings.factories import AttendeeFactory

    PersonFactory(full_name="Phạm Văn Kiên", position="Viện trưởng", agency=world.vks_ks)
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    AttendeeFactory(meeting=meeting, full_name="Bùi Văn Đức", agency=world.vks_ks, role="chair")
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Thị Hằng", agency=world.ta_ks)
    minutes = services.default_document(meeting, "BB")
    assert (minutes.signer_title, minutes.cosigner_title, minutes.signer_capacity) == ("CHỦ TRÌ", "THƯ KÝ", "")
    notice = services.default_document(meeting, "TB")
    assert (notice.signer_capacity, notice.signer_title, notice.signer_name) == ("", "VIỆN TRƯỞNG", "Phạm Văn Kiên")
    assert notice.lines("recipients_report") == [world.vks_kh.name]
    assert notice.lines("recipients_act") == [world.ta_ks.name] and notice.filed_line == "Lưu: VT."
    client = client_for(world.ks_clerk)
    url = f"/hoi-nghi/{meeting.pk}/van-ban/TB/soan/"
    form = client.get(url).content.decode()
    assert "Thẩm quyền ký" in form and "TUQ." in form and "Phạm Văn Kiên" in form
    typed = {"subject": "Kết luận", "issuing_name": "X", "place_name": "Khánh Sơn"}
    typed |= {"issued_on": timezone.localdate().strftime("%d/%m/%Y"), "signer_title": "PHÓ VIỆN TRƯỞNG"}
    response = client.post(url, {**typed, "signer_authority": "KT.", "signer_for": " "})
    assert response.status_code == 200 and "Chọn thẩm quyền KT. thì phải ghi chức vụ" in response.content.decode()
    assert "PHÓ VIỆN TRƯỞNG" in response.content.decode() and not meeting.documents.exists()
    signed = {"signer_authority": "TL.", "signer_for": "viện trưởng", "signer_title": "CHÁNH VĂN PHÒNG"}
    client.post(url, {**typed, **signed})
    saved = meeting.documents.get()
    assert (saved.signer_capacity, saved.signer_title) == ("TL. VIỆN TRƯỞNG", "CHÁNH VĂN PHÒNG")
    assert "Thẩm quyền ký" not in client.get(f"/hoi-nghi/{meeting.pk}/van-ban/BB/soan/").content.decode()


def test_letter_of_minutes_signed_by_the_chair_is_signed_by_the_head_of_the_issuing_unit(world, region):
    from tests.factories import PersonFactory

    PersonFactory(full_name="Lê Thị Thu", position="Viện trưởng", agency=region)
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15))
    minutes = services.save_document_draft(
        user=None, meeting=meeting, doc_type="BB", data={"issued_on": datetime.date(2023, 9, 15)}
    )
    minutes = services.finalise_document(minutes, user=None, render=False)
    letter = services.start_correction(minutes, user=None)
    assert (letter.signer_capacity, letter.signer_title, letter.signer_name) == ("", "VIỆN TRƯỞNG", "Lê Thị Thu")
    assert letter.lines("recipients_report") == [world.vks_kh.name]


def test_a_correction_letter_reports_to_the_unit_above_and_goes_to_those_who_acted(world, region):
    """The unit above receives the letter "để báo cáo", as it received the notice; the units that were to
    act on the notice receive its correction "để thực hiện" (the unit above was listed among them)."""
    notice = _notice_of_2023(world)
    notice.recipients_report, notice.recipients_act = world.vks_kh.name, f"{world.ta_ks.name}\nCông an huyện Khánh Sơn"
    notice.save()
    letter = services.start_correction(notice, user=None)
    assert letter.issuing_agency == region and region.parent == world.vks_kh
    assert letter.lines("recipients_report") == [world.vks_kh.name]
    assert letter.lines("recipients_act") == [world.ta_ks.name, "Công an huyện Khánh Sơn"]


def test_corrections_and_replacements_name_the_document_by_number_and_date_everywhere(world, client_for):
    from meetings.documents import replaces_line

    notice = _notice_of_2023(world)
    letter = services.start_correction(notice, user=None)
    assert letter.subject == "V/v đính chính thông báo số 01/TB-VKSKS ngày 20/9/2023"
    letter = services.finalise_document(filled_correction(letter), user=None, render=False)
    replacement = services.start_correction(notice, user=None, kind=services.CorrectionKind.REPLACEMENT)
    replacement = services.finalise_document(replacement, user=None, render=False)
    assert "thay thế thông báo số 01/TB-VKSKS ngày 20 tháng 9 năm 2023" in replaces_line(replacement)
    # Two "01/TB-VKSKS", of 2023 and of this year: each shown with its date.
    assert replacement.number_display == "01/TB-VKSKS" and replacement.year == timezone.localdate().year
    client = client_for(world.supreme_admin)
    for url in ("/hoi-nghi/van-ban/", notice.meeting.get_absolute_url()):
        page = " ".join(client.get(url).content.decode().split())
        assert 'Thay thế thông báo <span class="nowrap">01/TB-VKSKS ngày 20/9/2023</span>' in page, url
        assert f'Được đính chính bởi công văn <span class="nowrap">{letter.number_with_date}</span>' in page, url
        assert f'Bị thay thế bởi thông báo <span class="nowrap">{replacement.number_with_date}</span>' in page, url
