"""The all-or-nothing CSV import of agencies and people, as a service and as a command."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, AgencySuccession, Locality, Person
from agencies.services import AGENCY_COLUMNS, ImportFailed, import_csv

pytestmark = pytest.mark.django_db

HEADER = ",".join(AGENCY_COLUMNS)
DEMO = Path(__file__).resolve().parents[2] / "agencies" / "demo"


def row(**values) -> str:
    return ",".join(values.get(c, "") for c in AGENCY_COLUMNS)


GOOD_AGENCIES = (
    "\n".join(
        [
            HEADER,
            row(
                code="VKSTC",
                name="Viện kiểm sát nhân dân tối cao",
                kind="procuracy",
                level="supreme",
                locality="Toàn quốc",
                locality_level="national",
            ),
            row(
                code="VKS-KH",
                name="Viện kiểm sát nhân dân tỉnh Khánh Hòa",
                kind="procuracy",
                level="province",
                parent_code="VKSTC",
                locality="Toàn quốc / Khánh Hòa",
                locality_level="province",
            ),
            row(
                code="VKS-KS",
                name="Viện kiểm sát nhân dân huyện Khánh Sơn",
                kind="procuracy",
                level="district",
                parent_code="VKS-KH",
                locality="Toàn quốc / Khánh Hòa / Khánh Sơn",
                locality_level="district",
                active_to="30/06/2025",
                successor_code="VKS-KH",
                succession_kind="merged_into",
                succession_date="01/07/2025",
                locality_dissolved_on="30/06/2025",
            ),
        ]
    )
    + "\n"
)
GOOD_PEOPLE = "full_name,position,agency_code,active_from,active_to\nĐặng Văn Bình,Viện trưởng,VKS-KS,01/01/2020,\n"


def bad_agencies() -> str:
    lines = GOOD_AGENCIES.splitlines()
    lines.append(
        row(
            code="X1",
            name="Cơ quan sai loại",
            kind="bakery",
            level="province",
            locality="Toàn quốc / Hà Giang",
            locality_level="province",
        )
    )
    lines.append(
        row(
            code="X2",
            name="Cơ quan sai ngày",
            kind="court",
            level="province",
            locality="Toàn quốc / Hà Giang",
            locality_level="province",
            active_from="31/02/2024",
        )
    )
    return "\n".join(lines) + "\n"


def test_good_file_imports():
    result = import_csv(GOOD_AGENCIES, GOOD_PEOPLE)
    assert (result.agencies_created, result.people_created) == (3, 1)
    ks = Agency.objects.get(code="VKS-KS")
    assert ks.parent.code == "VKS-KH"
    assert ks.locality.path.startswith(Agency.objects.get(code="VKS-KH").locality.path)
    assert ks.locality.active_to.isoformat() == "2025-06-30"
    assert AgencySuccession.objects.get(predecessor=ks).successor.code == "VKS-KH"
    assert Person.objects.get().agency == ks
    assert ks.search_text == "vien kiem sat nhan dan huyen khanh son vks-ks"


def test_import_is_idempotent():
    import_csv(GOOD_AGENCIES, GOOD_PEOPLE)
    result = import_csv(GOOD_AGENCIES, GOOD_PEOPLE)
    assert (result.agencies_created, result.agencies_updated, result.people_created) == (0, 3, 0)
    assert Locality.objects.count() == 3


def test_malformed_rows_import_nothing_and_name_the_lines():
    with pytest.raises(ImportFailed) as info:
        import_csv(bad_agencies(), GOOD_PEOPLE)
    errors = info.value.errors
    assert any("dòng 5" in e and "bakery" in e for e in errors), errors
    assert any("dòng 6" in e and "31/02/2024" in e for e in errors), errors
    assert Agency.objects.count() == 0
    assert Locality.objects.count() == 0
    assert Person.objects.count() == 0


def test_unknown_agency_in_people_file_imports_nothing():
    people = GOOD_PEOPLE + "Người Lạ,Cán bộ,KHONG-CO,,\n"
    with pytest.raises(ImportFailed) as info:
        import_csv(GOOD_AGENCIES, people)
    assert "Tệp cán bộ, dòng 3" in str(info.value)
    assert Agency.objects.count() == 0


def test_missing_column_is_reported():
    with pytest.raises(ImportFailed, match="thiếu cột"):
        import_csv("code,name\nA,B\n", None)


def test_command_imports_good_files(tmp_path):
    (tmp_path / "a.csv").write_text(GOOD_AGENCIES, encoding="utf-8")
    (tmp_path / "p.csv").write_text("\ufeff" + GOOD_PEOPLE, encoding="utf-8")
    call_command("import_agencies", agencies=tmp_path / "a.csv", people=tmp_path / "p.csv")
    assert Agency.objects.count() == 3
    assert Person.objects.count() == 1


def test_command_with_bad_file_raises_and_imports_nothing(tmp_path):
    (tmp_path / "a.csv").write_text(bad_agencies(), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_agencies", "--agencies", str(tmp_path / "a.csv"))
    message = str(info.value)
    assert "Không nhập dữ liệu nào" in message
    assert "dòng 5" in message and "dòng 6" in message
    assert Agency.objects.count() == 0


def test_command_needs_a_file():
    with pytest.raises(CommandError, match="Cần ít nhất một tệp"):
        call_command("import_agencies")


def test_demo_csvs_import():
    result = import_csv((DEMO / "agencies.csv").read_text("utf-8"), (DEMO / "people.csv").read_text("utf-8"))
    assert result.agencies_created > 20
    assert Agency.objects.get(code="VKS-KS").successions.get().successor.code == "VKS-KV7-KH"
