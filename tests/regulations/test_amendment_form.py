"""Recording an amendment from the regulation's page (issue #20, point 6): the form names what it
amends, copies the parties (co-signers with their signatories), asks no review cycle, and saves on
the first try."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from regulations.models import PartyRole, Regulation, RelationKind
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def amended(world) -> Regulation:
    regulation = RegulationFactory(
        host_agency=world.vks_ks,
        partners=[world.ta_ks],
        partners__host_signatory="Bùi Văn Đức",
        number="04/2023/QCPH-VKSKS-TAKS",
        title="Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        signed_on=datetime.date(2023, 3, 1),
    )
    regulation.parties.filter(agency=world.ta_ks).update(signatory_name="Lê Thị Hoa", signatory_title="Chánh án")
    return regulation


def form_values(editor) -> dict:
    """The form as the browser posts it untouched: every field's shown value, rows and management forms."""
    values: dict = {}
    forms = [editor.form]
    for formset in editor.formsets:
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, list):
                values[field.html_name] = [str(getattr(v, "pk", v)) for v in value]
            elif value is not None and value is not False:
                shown = field.field.widget.format_value(getattr(value, "pk", value))
                if isinstance(shown, list) and not getattr(field.field.widget, "allow_multiple_selected", False):
                    shown = shown[0] if shown else None
                if shown not in (None, ""):
                    values[field.html_name] = shown
    return values


def test_the_amendment_form_names_what_it_amends_and_copies_the_parties(world, client_for, amended) -> None:
    client = client_for(world.ks_staff)
    detail = client.get(amended.get_absolute_url()).content.decode()
    url = f"{reverse('regulations:create')}?sua_doi={amended.pk}"
    assert url.replace("&", "&amp;") in detail or url in detail
    response = client.get(url)
    page = response.content.decode()
    assert (
        "Ghi nhận văn bản sửa đổi, bổ sung cho 04/2023/QCPH-VKSKS-TAKS — "
        "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm" in page
    )
    assert "review_interval_months" not in page and "final_review_on" not in page
    assert "Các điều được sửa đổi, bổ sung" in page
    values = form_values(response.context["editor"])
    assert values["parties-0-agency"] == str(world.vks_ks.pk) and values["parties-0-role"] == PartyRole.HOST
    assert values["parties-1-agency"] == str(world.ta_ks.pk) and values["parties-1-signatory_name"] == "Lê Thị Hoa"

    # First try: the number, the dates, a summary and the article changed; nothing else touched.
    values |= {
        "number": "01/2026/QĐ-SĐBS",
        "signed_on": "02/03/2026",
        "in_force_from": "02/03/2026",
        "summary": "Sửa đổi thời hạn chuyển tin báo.",
        "articles-0-number": "5",
        "articles-0-heading": "Thời hạn chuyển tin báo",
        "articles-0-text": "Trong 24 giờ kể từ khi tiếp nhận.",
    }
    response = client.post(url, values)
    assert response.status_code == 302, response.context["editor"].sections_with_errors()
    saved = Regulation.objects.get(number="01/2026/QĐ-SĐBS")
    assert saved.amendment_of_id == amended.pk
    assert saved.outgoing_relations.get().kind == RelationKind.AMENDS
    assert {(p.agency_id, p.role, p.signatory_name) for p in saved.parties.all()} == {
        (world.vks_ks.pk, PartyRole.HOST, "Bùi Văn Đức"),
        (world.ta_ks.pk, PartyRole.PARTY, "Lê Thị Hoa"),
    }
    assert saved.articles.get().number == 5 and saved.next_review_due is None
    amended.refresh_from_db()
    assert amended.amended_on == datetime.date(2026, 3, 2)
