"""Issue #18, point 9: bidirectional controls (U+202E spoofs what the audit log and lists show) never get
stored; single-line text has no line breaks, multi-line text keeps them. One place (``portal.text``) does
it for every form, every model save (so imports and the shell), and so for what the API serves."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from imports.models import ImportStatus
from meetings.models import Meeting
from portal import text
from regulations.models import Regulation
from tests.api.test_api import token_client
from tests.imports.files import meeting_row, regulation_row, xlsx
from tests.imports.test_imports import job_of, upload
from tests.regulations import helpers
from tests.regulations.factories import RegulationFactory
from tests.regulations.test_views import form_data

pytestmark = pytest.mark.django_db

RLO, LRI, PDI, LRM, ALM = "\u202e", "\u2066", "\u2069", "\u200e", "\u061c"


def test_the_cleaning_rules():
    assert text.clean_line(f"Quy chế{RLO} phối\r\nhợp {LRI}x{PDI}{LRM}{ALM}") == "Quy chế phối hợp x"
    assert text.clean_multiline(f"Dòng 1{RLO}\nDòng 2\u202a") == "Dòng 1\nDòng 2"
    assert all(text.clean_line(ch) == "" for ch in text.BIDI_CONTROLS)


def test_a_regulation_typed_in_the_form_is_stored_clean(world, client_for):
    data = form_data(
        world,
        number=f"09/QCPH{RLO}-VKSKS",
        title=f"Quy chế phối hợp{RLO} trong\r\ncông tác kiểm sát",
        summary=f"Dòng một{LRI}\r\nDòng hai{PDI}",
        **{"originals-0-file": helpers.pdf()},
    )
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 302, response.context["editor"].form.errors
    reg = Regulation.objects.get()
    assert reg.number == "09/QCPH-VKSKS"
    assert reg.title == "Quy chế phối hợp trong công tác kiểm sát"
    assert reg.summary == "Dòng một\r\nDòng hai"  # line breaks kept as the browser sent them
    # and the read-only API serves it as stored
    served = token_client(world.ks_staff).get(reverse("api:regulation-detail", args=[reg.pk])).json()
    assert served["title"] == reg.title and served["number"] == "09/QCPH-VKSKS"


def test_an_account_name_is_cleaned_but_a_password_is_not(world, client_for):
    password = f"Vks-{RLO}KhanhSon-2026"
    response = client_for(world.ks_admin).post(
        reverse("accounts:create"),
        {
            "username": "kiemsat.moi",
            "full_name": f"Phan{RLO} Văn\nMới",
            "email": "",
            "agency": world.vks_ks.pk,
            "role": Role.STAFF,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="kiemsat.moi")
    assert account.full_name == "Phan Văn Mới" and account.check_password(password)


def test_an_import_stores_clean_text(world, client_for):
    client = client_for(world.ks_staff)
    data = xlsx(
        [regulation_row(1, title=f"Quy chế{RLO} số 1\nvề tin báo", summary=f"a{LRI}\nb")],
        [meeting_row(1, title=f"Họp{RLO}\nliên ngành", conclusions=f"Kết luận 1{ALM}\nKết luận 2")],
    )
    job = job_of(upload(client, data))
    assert job.status == ImportStatus.READY, job.errors
    client.post(reverse("imports:confirm", args=[job.pk]))
    reg, meeting = Regulation.objects.get(), Meeting.objects.get()
    assert (reg.title, reg.summary) == ("Quy chế số 1 về tin báo", "a\nb")
    assert (meeting.title, meeting.conclusions) == ("Họp liên ngành", "Kết luận 1\nKết luận 2")


def test_any_save_is_cleaned_and_old_rows_are_cleaned_by_the_command(world):
    reg = RegulationFactory(title=f"Tên{RLO}\ngiả")
    assert Regulation.objects.get(pk=reg.pk).title == "Tên giả"
    Regulation.objects.filter(pk=reg.pk).update(title=f"Cũ{RLO}\nlưu", summary=f"x{RLO}\ny")  # bypasses save()
    call_command("clean_stored_text")
    reg.refresh_from_db()
    assert (reg.title, reg.summary) == ("Cũ lưu", "x\ny")
