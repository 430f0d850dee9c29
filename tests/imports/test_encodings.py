"""Issue 20, point 2: CP1258, TCVN3 (the normal and the capitals tables), VNI-Windows and NFD text,
in CSV files and inside .xlsx cells, generated here; each is imported right, asked about, or refused
with a message naming the problem; none is stored garbled."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from imports import encoding
from imports.encoding import Converter, candidates
from imports.models import ImportJob, ImportStatus
from regulations.models import Regulation
from tests.imports.files import csv_text, regulation_row, xlsx
from tests.imports.test_imports import TCVN3, job_of, to_cp1258, upload

pytestmark = pytest.mark.django_db
_VNI_OF = {}
for _seq, _letter in sorted(encoding._VNI.items(), key=lambda kv: -len(kv[0])):
    _VNI_OF[_letter] = _seq  # the shortest sequence wins: single-byte ơ ư đ and i's


def to_vni(text: str) -> bytes:
    return "".join(_VNI_OF.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode("cp1252")


def to_tcvn3(text: str) -> str:
    """As a .VnTime cell shows in a Unicode workbook."""
    return unicodedata.normalize("NFC", text).translate(TCVN3)


def to_tcvn3h(text: str) -> str:
    """As typed in the capitals font .VnTimeH: capitals with tone marks sit under the lower-case codes."""
    return "".join(ch if ch.isascii() else ch.lower().translate(TCVN3) for ch in unicodedata.normalize("NFC", text))


TITLE = "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm huyện Khánh Sơn"
HOST = "Viện kiểm sát nhân dân huyện Khánh Sơn"
PARTY = "Tòa án nhân dân huyện Khánh Sơn"

VNI_PHRASES = [
    "Tin báo tội phạm huyện Khánh Sơn",
    "Quy chế phối hợp",
    "Viện kiểm sát nhân dân",
    "Tòa án nhân dân",
    "Cơ quan cảnh sát điều tra",
    "Thi hành án dân sự",
    "Khiếu nại, tố cáo",
    "Hình sự",
    "Lãnh đạo, chỉ đạo",
    "Sơ kết",
    "Tổng kết",
    "Họp liên ngành",
    "Hội nghị rút kinh nghiệm",
    "Phiên tòa rút kinh nghiệm",
    "Nghị quyết liên tịch",
    "Đã tổ chức",
    "Ghi chú",
    "Còn hiệu lực",
    "Hết hiệu lực",
    "Đã thay thế",
    "Kế hoạch phối hợp",
    "Giải quyết vụ án",
    "Tố giác tin báo",
    "Xét xử",
]


@pytest.mark.parametrize("phrase", VNI_PHRASES)
def test_a_short_vni_phrase_is_read_as_vni_or_asked_never_as_another_encoding(phrase) -> None:
    cell = to_vni(phrase).decode("latin-1")
    converter = Converter(raw=True)
    converter.collect(cell)
    converter.resolve()
    assert converter.convert(cell) == phrase or (cell in converter.uncertain and "vni" in converter.cells[cell])


def test_most_short_vni_phrases_are_certain() -> None:
    certain = [p for p in VNI_PHRASES if list(candidates(to_vni(p).decode("latin-1"), raw=True)) == ["vni"]]
    assert len(certain) >= 20, set(VNI_PHRASES) - set(certain)


def test_unicode_text_is_kept_where_another_reading_is_only_less_familiar() -> None:
    for text in ("Tòa án nhân dân", "Ghi chú", "Ngày ký (*)"):
        converter = Converter()
        converter.collect(text)
        converter.resolve()
        assert converter.convert(text) == text and not converter.uncertain


def test_each_reading_is_told_apart_by_its_syllables() -> None:
    assert candidates(to_tcvn3(TITLE), raw=False) == {"tcvn3": TITLE}
    assert candidates(to_tcvn3h(TITLE.upper()), raw=False) == {"tcvn3h": TITLE.upper()}
    assert candidates(to_cp1258(TITLE).decode("latin-1"), raw=True) == {"cp1258": TITLE}
    assert candidates(to_vni(TITLE).decode("latin-1"), raw=True) == {"vni": TITLE}
    assert candidates(TITLE.encode().decode("latin-1"), raw=True) == {"utf8": TITLE}
    assert candidates(unicodedata.normalize("NFD", TITLE), raw=False) == {"unicode": TITLE}
    assert candidates(TITLE, raw=False) == {"unicode": TITLE}


def test_vni_csv_is_detected_and_converted(world, client_for) -> None:
    client = client_for(world.ks_staff)
    data = to_vni(csv_text([regulation_row(1, title=TITLE, host=HOST, parties=PARTY, fields="Hình sự")]))
    job = job_of(upload(client, data, "quy-che-vni.csv"))
    assert job.status == ImportStatus.READY, job.errors
    assert job.encoding == "VNI-Windows"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Chuyển từ bảng mã VNI-Windows sang Unicode" in page
    [conversion] = job.layout["conversions"]
    sample = conversion["samples"][0]
    assert sample["before"] != sample["after"] and to_vni(sample["after"]).decode("cp1252") == sample["before"]
    assert f"<td>{sample['before']}</td><td>{sample['after']}</td>" in page  # before and after, side by side
    client.post(reverse("imports:confirm", args=[job.pk]))
    regulation = Regulation.objects.get()
    assert regulation.title == TITLE and regulation.host_agency == world.vks_ks


def test_tcvn3_cells_inside_xlsx_both_tables_are_converted(world, client_for) -> None:
    client = client_for(world.ks_staff)
    rows = [
        regulation_row(1, title=to_tcvn3(TITLE), host=to_tcvn3(HOST), parties=to_tcvn3(PARTY)),
        regulation_row(2, title=to_tcvn3h("QUY CHẾ PHỐI HỢP TRONG CÔNG TÁC XÉT XỬ"), parties="TA-KS"),
    ]
    job = job_of(upload(client, xlsx(rows)))
    assert job.status == ImportStatus.READY, (job.errors, job.layout.get("encoding_question"))
    labels = {c["label"] for c in job.layout["conversions"]}
    assert labels == {"TCVN3 (ABC)", "TCVN3 chữ hoa (.VnTimeH)"}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Quy chÕ phèi hîp" in page and "Chuyển từ bảng mã TCVN3 (ABC) sang Unicode" in page
    client.post(reverse("imports:confirm", args=[job.pk]))
    titles = set(Regulation.objects.values_list("title", flat=True))
    assert titles == {TITLE, "QUY CHẾ PHỐI HỢP TRONG CÔNG TÁC XÉT XỬ"}


def test_nfd_text_is_stored_composed(world, client_for) -> None:
    client = client_for(world.ks_staff)
    job = job_of(upload(client, xlsx([regulation_row(1, title=unicodedata.normalize("NFD", TITLE))])))
    assert job.status == ImportStatus.READY
    assert any("Unicode tổ hợp (NFD)" in note for note in job.notes)
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Regulation.objects.get().title == TITLE


def test_a_mixed_file_asks_which_reading_and_stores_nothing_until_then(world, client_for) -> None:
    client = client_for(world.ks_staff)
    rows = [
        regulation_row(1, title=TITLE, notes="Hà Tú"),  # Unicode; the note reads two ways
        regulation_row(2, title=to_tcvn3("Quy chế phối hợp thi hành án"), parties="TA-KS"),  # TCVN3
    ]
    job = job_of(upload(client, xlsx(rows)))
    assert job.status == ImportStatus.NEEDS_INPUT
    question = job.layout["encoding_question"]
    assert [o["value"] for o in question["options"]] == ["unicode", "tcvn3"]
    assert question["samples"] == [{"before": "Hà Tú", "readings": ["Hà Tú", "Hà Tỳ"]}]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Chọn cách đọc bảng mã" in page and "Hà Tỳ" in page
    assert "Xác nhận nhập dữ liệu" not in page
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 302
    assert Regulation.objects.count() == 0

    url = reverse("imports:mapping", args=[job.pk])
    response = client.post(url, {"step": "encoding", "encoding": "nonsense"})
    assert response.status_code == 400 and "Chưa lưu được" in response.content.decode()
    response = client.post(url, {"step": "encoding"})  # no reading chosen: asked again, not another step
    assert response.status_code == 400 and "Hãy chọn một cách đọc." in response.content.decode()
    client.post(url, {"step": "encoding", "encoding": "unicode"})
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.errors
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert set(Regulation.objects.values_list("notes", flat=True)) == {"Hà Tú", ""}
    assert Regulation.objects.get(number__startswith="02/").title == "Quy chế phối hợp thi hành án"


def test_an_unreadable_csv_names_the_encodings_tried(world, client_for) -> None:
    text = csv_text([regulation_row(1, title="Quy chế phối hợp")])
    data = text.encode("ascii", errors="replace") + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9E, 0x80])
    response = upload(client_for(world.ks_staff), data, "quy-che.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "VNI-Windows" in page and "TCVN3" in page and "CSV UTF-8" in page
    assert ImportJob.objects.count() == 0


def test_a_csv_mixing_utf8_and_tcvn3_lines_is_read_cell_by_cell(world, client_for) -> None:
    client = client_for(world.ks_staff)
    first = csv_text([regulation_row(1, title=TITLE, host=HOST)]).encode("utf-8")
    second_title = "Quy chế phối hợp trong công tác thi hành án dân sự"
    second = csv_text([regulation_row(2, title=second_title)]).split("\n", 1)[1].translate(TCVN3).encode("latin-1")
    job = job_of(upload(client, first + second, "so-cu.csv"))
    assert job.status == ImportStatus.READY, (job.errors, job.layout.get("encoding_question"))
    assert "TCVN3 (ABC)" in job.encoding
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert set(Regulation.objects.values_list("title", flat=True)) == {TITLE, second_title}
