"""Pages: list + filters + exports + PDF, detail, create/edit form, downloads, scoping."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from regulations.models import Original, PartyRole, Regulation, RelationKind
from tests.factories import AgencyFactory
from tests.regulations import helpers
from tests.regulations.factories import RegulationFactory, RelationFactory

D = datetime.date
LIST = reverse("regulations:list")


@pytest.fixture
def ks_reg(world):
    return RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        number="04/QCPH-VKSKS",
        title="Quy chế phối hợp trong thi hành án dân sự",
        field_codes=["civil_enforcement"],
        signed_on=D(2020, 12, 15),
    )


@pytest.fixture
def hg_reg(world):
    return RegulationFactory(
        host_agency=world.vks_hg,
        partners=[world.ta_hg],
        number="01/QCPH-BCSĐVKS-BCSĐTA",
        title="Quy chế phối hợp lãnh đạo, chỉ đạo",
        field_codes=["leadership"],
        signed_on=D(2022, 8, 9),
        partners__host_signatory="Đặng Bình Giang",
    )


def numbers(response) -> list[str]:
    return [r.number for r in response.context["page_obj"].object_list]


@pytest.mark.django_db
def test_list_requires_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.django_db
def test_list_is_scoped(world, client_for, ks_reg, hg_reg):
    assert numbers(client_for(world.ks_staff).get(LIST)) == ["04/QCPH-VKSKS"]
    assert numbers(client_for(world.hg_staff).get(LIST)) == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    assert set(numbers(client_for(world.supreme_admin).get(LIST))) == {"04/QCPH-VKSKS", "01/QCPH-BCSĐVKS-BCSĐTA"}
    assert numbers(client_for(world.kh_leader).get(LIST)) == ["04/QCPH-VKSKS"]


@pytest.mark.django_db
def test_unaccented_search(world, client_for, ks_reg, hg_reg):
    admin = client_for(world.supreme_admin)
    assert numbers(admin.get(LIST, {"q": "quy che phoi hop thi hanh an"})) == ["04/QCPH-VKSKS"]
    assert numbers(admin.get(LIST, {"q": "dang binh giang"})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    assert numbers(admin.get(LIST, {"q": "toa an ha giang"})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]


@pytest.mark.django_db
def test_filters(world, client_for, ks_reg, hg_reg):
    admin = client_for(world.supreme_admin)
    assert numbers(admin.get(LIST, {"agency": world.vks_kh.pk})) == ["04/QCPH-VKSKS"]  # sub-units included
    assert numbers(admin.get(LIST, {"agency": world.ta_hg.pk})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    leadership = ks_reg.fields.model.objects.get(code="leadership")
    assert numbers(admin.get(LIST, {"field": leadership.pk})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    assert numbers(admin.get(LIST, {"signed_from": 2021})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    assert numbers(admin.get(LIST, {"signed_to": 2021})) == ["04/QCPH-VKSKS"]
    assert numbers(admin.get(LIST, {"partner_kind": "court"})) == ["01/QCPH-BCSĐVKS-BCSĐTA", "04/QCPH-VKSKS"]
    assert numbers(admin.get(LIST, {"partner_kind": "civil_enforcement"})) == []
    assert numbers(admin.get(LIST, {"sort": "signed_on"})) == ["04/QCPH-VKSKS", "01/QCPH-BCSĐVKS-BCSĐTA"]
    assert numbers(admin.get(LIST, {"type": "joint_resolution"})) == []
    RelationFactory(source=hg_reg, target=ks_reg, kind=RelationKind.SUPERSEDES, effective_on=D(2022, 9, 1))
    from regulations.services import refresh_derived_dates

    refresh_derived_dates([ks_reg.pk])
    assert numbers(admin.get(LIST, {"status": "superseded"})) == ["04/QCPH-VKSKS"]
    assert numbers(admin.get(LIST, {"status": "in_force"})) == ["01/QCPH-BCSĐVKS-BCSĐTA"]


@pytest.mark.django_db
def test_review_state_filter_and_badges(world, client_for):
    today = datetime.date.today()
    soon = RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number="SOON", signed_on=today - datetime.timedelta(days=350)
    )
    late = RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number="LATE", signed_on=today - datetime.timedelta(days=400)
    )
    client = client_for(world.ks_staff)
    assert numbers(client.get(LIST, {"review_state": "due_soon"})) == ["SOON"]
    assert numbers(client.get(LIST, {"review_state": "overdue"})) == ["LATE"]
    page = client.get(LIST).content.decode()
    assert "Sắp đến hạn sơ kết" in page and "Quá hạn sơ kết" in page
    assert "Sắp đến hạn sơ kết" in client.get(soon.get_absolute_url()).content.decode()
    assert "Quá hạn sơ kết" in client.get(late.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_filter_choices_are_scoped(world, client_for, ks_reg, hg_reg):
    response = client_for(world.ks_staff).get(LIST)
    choices = {a.pk for a in response.context["filter"].form.fields["agency"].queryset}
    assert world.vks_ks.pk in choices and world.vks_hg.pk not in choices and world.ta_hg.pk not in choices
    # An out-of-scope agency in the URL does not leak anything.
    assert numbers(client_for(world.ks_staff).get(LIST, {"agency": world.vks_hg.pk})) == ["04/QCPH-VKSKS"]


@pytest.mark.django_db
def test_list_query_count_is_bounded(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            RegulationFactory(
                host_agency=world.vks_ks,
                field_codes=["criminal", "complaints"],
                number=f"{i}/QC",
                partners=[world.ta_ks, AgencyFactory(locality=world.khanh_son)],
            )

    client = client_for(world.ks_staff)
    add(3, 0)
    client.get(LIST)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"sort": "number"})
    add(30, 3)
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"sort": "number"})
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, {"sort": "number", "page": 2})
    assert len(response.context["page_obj"].object_list) == 25
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.django_db
def test_detail_and_download_scoped(world, client_for, ks_reg):
    from regulations import services

    original = services.add_original(world.ks_staff, ks_reg, "signed_scan", helpers.pdf("Bản ký quy chế.pdf"))
    url = reverse("regulations:download", args=[original.pk])
    own = client_for(world.ks_staff)
    response = own.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''B%E1%BA%A3n%20k%C3%BD%20quy%20ch%E1%BA%BF.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    stranger = client_for(world.hg_staff)
    assert stranger.get(url).status_code == 404
    assert stranger.get(ks_reg.get_absolute_url()).status_code == 404
    assert stranger.get(reverse("regulations:edit", args=[ks_reg.pk])).status_code == 404
    assert own.get(reverse("regulations:detail", args=[999999])).status_code == 404
    assert client_for(world.ks_leader).get(reverse("regulations:edit", args=[ks_reg.pk])).status_code == 403


@pytest.mark.django_db
def test_exports_scoped_and_readable(world, client_for, ks_reg, hg_reg):
    client = client_for(world.ks_staff)
    response = client.get(reverse("regulations:export_xlsx"), {"q": "thi hanh an"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    first = [c.value for c in ws["A"]].index("STT") + 1
    assert ws.cell(first, 2).value == "Số, ký hiệu" and ws.cell(first, 2).font.bold
    assert ws.cell(first + 1, 2).value == "04/QCPH-VKSKS"
    assert ws.cell(first + 1, 4).value == "Quy chế phối hợp trong thi hành án dân sự"
    signed = ws.cell(first + 1, 5)
    assert signed.value.date() == D(2020, 12, 15) and signed.number_format == "DD/MM/YYYY"
    assert "Thi hành án dân sự" in ws.cell(first + 1, 10).value
    assert ws.max_row == first + 1
    assert ws.column_dimensions["D"].width == 60

    response = client.get(reverse("regulations:export_csv"))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    first = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    assert rows[first][1] == "Số, ký hiệu"
    assert rows[first + 1][1] == "04/QCPH-VKSKS" and rows[first + 1][4] == "15/12/2020"
    assert len(rows) == first + 2  # the Hà Giang one is out of scope


@pytest.mark.django_db
def test_register_pdf_has_vietnamese_text(world, client_for, ks_reg, hg_reg):
    response = client_for(world.ks_staff).get(reverse("regulations:register_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "SỔ THEO DÕI QUY CHẾ PHỐI HỢP" in text
    assert "thi hành án dân sự" in text and "04/QCPH-VKSKS" in text
    assert "01/QCPH-BCSĐVKS-BCSĐTA" not in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape


@pytest.mark.django_db
def test_agency_page_lists_its_regulations(world, client_for, ks_reg):
    page = client_for(world.ks_staff).get(reverse("agencies:detail", args=[world.ta_ks.pk])).content.decode()
    assert "04/QCPH-VKSKS" in page


def form_data(world, **overrides) -> dict:
    values = {
        "number": "09/QCPH-VKSKS",
        "title": "Quy chế phối hợp trong công tác kiểm sát thi hành án",
        "type": "coordination_rule",
        "signed_on": "2024-03-01",
        "in_force_from": "2024-03-01",
        "expires_on": "",
        "chapters_count": "2",
        "articles_count": "3",
        "review_interval_months": "12",
        "final_review_on": "",
        "summary": "",
        "notes": "",
        "parties-TOTAL_FORMS": "4",
        "parties-INITIAL_FORMS": "0",
        "parties-0-agency": world.vks_ks.pk,
        "parties-0-role": "host",
        "parties-0-signatory_name": "Bùi Văn Đức",
        "parties-1-agency": world.ta_ks.pk,
        "parties-1-role": "party",
        "parties-1-signatory_name": "Lê Thị Hoa",
        "parties-2-role": "party",
        "parties-3-role": "party",
        "articles-TOTAL_FORMS": "2",
        "articles-INITIAL_FORMS": "0",
        "articles-0-number": "1",
        "articles-0-chapter": "1",
        "articles-0-heading": "Phạm vi điều chỉnh",
        "originals-TOTAL_FORMS": "1",
        "originals-INITIAL_FORMS": "0",
        "originals-0-kind": "signed_scan",
        "relations-TOTAL_FORMS": "1",
        "relations-INITIAL_FORMS": "0",
        "relations-0-kind": "supersedes",
    }
    values.update(overrides)
    return values


@pytest.mark.django_db
def test_create_through_form(world, client_for, ks_reg):
    data = form_data(
        world,
        **{
            "originals-0-file": helpers.pdf(),
            "relations-0-target": ks_reg.pk,
            "relations-0-effective_on": "2024-03-01",
            "fields": ["1", "2"],
        },
    )
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 302, response.context["editor"].form.errors
    reg = Regulation.objects.get(number="09/QCPH-VKSKS")
    assert response["Location"] == reg.get_absolute_url()
    assert reg.parties.count() == 2 and reg.parties.get(role=PartyRole.HOST).signatory_name == "Bùi Văn Đức"
    assert reg.articles.get().heading == "Phạm vi điều chỉnh"
    assert reg.originals.count() == 1 and reg.fields.count() == 2
    ks_reg.refresh_from_db()
    assert ks_reg.superseded_on == D(2024, 3, 1)
    page = client_for(world.ks_staff).get(ks_reg.get_absolute_url()).content.decode()
    assert "Đã bị thay thế" in page and "Bị thay thế bởi" in page and "09/QCPH-VKSKS" in page


@pytest.mark.django_db
def test_form_errors_in_vietnamese_keep_typed_rows(world, client_for, ks_reg):
    data = form_data(
        world,
        **{
            "in_force_from": "2024-02-01",
            "number": "04/QCPH-VKSKS",
            "parties-1-agency": world.vks_ks.pk,
            "originals-0-file": helpers.pdf(),
            "relations-0-target": ks_reg.pk,
            "relations-0-effective_on": "31/02/2024",
        },
    )
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    editor = response.context["editor"]
    assert editor.form.errors["in_force_from"] == ["Ngày có hiệu lực không được trước ngày ký."]
    assert editor.parties.forms[1].errors["agency"] == ["Cơ quan này đã có trong danh sách các bên ký kết."]
    assert editor.relations.forms[0].errors["effective_on"]  # an impossible date; an empty one is allowed
    banner = html[html.index('class="form-alert"') : html.index("</div>", html.index('class="form-alert"'))]
    assert 'href="#relations-set">Văn bản này sửa đổi, thay thế hoặc bãi bỏ</a>: dòng 1 có lỗi' in banner
    assert 'href="#parties-set">Các bên ký kết</a>' in banner
    assert html.count("chọn lại tệp") == 1  # one banner, not a second message repeating it
    assert 'value="Bùi Văn Đức"' in html and 'value="Lê Thị Hoa"' in html and 'value="Phạm vi điều chỉnh"' in html
    assert "Quy chế phối hợp trong công tác kiểm sát thi hành án" in html
    assert not Regulation.objects.filter(title__contains="kiểm sát thi hành án").exists()
    assert not Original.objects.exists()


@pytest.mark.django_db
def test_form_number_taken_and_party_count(world, client_for, ks_reg):
    data = form_data(world, number="04/QCPH-VKSKS")
    data.pop("parties-1-agency")
    data.pop("parties-1-signatory_name")
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    editor = response.context["editor"]
    assert any("Cần ít nhất hai bên ký kết" in e for e in editor.parties.non_form_errors())
    data = form_data(world, number="04/QCPH-VKSKS")
    editor = client_for(world.ks_staff).post(reverse("regulations:create"), data).context["editor"]
    assert editor.form.errors["number"] == ["Số, ký hiệu này đã được dùng cho một văn bản khác của cơ quan chủ trì."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: helpers.exe_as_pdf("chuong-trinh.pdf"), "không phải định dạng được chấp nhận"),
        (lambda: helpers.big_pdf(), "vượt quá giới hạn"),
        (lambda: helpers.empty(), "rỗng"),
    ],
)
def test_form_refuses_bad_files(world, client_for, make, fragment):
    response = client_for(world.ks_staff).post(
        reverse("regulations:create"), form_data(world, **{"originals-0-file": make()})
    )
    assert response.status_code == 200
    assert fragment in " ".join(response.context["editor"].originals.forms[0].errors["file"])
    assert not Regulation.objects.exists() and not Original.objects.exists()


@pytest.mark.django_db
def test_form_refuses_host_out_of_scope(world, client_for):
    data = form_data(world, **{"parties-0-agency": world.vks_hg.pk})
    editor = client_for(world.ks_staff).post(reverse("regulations:create"), data).context["editor"]
    # Agencies out of scope are not even offered: the row is refused as an invalid choice.
    assert world.vks_hg not in editor.parties.forms[0].fields["agency"].queryset
    assert "agency" in editor.parties.forms[0].errors
    assert Regulation.objects.count() == 0


@pytest.mark.django_db
def test_relation_choices_are_scoped_and_cycle_refused(world, client_for, ks_reg, hg_reg):
    client = client_for(world.ks_staff)
    editor = client.get(reverse("regulations:create")).context["editor"]
    assert set(editor.relations.forms[0].fields["target"].queryset) == {ks_reg}
    newer = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="05/QC")
    RelationFactory(source=newer, target=ks_reg, kind=RelationKind.SUPERSEDES)
    data = form_data(
        world,
        **{
            "number": ks_reg.number,
            "signed_on": "2020-12-15",
            "in_force_from": "2020-12-15",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "2",
            "relations-0-target": newer.pk,
            "relations-0-effective_on": "2024-01-01",
        },
    )
    response = client.post(reverse("regulations:edit", args=[ks_reg.pk]), data)
    assert "vòng lặp" in response.context["editor"].relations.forms[0].errors["target"][0]


@pytest.mark.django_db
def test_edit_records_history(world, client_for, ks_reg):
    client = client_for(world.ks_staff)
    initial = client.get(reverse("regulations:edit", args=[ks_reg.pk]))
    assert initial.status_code == 200
    data = form_data(
        world,
        **{
            "number": ks_reg.number,
            "title": "Quy chế phối hợp trong thi hành án dân sự (sửa đổi)",
            "signed_on": "2020-12-15",
            "in_force_from": "2020-12-15",
            "fields": ["1", "2"],
        },
    )
    response = client.post(reverse("regulations:edit", args=[ks_reg.pk]), data)
    assert response.status_code == 302
    page = client.get(ks_reg.get_absolute_url()).content.decode()
    assert "Lịch sử thay đổi" in page and "(sửa đổi)" in page
    assert world.ks_staff.display_name in page
    assert "Trích yếu" in page
    assert "Thêm điều" in page and "Điều 1. Phạm vi điều chỉnh" in page


@pytest.mark.django_db
def test_create_prefills_replacement(world, client_for, ks_reg):
    response = client_for(world.ks_staff).get(reverse("regulations:create"), {"thay_the": ks_reg.pk})
    form = response.context["editor"].relations.forms[0]
    assert form.initial["target"] == ks_reg and form.initial["kind"] == RelationKind.SUPERSEDES


@pytest.mark.django_db
def test_clerk_cannot_open_form(world, client_for):
    assert client_for(world.ks_clerk).get(reverse("regulations:create")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"signed_from": "99999999999"},
        {"signed_to": "abc"},
        {"signed_from": "2021.5"},
        {"agency": "x"},
        {"field": "999999"},
        {"sort": "password"},
        {"status": "nope"},
        {"review_state": "x"},
        {"page": "-3"},
        {"q": "\x00" + "a" * 500},
        {"partner_kind": "spy"},
    ],
)
def test_bad_list_params_never_500(world, client_for, ks_reg, params):
    client = client_for(world.ks_staff)
    assert client.get(LIST, params).status_code == 200
    # An export refuses filters that do not validate (back to the list, which shows why); never a 500.
    response = client.get(reverse("regulations:export_csv"), params)
    assert response.status_code == 200 or response.status_code == 302 and response["Location"].startswith(LIST)


@pytest.mark.django_db
def test_year_out_of_range_shows_error(world, client_for, ks_reg):
    response = client_for(world.ks_staff).get(LIST, {"signed_from": "99999"})
    assert "signed_from" in response.context["filter"].form.errors
    assert numbers(response) == ["04/QCPH-VKSKS"]


@pytest.mark.django_db
def test_huge_ids_are_invalid_choices(world, client_for):
    huge = "99999999999999999999999999"
    data = form_data(
        world,
        **{
            "parties-1-agency": huge,
            "fields": [huge],
            "relations-0-target": huge,
            "relations-0-effective_on": "2024-01-01",
        },
    )
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 200
    assert response.context["editor"].parties.forms[1].errors["agency"]
    assert client_for(world.ks_staff).get(LIST, {"agency": huge, "field": huge}).status_code == 200
