"""Writes: validation rules, relations and derived dates, originals, search text."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.search import matches_all_words
from regulations import services
from regulations.models import (
    Field,
    Original,
    PartyRole,
    Regulation,
    RegulationStatus,
    RelationKind,
)
from regulations.rules import status_on
from tests.factories import AgencyFactory
from tests.regulations import helpers
from tests.regulations.factories import RegulationFactory

D = datetime.date


def party(agency, role=PartyRole.PARTY, name=""):
    return {"agency": agency, "role": role, "signatory_name": name, "signatory_title": "", "signing_capacity": ""}


def data(**overrides):
    values = {
        "number": "01/QCPH-VKSKS",
        "title": "Quy chế phối hợp trong thi hành án dân sự",
        "type": "coordination_rule",
        "signed_on": D(2021, 3, 1),
        "in_force_from": D(2021, 3, 1),
        "expires_on": None,
        "review_interval_months": 12,
        "summary": "",
        "notes": "",
    }
    values.update(overrides)
    return values


def create(world, **overrides):
    parties = overrides.pop("parties", None) or [
        party(world.vks_ks, PartyRole.HOST, "Bùi Văn Đức"),
        party(world.ta_ks, name="Phạm Thị Hoa"),
    ]
    return services.create_regulation(
        world.ks_staff,
        data(**overrides),
        parties,
        **{k: overrides.pop(k) for k in list(overrides) if k in ("articles", "files", "relations")},
    )


@pytest.mark.django_db
def test_create_sets_locality_creator_search_text_and_schedule(world):
    reg = services.create_regulation(
        world.ks_staff,
        data(fields=Field.objects.filter(code="civil_enforcement")),
        [party(world.vks_ks, PartyRole.HOST, "Bùi Văn Đức"), party(world.ta_ks, name="Phạm Thị Hoa")],
        articles=[{"number": 1, "chapter": 1, "heading": "Phạm vi", "text": ""}],
        files=[("signed_scan", helpers.pdf())],
    )
    assert reg.locality == world.khanh_son
    assert reg.host_agency == world.vks_ks
    assert reg.created_by == world.ks_staff
    assert reg.next_review_due == D(2022, 3, 1)
    assert "bui van duc" in reg.search_text and "toa an nhan dan huyen khanh son" in reg.search_text
    assert reg.articles.count() == 1 and reg.originals.count() == 1
    assert reg.history.first().history_user == world.ks_staff
    original = reg.originals.get()
    assert original.original_name == "ban-ky.pdf"
    assert "ban-ky" not in original.file.name and len(Path(original.file.name).stem) >= 24


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"in_force_from": D(2021, 2, 1)}, "in_force_from", "Ngày có hiệu lực không được trước ngày ký."),
        ({"expires_on": D(2021, 2, 28)}, "expires_on", "Ngày hết hiệu lực không được trước ngày có hiệu lực."),
    ],
)
def test_date_rules(world, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        create(world, **overrides)
    assert exc.value.message_dict[field] == [message]
    assert not Regulation.objects.exists()


@pytest.mark.django_db
def test_party_rules(world):
    with pytest.raises(ValidationError) as exc:
        create(world, parties=[party(world.vks_ks, PartyRole.HOST)])
    assert "Cần ít nhất hai bên ký kết" in exc.value.message_dict["parties"][0]
    with pytest.raises(ValidationError) as exc:
        create(world, parties=[party(world.vks_ks, PartyRole.HOST), party(world.ta_ks, PartyRole.HOST)])
    assert "Phải có đúng một cơ quan chủ trì." in exc.value.message_dict["parties"]
    with pytest.raises(ValidationError) as exc:
        create(world, parties=[party(world.vks_ks, PartyRole.HOST), party(world.vks_ks)])
    assert "Cơ quan này đã có trong danh sách các bên ký kết." in exc.value.message_dict["parties"]
    with pytest.raises(ValidationError) as exc:
        create(world, parties=[party(world.vks_hg, PartyRole.HOST), party(world.ta_ks)])
    assert "Bạn không có quyền ghi nhận văn bản do cơ quan này chủ trì." in exc.value.message_dict["parties"]


@pytest.mark.django_db
def test_number_unique_per_host(world):
    create(world)
    with pytest.raises(ValidationError) as exc:
        create(world)
    assert exc.value.message_dict["number"] == [str(services.MSG_NUMBER_TAKEN)]
    # The same number under another host is fine.
    hg_parties = [party(world.vks_hg, PartyRole.HOST), party(world.ta_hg)]
    other = services.create_regulation(world.hg_staff, data(), hg_parties)
    assert other.number == "01/QCPH-VKSKS"


@pytest.mark.django_db
def test_clerk_cannot_create(world):
    with pytest.raises(PermissionDenied):
        services.create_regulation(world.ks_clerk, data(), [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)])


@pytest.mark.django_db
def test_supersede_makes_old_one_superseded_and_stops_reviews(world):
    old = create(world)
    new = create(
        world,
        number="02/QCPH-VKSKS",
        signed_on=D(2023, 5, 11),
        in_force_from=D(2023, 5, 11),
        relations=[{"kind": RelationKind.SUPERSEDES, "target": old, "effective_on": D(2023, 5, 11)}],
    )
    old.refresh_from_db()
    assert old.superseded_on == D(2023, 5, 11)
    assert old.next_review_due is None
    assert status_on(old, D(2024, 1, 1)) == RegulationStatus.SUPERSEDED
    assert status_on(new, D(2024, 1, 1)) == RegulationStatus.IN_FORCE
    # Removing the relation on edit restores the old one.
    services.update_regulation(
        world.ks_staff,
        new,
        data(number="02/QCPH-VKSKS", signed_on=D(2023, 5, 11), in_force_from=D(2023, 5, 11)),
        [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)],
        relations=[],
    )
    old.refresh_from_db()
    assert old.superseded_on is None and old.next_review_due is not None


@pytest.mark.django_db
def test_self_relation_and_cycle_refused(world):
    a = create(world)
    b = create(
        world,
        number="02/QCPH-VKSKS",
        relations=[{"kind": RelationKind.SUPERSEDES, "target": a, "effective_on": D(2022, 1, 1)}],
    )
    with pytest.raises(ValidationError) as exc:
        services.add_relation(world.ks_staff, a, a, RelationKind.AMENDS, D(2022, 1, 1))
    assert exc.value.message_dict["target"] == [str(services.MSG_SELF_RELATION)]
    with pytest.raises(ValidationError) as exc:
        services.add_relation(world.ks_staff, a, b, RelationKind.SUPERSEDES, D(2022, 1, 1))
    assert "vòng lặp" in exc.value.message_dict["target"][0]
    c = create(
        world,
        number="03/QCPH-VKSKS",
        relations=[{"kind": RelationKind.AMENDS, "target": b, "effective_on": D(2022, 2, 1)}],
    )
    with pytest.raises(ValidationError):  # a -> c would close c -> b -> a
        services.update_regulation(
            world.ks_staff,
            a,
            data(),
            [party(world.vks_ks, PartyRole.HOST), party(world.ta_ks)],
            relations=[{"kind": RelationKind.SUPERSEDES, "target": c, "effective_on": D(2022, 3, 1)}],
        )
    # Repealing is not a chain link.
    services.add_relation(world.ks_staff, a, c, RelationKind.REPEALS, D(2022, 3, 1))
    c.refresh_from_db()
    assert c.repealed_on == D(2022, 3, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("make", [helpers.exe_as_pdf, helpers.empty, helpers.big_pdf])
def test_bad_file_saves_nothing(world, make):
    with pytest.raises(ValidationError) as exc:
        create(world, files=[("signed_scan", helpers.pdf()), ("signed_scan", make())])
    assert exc.value.message_dict["originals"]
    assert not Regulation.objects.exists() and not Original.objects.exists()


@pytest.mark.django_db
def test_add_original_checks_content(world):
    reg = create(world)
    with pytest.raises(ValidationError):
        services.add_original(world.ks_staff, reg, "signed_scan", helpers.exe_as_pdf())
    assert not reg.originals.exists()
    services.add_original(world.ks_staff, reg, "editable_text", helpers.docx())
    assert reg.originals.get().content_type.endswith("wordprocessingml.document")


@pytest.mark.django_db
def test_accent_insensitive_search(world):
    create(world, title="Quy chế phối hợp trong thi hành án dân sự")
    services.create_regulation(
        world.hg_staff,
        data(number="01/QCPH-BCSĐVKS-BCSĐTA", title="Quy chế phối hợp lãnh đạo, chỉ đạo"),
        [party(world.vks_hg, PartyRole.HOST, "Đặng Bình Giang"), party(world.ta_hg, name="Thân Quốc Hùng")],
    )
    found = Regulation.objects.filter(matches_all_words("search_text", "quy che phoi hop thi hanh an"))
    assert [r.title for r in found] == ["Quy chế phối hợp trong thi hành án dân sự"]
    found = Regulation.objects.filter(matches_all_words("search_text", "dang binh giang"))
    assert [r.number for r in found] == ["01/QCPH-BCSĐVKS-BCSĐTA"]
    found = Regulation.objects.filter(matches_all_words("search_text", "ĐẶNG Bình"))
    assert found.count() == 1


@pytest.mark.django_db
def test_search_text_follows_party_changes(world):
    reg = create(world)
    partner = AgencyFactory(name="Chi cục Thi hành án dân sự huyện Khánh Sơn", locality=world.khanh_son)
    services.update_regulation(world.ks_staff, reg, data(), [party(world.vks_ks, PartyRole.HOST), party(partner)])
    assert "chi cuc thi hanh an" in Regulation.objects.get(pk=reg.pk).search_text
    assert "toa an" not in Regulation.objects.get(pk=reg.pk).search_text


@pytest.mark.django_db
def test_update_switches_host_without_breaking_constraints(world):
    reg = create(world)
    other_host = AgencyFactory(locality=world.khanh_son)
    services.update_regulation(world.ks_staff, reg, data(), [party(world.vks_ks), party(other_host, PartyRole.HOST)])
    reg.refresh_from_db()
    assert reg.host_agency == other_host
    assert reg.parties.get(role=PartyRole.HOST).agency == other_host


@pytest.mark.django_db
def test_factory_regulation_is_consistent(world):
    reg = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    assert reg.parties.count() == 2 and reg.next_review_due is not None
