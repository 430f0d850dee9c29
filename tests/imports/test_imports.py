"""The import wizard: template, upload, preview, confirm, re-import, encodings, scoping, history."""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from imports.models import ImportJob, ImportStatus
from meetings.models import Meeting
from regulations.models import Regulation
from tests.imports.files import csv_text, meeting_row, regulation_row, xlsx

pytestmark = pytest.mark.django_db
TONES = "\u0300\u0301\u0303\u0309\u0323"


def upload(client, data: bytes, name: str = "so-theo-doi.xlsx", url: str = "imports:regulations"):
    return client.post(reverse(url), {"file": SimpleUploadedFile(name, data)})


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_template_has_a_guide_and_drop_down_lists(world, client_for) -> None:
    response = client_for(world.ks_staff).get(reverse("imports:template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Hướng dẫn"
    assert {"Quy chế phối hợp", "Hội nghị, cuộc họp", "Danh mục"} <= set(book.sheetnames)
    guide = " ".join(str(c) for row in book["Hướng dẫn"].iter_rows(values_only=True) for c in row if c)
    for text in ("Số, ký hiệu", "Bắt buộc", "ngày/tháng/năm", "Sơ kết quy chế", "Hình sự", "Chủ trì"):
        assert text in guide
    validations = book["Quy chế phối hợp"].data_validations.dataValidation
    assert any("Danh mục" in v.formula1 for v in validations)
    meeting_lists = [v.formula1 for v in book["Hội nghị, cuộc họp"].data_validations.dataValidation]
    assert len(meeting_lists) == 3  # kinds, states, roles


def test_preview_counts_and_errors_nothing_saved(world, client_for) -> None:
    client = client_for(world.ks_staff)
    rows = [regulation_row(n) for n in range(1, 6)]
    rows[1]["signed_on"] = "31/02/2023"
    rows[3]["host"] = "Vien kiem sat nhan dan huyen Khanh Son"  # without diacritics: found
    rows[4]["parties"] = "Toa an nhan dan huyen Khanh Sonn"  # misspelt: suggestion
    job = job_of(upload(client, xlsx(rows, [meeting_row(1, state="Đã xong")])))
    assert job.status == ImportStatus.INVALID
    assert job.counts == {"created": 3, "updated": 0, "skipped": 0, "errors": 3}
    by_row = {(e["sheet"], e["row"], e["column"]): e["message"] for e in job.errors}
    assert "không phải ngày hợp lệ" in by_row[("Quy chế phối hợp", 3, "Ngày ký (*)")]
    assert "Có phải: Tòa án nhân dân huyện Khánh Sơn" in by_row[("Quy chế phối hợp", 6, "Cơ quan tham gia ký kết (*)")]
    assert "không có trong danh sách" in by_row[("Hội nghị, cuộc họp", 2, "Trạng thái")]
    assert Regulation.objects.count() == 0 and Meeting.objects.count() == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Các lỗi cần sửa" in page and "Xác nhận nhập dữ liệu" not in page
    assert "31/02/2023" in page


def test_confirm_creates_all_then_reimport_creates_nothing(world, client_for) -> None:
    client = client_for(world.ks_staff)
    data = xlsx(
        [regulation_row(n) for n in range(1, 4)],
        [
            meeting_row(1, regulation="01/2023/QCPH-VKSKS"),
            meeting_row(2, kind="Sơ kết quy chế", regulation="02/2023/QCPH-VKSKS"),
        ],
    )
    job = job_of(upload(client, data))
    assert job.status == ImportStatus.READY, job.errors
    assert job.counts["created"] == 5
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Các dòng sẽ nhập" in preview and "02/2023/QCPH-VKSKS — Quy chế phối hợp số 2" in preview
    assert preview.count("Tạo mới</span>") == 5 and "Xác nhận nhập dữ liệu" in preview
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == ImportStatus.DONE
    assert Regulation.objects.count() == 3 and Meeting.objects.count() == 2
    reg = Regulation.objects.get(number="02/2023/QCPH-VKSKS")
    assert reg.host_agency == world.vks_ks and reg.locality == world.khanh_son
    assert {p.agency for p in reg.parties.all()} == {world.vks_ks, world.ta_ks}
    assert [f.name for f in reg.fields.all()] == ["Hình sự"]
    assert reg.last_review_on is not None  # the review meeting of the file counts, as from the form
    history = reg.history.first()
    assert history.history_user == world.ks_staff
    assert history.history_change_reason == "Nhập từ tệp so-theo-doi.xlsx"
    page = client.get(reverse("regulations:detail", args=[reg.pk])).content.decode()
    assert "Tạo mới — Nhập từ tệp so-theo-doi.xlsx" in page  # the record's history says where it came from
    meeting = Meeting.objects.get(kind="interim_review")
    assert meeting.history.first().history_user == world.ks_staff
    assert list(meeting.regulations.all()) == [reg]
    assert meeting.attendees.get().full_name == "Đinh Văn Sơn"
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.user == world.ks_staff and "tạo mới 5" in event.detail

    again = job_of(upload(client, data))
    assert again.counts == {"created": 0, "updated": 0, "skipped": 5, "errors": 0}
    page = client.get(reverse("imports:job", args=[again.pk])).content.decode()
    assert "Không có dòng nào cần nhập" in page and "Xác nhận nhập dữ liệu" not in page
    client.post(reverse("imports:confirm", args=[again.pk]))
    assert Regulation.objects.count() == 3 and Meeting.objects.count() == 2

    changed = xlsx([regulation_row(1, title="Quy chế phối hợp (sửa tên)")])
    third = job_of(upload(client, changed))
    assert third.counts["updated"] == 1
    client.post(reverse("imports:confirm", args=[third.pk]))
    assert Regulation.objects.get(number="01/2023/QCPH-VKSKS").title == "Quy chế phối hợp (sửa tên)"


def test_confirm_is_all_or_nothing(world, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, xlsx([regulation_row(n) for n in range(1, 4)])))
    # Between the preview and the confirmation someone records row 3's number by hand.
    from tests.regulations.factories import RegulationFactory

    RegulationFactory(host_agency=world.vks_ks, number="99/X", partners=[world.ta_ks])
    Regulation.objects.filter(number="99/X").update(number="03/2023/QCPH-VKSKS", title="Khác hẳn")
    world.ta_ks.code = "TA-KS-MOI"
    world.ta_ks.save()
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert "Không dòng nào được nhập" in job.message
    assert Regulation.objects.count() == 1


def test_csv_in_utf8_with_bom(world, client_for) -> None:
    text = csv_text([regulation_row(1, host="Viện kiểm sát nhân dân huyện Khánh Sơn")])
    job = job_of(upload(client_for(world.ks_staff), ("\ufeff" + text).encode("utf-8"), "quy-che.csv"))
    assert job.status == ImportStatus.READY and job.encoding == "UTF-8 (BOM)"


def to_cp1258(text: str) -> bytes:
    """As Windows saves it: a base letter (â, ơ ... are single bytes) followed by a combining tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out += base.encode("cp1258") + "".join(p for p in parts if p in TONES).encode("cp1258")
    return out


def test_cp1258_csv_is_converted_correctly(world, client_for) -> None:
    client = client_for(world.ks_staff)
    title = "Quy chế phối hợp trong công tác tiếp nhận, giải quyết tố giác, tin báo về tội phạm"
    text = csv_text([regulation_row(1, title=title, host="Viện kiểm sát nhân dân huyện Khánh Sơn")])
    data = to_cp1258(text)
    job = job_of(upload(client, data, "quy-che.csv"))
    assert job.status == ImportStatus.READY, job.errors
    assert job.encoding == "Windows-1258 (CP1258)"
    assert "Chuyển từ bảng mã Windows-1258 (CP1258) sang Unicode" in client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Regulation.objects.get().title == title


TCVN3 = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
)


def test_tcvn3_csv_is_converted_correctly(world, client_for) -> None:
    client = client_for(world.ks_staff)
    title = "Quy chế phối hợp giữa Viện kiểm sát và Tòa án trong công tác xét xử"
    text = csv_text([regulation_row(2, title=title, host="VKS-KS", parties="Tòa án nhân dân huyện Khánh Sơn")])
    data = text.translate(TCVN3).encode("latin-1")
    job = job_of(upload(client, data, "quy-che.csv"))
    assert job.status == ImportStatus.READY, job.errors
    assert job.encoding == "TCVN3 (ABC)"
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Regulation.objects.get().title == title


def test_unreadable_encoding_asks_for_utf8_and_saves_nothing(world, client_for) -> None:
    text = csv_text([regulation_row(1, title="Quy chế phối hợp")])
    # Bytes no Vietnamese encoding gives letters for (e.g. a VNI or VISCII file).
    data = text.encode("ascii", errors="replace") + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9E, 0x80])
    response = upload(client_for(world.ks_staff), data, "quy-che.csv")
    assert response.status_code == 400
    assert "CSV UTF-8" in response.content.decode()
    assert ImportJob.objects.count() == 0 and Regulation.objects.count() == 0


def test_another_units_host_is_refused(world, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, xlsx([regulation_row(1, host="VKS-HG", partner="TA-KS")])))
    messages = [e["message"] for e in job.errors]
    # Hà Giang is outside the user's scope: not even found, no name suggested from there.
    assert job.status == ImportStatus.INVALID and any("Không tìm thấy cơ quan" in m for m in messages)
    assert all("Hà Giang" not in m for m in messages)
    assert Regulation.objects.count() == 0


def test_roles_and_scope_of_the_wizard(world, client_for) -> None:
    staff_job = job_of(upload(client_for(world.ks_staff), xlsx([regulation_row(1)])))
    assert client_for(world.ks_leader).get(reverse("imports:regulations")).status_code == 403
    assert client_for(world.ks_clerk).get(reverse("imports:meetings")).status_code == 403
    assert client_for(world.hg_staff).get(staff_job.get_absolute_url()).status_code == 404
    assert client_for(world.hg_staff).get(reverse("imports:status", args=[staff_job.pk])).status_code == 404
    assert client_for(world.ks_admin).post(reverse("imports:confirm", args=[staff_job.pk])).status_code == 403


def test_duplicate_rows_in_one_file_are_errors(world, client_for) -> None:
    job = job_of(upload(client_for(world.ks_staff), xlsx([regulation_row(1), regulation_row(1)])))
    assert job.errors == [
        {
            "sheet": "Quy chế phối hợp",
            "row": 3,
            "column": "Số, ký hiệu (*)",
            "message": "Trùng với dòng 2: cùng cơ quan chủ trì và số, ký hiệu.",
        }
    ]


def test_big_file_runs_in_the_background_with_a_status_url(
    world, client_for, settings, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    settings.IMPORTS_ASYNC_ROWS = 3
    sent = []
    from imports import tasks

    monkeypatch.setattr(tasks.check_import_task, "apply_async", lambda args, **options: sent.append(args))
    client = client_for(world.ks_staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(upload(client, xlsx([regulation_row(n) for n in range(1, 6)])))
    assert job.status == ImportStatus.CHECKING and sent == [[job.pk]]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<script" in page and "job-progress.js" in page and "<progress" in page
    assert "<script>" not in page  # no inline script (CSP)
    state = client.get(reverse("imports:status", args=[job.pk])).json()
    assert state == {**state, "state": "checking", "finished": False, "done": 0, "total": 5, "percent": 0}
    tasks.check_import_task.run(job.pk)
    state = client.get(reverse("imports:status", args=[job.pk])).json()
    assert state["state"] == "ready" and state["finished"] and state["percent"] == 100
    assert state["counts"]["created"] == 5


def test_an_import_is_one_event_one_recount_per_family_and_one_recompute_per_unit(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """Issue 19: the import's rows announce nothing one by one; its transaction commits one
    ``import.finished``, which the dashboards recount once per family and the reminders recompute in
    one task for the unit."""
    from django.utils import timezone

    from dashboards import tallies
    from notifications import scan
    from portal import events

    tallies.rebuild(timezone.localdate())
    delivered: list[list[str]] = []

    def recorded(handler: events.Handler) -> events.Handler:
        def handle(evs: Sequence[events.Event]) -> None:
            delivered.append([e.name for e in evs])
            handler(evs)

        return handle

    for name, subscriber in list(events._subscribers.items()):
        recording = events.Subscriber(name, recorded(subscriber.handler), subscriber.names)
        monkeypatch.setitem(events._subscribers, name, recording)
    recounts: list[str] = []
    real_count_own = tallies.count_own

    def count_own(family: str, ids: list[int] | None, on: datetime.date) -> dict:
        recounts.append(family)
        return real_count_own(family, ids, on)

    monkeypatch.setattr(tallies, "count_own", count_own)
    recomputes: list[dict[str, list[int]]] = []
    monkeypatch.setattr(scan, "enqueue_recompute", lambda **subjects: recomputes.append(subjects))
    client = client_for(world.ks_staff)
    rows = [regulation_row(n) for n in range(1, 9)]
    job = job_of(upload(client, xlsx(rows, [meeting_row(1, regulation="01/2023/QCPH-VKSKS")])))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE
    assert {name for names in delivered for name in names} == {events.IMPORT_FINISHED}
    assert sorted(recounts) == sorted(tallies.FAMILIES)  # one recount of each family, for the unit
    [subjects] = recomputes  # one task for the unit (Khánh Sơn)
    assert len(subjects["regulations"]) == 8 and len(subjects["meetings"]) == 1


@pytest.mark.parametrize(
    "name,data",
    [
        ("rong.csv", b""),
        ("nul.csv", b"So, ky hieu\x00;\x00\n\x00\x00"),
        ("rac.csv", bytes(range(256)) * 4),
        ("gia.xlsx", b"PK\x03\x04 khong phai zip"),
        ("cu.xls", b"\xd0\xcf\x11\xe0 old excel"),
        ("thieu-cot.csv", "Trích yếu;Cột lạ\nA;B\n".encode()),  # one known header: no header row
        ("quote.csv", b'"Trich yeu\n' * 3),
    ],
)
def test_hostile_files_get_a_clear_message_never_a_500(world, name, data) -> None:
    from django.test import Client

    client = Client(raise_request_exception=True)
    client.force_login(world.ks_staff)
    response = upload(client, data, name)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_meetings_csv_with_semicolons_from_the_meetings_page(world, client_for) -> None:
    from imports.columns import MEETING_COLUMNS

    # Excel in a Vietnamese locale separates with ";"; kinds and states may be typed without diacritics.
    text = csv_text(
        [meeting_row(1), meeting_row(2, kind="sơ kết quy chế", state="da to chuc")], MEETING_COLUMNS, delimiter=";"
    )
    data = text.encode("utf-8")
    client = client_for(world.ks_staff)
    job = job_of(upload(client, data, "cuoc-hop.csv", url="imports:meetings"))
    assert job.status == ImportStatus.READY, job.errors
    assert job.counts["created"] == 2
    client.post(reverse("imports:confirm", args=[job.pk]))
    meetings = {m.kind: m for m in Meeting.objects.all()}
    assert set(meetings) == {"interagency", "interim_review"}
    assert meetings["interim_review"].state == "held" and meetings["interim_review"].host_agency == world.vks_ks


def test_a_failure_half_way_saves_nothing(world, client_for, monkeypatch) -> None:
    from django.db import IntegrityError

    from imports import services

    client = client_for(world.ks_staff)
    job = job_of(upload(client, xlsx([regulation_row(n) for n in range(1, 6)], [meeting_row(1)])))

    def flaky(*args, **kwargs):
        raise IntegrityError("disk full")  # after the five regulations are written, at the meeting

    monkeypatch.setattr(services, "_create_meetings", flaky)
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "không dòng nào được lưu" in job.message
    assert Regulation.objects.count() == 0 and Meeting.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_checking_costs_about_one_query_per_row(world, django_assert_max_num_queries) -> None:
    from imports import services
    from imports.models import ImportKind

    data = xlsx([regulation_row(n) for n in range(1, 41)], [meeting_row(n) for n in range(1, 21)])
    # + 2: the savepoint that keeps the stored file and the job row together (no file without its job);
    # + 1: the unit's remembered column mappings
    with django_assert_max_num_queries(60 + 20 + 2 + 1):
        job = services.create_job(world.ks_staff, ImportKind.REGULATIONS, "so.xlsx", data)
    assert job.counts["created"] == 60
