"""Issue 20, point 1: a clerk's own register (title rows, a merged two-row header, its own column
names, "Sheet1") goes through a mapping step, is imported right, and its mapping is remembered."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from agencies.models import AgencyKind, AgencyLevel
from imports import checks, values
from imports.columns import header_key
from imports.layout import find_header
from imports.models import ColumnMapping, ImportJob, ImportKind, ImportStatus
from regulations.models import Regulation
from tests.factories import AgencyFactory
from tests.imports.clerk import HEADER_BELOW, HEADER_TOP, clerk_book
from tests.imports.test_imports import job_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(world):
    return AgencyFactory(
        code="CA-KS",
        name="Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn",
        short_name="CA huyện Khánh Sơn",
        kind=AgencyKind.POLICE_INVESTIGATION,
        level=AgencyLevel.DISTRICT,
        locality=world.vks_ks.locality,
    )


def mapping_post(job: ImportJob, **over: str) -> dict[str, str]:
    data = {f"col_{key}": str(where) for key, where in job.layout["mapping"].items()}
    data.update({"col_host": "@unit", "col_type": "@title"})
    data.update(over)
    return data


def test_clerk_register_goes_through_the_mapping_step_and_imports_right(world, police, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, clerk_book()))
    assert job.status == ImportStatus.NEEDS_INPUT
    layout = job.layout
    assert layout["sheet"] == "Sheet1" and layout["header_row"] == 4 and layout["depth"] == 2
    assert set(layout["missing"]) == {"host", "type"}
    headers = {c["index"]: c["header"] for c in layout["columns"]}
    assert layout["mapping"] == {
        "number": 1,
        "signed_on": 2,
        "title": 3,
        "parties": 4,
        "fields": 5,
        "status": 6,
        "notes": 7,
    }, headers
    assert headers[1] == "Văn bản / Số ký hiệu"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Ghép cột của tệp" in page and "Tiêu đề gộp hai dòng" in page
    assert "ví dụ: 01/2023/QCPH-VKS-TA; 02/2024/QCPH" in page  # the file's columns with samples
    assert "Đơn vị của tôi: VKSND huyện Khánh Sơn" in page
    assert "Các cột không nhập (bỏ qua)" in page and "<li>STT — ví dụ: 1; 2; 3</li>" in page
    assert "Xác nhận nhập dữ liệu" not in page and Regulation.objects.count() == 0

    response = client.post(reverse("imports:mapping", args=[job.pk]), mapping_post(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.errors
    assert job.counts["created"] == 4
    client.post(reverse("imports:confirm", args=[job.pk]))
    by_number = {r.number: r for r in Regulation.objects.all()}
    first = by_number["01/2023/QCPH-VKS-TA"]
    assert first.host_agency == world.vks_ks and first.type == "coordination_rule"
    assert {p.agency for p in first.parties.all()} == {world.vks_ks, world.ta_ks, police}
    assert first.signed_on == datetime.date(2023, 3, 15)
    assert by_number["02/2024/QCPH"].signed_on == datetime.date(2024, 9, 15)
    assert by_number["03/2024/QCPH"].signed_on == datetime.date(2024, 9, 15)
    assert by_number["04/2025/QCPH"].signed_on == datetime.date(2025, 9, 15)
    assert "Tình trạng ghi trong sổ: Hết hiệu lực" in by_number["03/2024/QCPH"].notes
    assert by_number["03/2024/QCPH"].notes.startswith("sổ cũ")
    assert "Đã thay thế" in by_number["04/2025/QCPH"].notes

    # The unit's next file with the same header needs no mapping step.
    assert ColumnMapping.objects.filter(agency=world.vks_ks, kind=ImportKind.REGULATIONS).count() == 1
    rows = [[5, "05/2025/QCPH", "01/10/2025", "Quy chế phối hợp mới", "TA-KS", "", "", ""]]
    again = job_of(upload(client, clerk_book(rows=rows)))
    assert again.status == ImportStatus.READY and again.counts["created"] == 1
    assert any("cách đơn vị đã chọn" in note for note in again.notes)
    client.post(reverse("imports:confirm", args=[again.pk]))
    assert Regulation.objects.get(number="05/2025/QCPH").host_agency == world.vks_ks


def test_mapping_step_errors_keep_the_choices_and_save_nothing(world, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, clerk_book()))
    response = client.post(reverse("imports:mapping", args=[job.pk]), mapping_post(job, col_title="1", col_host=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Cột này đã được chọn cho “Số, ký hiệu”" in page
    assert "Hãy chọn cột chứa trường bắt buộc này." in page
    assert '<option value="1" selected>' in page  # what was chosen stays chosen
    job.refresh_from_db()
    assert job.status == ImportStatus.NEEDS_INPUT and not ColumnMapping.objects.exists()
    other = client_for(world.hg_staff).post(reverse("imports:mapping", args=[job.pk]), mapping_post(job))
    assert other.status_code == 404


def test_headers_without_diacritics_on_any_sheet_need_no_mapping(world, client_for) -> None:
    top = ["STT", "So ky hieu", "Ngay ky", "Trich yeu", "Co quan phoi hop", "Linh vuc", "Loai van ban"]
    top.append("Don vi chu tri")
    rows = [[1, "07/2024/QC", "15/9/2024", "Quy chế phối hợp X", "TA-KS", "Hình sự", "Quy chế phối hợp", "VKS-KS"]]
    job = job_of(upload(client_for(world.ks_staff), clerk_book(sheet="Năm 2024", rows=rows, top=top, below=False)))
    assert job.status == ImportStatus.READY, (job.layout, job.errors)
    assert job.counts["created"] == 1


def test_several_register_sheets_ask_which_one(world, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, clerk_book(extra_sheets=("Sổ cũ",))))
    assert job.status == ImportStatus.NEEDS_INPUT and job.layout["sheets"] == ["Sheet1", "Sổ cũ"]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Chọn trang cần nhập" in page
    client.post(reverse("imports:mapping", args=[job.pk]), {"sheet": "Sheet1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.NEEDS_INPUT and job.layout["sheet"] == "Sheet1" and not job.layout["sheets"]
    client.post(reverse("imports:mapping", args=[job.pk]), mapping_post(job))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID  # CA huyện Khánh Sơn does not exist in this world
    assert any("CA huyện Khánh Sơn" in e["message"] for e in job.errors)


def test_a_sheet_without_any_known_header_is_refused_naming_the_sheets(world, client_for) -> None:
    data = clerk_book(top=["A", "B", "C"], below=False, rows=[["x", "y", "z"]])
    response = upload(client_for(world.ks_staff), data)
    assert response.status_code == 400
    assert "Không tìm thấy dòng tiêu đề" in response.content.decode() and "“Sheet1”" in response.content.decode()


def test_two_row_header_is_read_with_its_parent_over_a_merged_range() -> None:
    rows = [("SỔ THEO DÕI",), (), tuple(HEADER_TOP), tuple(HEADER_BELOW), (1, "01/QC", "1/1/2024")]
    header = find_header(ImportKind.REGULATIONS, rows)
    assert header is not None and header.row == 2 and header.depth == 2
    assert header.found["number"] == 1 and header.found["signed_on"] == 2
    assert header_key("Số, ký hiệu (*)") == header_key("so ky hieu") == "so ky hieu"


@pytest.mark.parametrize(
    "cell,parts",
    [
        ("TAND, CA huyện Khánh Sơn", ["TAND huyện Khánh Sơn", "CA huyện Khánh Sơn"]),
        ("TA-KS; VKS-KS", ["TA-KS", "VKS-KS"]),
        ("Tòa án nhân dân huyện Khánh Sơn, tỉnh Khánh Hòa", ["Tòa án nhân dân huyện Khánh Sơn, tỉnh Khánh Hòa"]),
        ("TAND tỉnh Khánh Hòa\nCA huyện Khánh Sơn", ["TAND tỉnh Khánh Hòa", "CA huyện Khánh Sơn"]),
    ],
)
def test_several_agencies_in_one_cell(cell, parts) -> None:
    assert values.split_agencies(cell) == parts


@pytest.mark.parametrize(
    "cell",
    ["15/9/2025", "15-09-2025", "ngày 15 tháng 9 năm 2025", "Ngày  15 tháng 09 năm 2025", 45915, "45915"],
)
def test_dates_as_clerks_write_them(cell) -> None:
    assert checks.parse_date(cell) == datetime.date(2025, 9, 15)


def test_validity_words() -> None:
    assert [values.parse_status(t) for t in ("Còn hiệu lực", "het hieu luc", "Đã thay thế", "")] == [
        "in_force",
        "expired",
        "superseded",
        None,
    ]
    with pytest.raises(ValueError, match="không rõ"):
        values.parse_status("Tạm dừng")
