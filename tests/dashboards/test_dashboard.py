"""Dashboard figures against independent queries, scoping, breakdown sums, query bounds, exports."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse

from dashboards import selectors
from meetings.models import Directive, Meeting, MeetingKind
from regulations.models import Regulation, RegulationParty
from tests.dashboards.factories import at, build_dashboard_world

HELD = ("held", "minutes_finalised")


@pytest.fixture
def dw(db):
    return build_dashboard_world()


def expected(path: str, year: int, today: datetime.date) -> dict[str, int]:
    """The same figures, counted independently: by locality path join, year lookup, status rules in Python."""
    from regulations import rules

    meetings = Meeting.objects.filter(locality__path__startswith=path, state__in=HELD, starts_at__year=year)
    regs = list(Regulation.objects.filter(locality__path__startswith=path))
    directives = Directive.objects.filter(locality__path__startswith=path)
    return {
        "interim": meetings.filter(kind=MeetingKind.INTERIM_REVIEW).count(),
        "final": meetings.filter(kind=MeetingKind.FINAL_REVIEW).count(),
        "interagency": meetings.filter(kind=MeetingKind.INTERAGENCY).count(),
        "signing": meetings.filter(kind=MeetingKind.SIGNING).count(),
        "in_force": sum(rules.status_on(r, today) == "in_force" for r in regs),
        "amended": sum(rules.status_on(r, today) == "amended" for r in regs),
        "due_soon": sum(rules.review_state_on(r, today) == "due_soon" for r in regs),
        "overdue": sum(rules.review_state_on(r, today) == "overdue" for r in regs),
        "directives_open": directives.filter(state="open").count(),
        "directives_done": directives.filter(state="done").count(),
        "directives_overdue": sum(d.is_overdue(today) for d in directives),
    }


def year_period(year: int) -> selectors.Period:
    return selectors.Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)


@pytest.mark.parametrize(
    "who,root", [("supreme_leader", "national"), ("kh_leader", "khanh_hoa"), ("hg_leader", "ha_giang")]
)
def test_figures_equal_independent_counts(dw, who, root):
    w, today = dw.world, dw.today
    for year in (today.year, today.year - 1, today.year - 3):
        dash = selectors.build(w.users[who], None, year_period(year), today)
        want = expected(getattr(w, root).path, year, today)
        got = {k: dash.totals[k] for k in want}
        assert got == want, year
        assert dash.totals["reviews"] == want["interim"] + want["final"]
    # the fixture really exercises every figure
    dash = selectors.build(w.supreme_leader, None, year_period(today.year), today)
    assert all(
        dash.totals[k] > 0
        for k in (
            "interim",
            "final",
            "interagency",
            "signing",
            "in_force",
            "overdue",
            "due_soon",
            "directives_open",
            "directives_done",
            "directives_overdue",
        )
    )


def test_quarter_and_custom_periods(dw):
    w, today = dw.world, dw.today
    period, errors = selectors.parse_period({"period": "quarter", "year": str(today.year), "quarter": "1"}, today)
    assert not errors and period.start == datetime.date(today.year, 1, 1) and period.end.month == 3
    dash = selectors.build(w.kh_leader, None, period, today)
    q1 = Meeting.objects.filter(
        locality__path__startswith=w.khanh_hoa.path,
        state__in=HELD,
        starts_at__year=today.year,
        starts_at__month__lte=3,
        kind="interagency",
    ).count()
    assert dash.totals["interagency"] == q1
    period, errors = selectors.parse_period(
        {"period": "custom", "date_from": f"01/01/{today.year - 3}", "date_to": f"31/12/{today.year - 1}"}, today
    )
    assert not errors
    dash = selectors.build(w.kh_leader, None, period, today)
    want = sum(expected(w.khanh_hoa.path, y, today)["interim"] for y in range(today.year - 3, today.year))
    assert dash.totals["interim"] == want > 0


def test_bad_period_input_gives_vietnamese_errors(dw, client_for):
    response = client_for(dw.world.kh_leader).get(
        reverse("dashboard:index"), {"period": "custom", "date_from": "31/02/2024", "date_to": "x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "không đúng dạng ngày/tháng/năm" in body
    assert 'value="31/02/2024"' in body


def test_trend_by_year(dw):
    w, today = dw.world, dw.today
    dash = selectors.build(w.supreme_leader, None, year_period(today.year), today)
    assert [t["year"] for t in dash.trend] == list(range(today.year - 9, today.year + 1))
    for item in dash.trend:
        meetings = Meeting.objects.filter(state__in=HELD, starts_at__year=item["year"])
        assert item["reviews"] == meetings.filter(kind__in=("interim_review", "final_review")).count()
        assert item["interagency"] == meetings.filter(kind="interagency").count()


def test_by_field_and_partner_kind(dw):
    w, today = dw.world, dw.today
    dash = selectors.build(w.kh_leader, None, year_period(today.year), today)
    live = [
        r
        for r in Regulation.objects.filter(locality__path__startswith=w.khanh_hoa.path)
        if selectors.rules.status_on(r, today) == "in_force"
    ]
    for item in dash.by_field:
        assert item["value"] == sum(1 for r in live if r.fields.filter(pk=item["id"]).exists())
    kinds = {}
    for r in live:
        for kind in set(
            RegulationParty.objects.filter(regulation=r, role="party").values_list("agency__kind", flat=True)
        ):
            kinds[kind] = kinds.get(kind, 0) + 1
    assert {i["code"]: i["value"] for i in dash.by_partner_kind} == kinds
    assert set(kinds) >= {"court", "police_investigation"}


def test_overdue_list_sorted_with_days(dw):
    w, today = dw.world, dw.today
    dash = selectors.build(w.supreme_leader, None, year_period(today.year), today)
    assert len(dash.overdue) == min(20, dash.totals["overdue"])
    days = [r.days_overdue for r in dash.overdue]
    assert days == sorted(days, reverse=True) and all(d > 0 for d in days)


def test_breakdown_rows_sum_to_total(dw):
    w, today = dw.world, dw.today
    for who, child_names in (
        ("supreme_leader", {"Khánh Hòa", "Hà Giang"}),
        ("kh_leader", {"Khu vực 1 - Khánh Hòa", "Khu vực 2 - Khánh Hòa"}),
    ):
        dash = selectors.build(w.users[who], None, year_period(today.year - 1), today)
        labels = [r["label"] for r in dash.rows]
        assert set(labels[:-1]) == child_names
        assert labels[-1].startswith("Cấp ") and labels[-1].endswith("(trực tiếp)")
        for key in selectors.ALL_FIGURES:
            assert sum(r["figures"][key] for r in dash.rows) == dash.totals[key], key
    # a province row counts the whole subtree
    dash = selectors.build(w.supreme_leader, None, year_period(today.year - 1), today)
    kh_row = next(r for r in dash.rows if r["label"] == "Khánh Hòa")
    assert kh_row["figures"]["interagency"] == expected(w.khanh_hoa.path, today.year - 1, today)["interagency"]
    # Khánh Sơn (dissolved) is counted under Khu vực 1
    dash = selectors.build(w.kh_leader, None, year_period(today.year - 1), today)
    kv1 = next(r for r in dash.rows if r["label"] == "Khu vực 1 - Khánh Hòa")
    assert kv1["figures"]["interim"] == 2  # its own review and Khánh Sơn's


def test_leader_sees_nothing_of_another_province(dw, client_for):
    w = dw.world
    client = client_for(w.kh_leader)
    assert client.get(reverse("dashboard:index"), {"agency": w.vks_hg.pk}).status_code == 404
    assert client.get(reverse("dashboard:export_xlsx"), {"agency": w.vks_hg.pk}).status_code == 404
    assert client.get(reverse("dashboard:index"), {"agency": "abc"}).status_code == 404
    response = client.get(reverse("dashboard:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hà Giang" not in body
    dash = response.context["dash"]
    assert dash.totals["interagency"] == expected(w.khanh_hoa.path, dw.today.year, dw.today)["interagency"]
    # choosing a sub-unit in scope works
    kv2 = dw.regions["KV2KH"][1]
    response = client.get(reverse("dashboard:index"), {"agency": kv2.pk})
    assert response.status_code == 200
    assert (
        response.context["dash"].totals["interagency"]
        == expected(dw.regions["KV2KH"][0].path, dw.today.year, dw.today)["interagency"]
    )


def test_staff_see_only_their_own_unit(dw, client_for):
    w = dw.world
    client = client_for(w.kv1_staff)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    dash = response.context["dash"]
    # own regional unit plus the dissolved district it carries
    assert dash.totals == selectors.build(w.kv1_staff, None, dash.period, dw.today).totals
    want = expected(dw.regions["KV1KH"][0].path, dw.today.year, dw.today)
    assert {k: dash.totals[k] for k in want} == want
    assert 'name="agency"' not in response.content.decode()
    # another unit, even one below in the same province: refused
    assert client.get(reverse("dashboard:index"), {"agency": w.vks_kh.pk}).status_code == 403
    assert client.get(reverse("dashboard:index"), {"agency": w.vks_hg.pk}).status_code == 403
    assert client.get(reverse("dashboard:index"), {"agency": dw.regions["KV1KH"][1].pk}).status_code == 200


def test_staff_at_province_do_not_see_sub_units(dw, client_for):
    w = dw.world
    dash = client_for(w.kh_staff).get(reverse("dashboard:index")).context["dash"]
    own = Meeting.objects.filter(
        locality=w.khanh_hoa, state__in=HELD, starts_at__year=dw.today.year, kind="interagency"
    ).count()
    assert dash.totals["interagency"] == own


def test_unit_choices_indented_and_scoped(dw):
    w = dw.world
    active, dissolved = selectors.unit_choices(w.kh_leader)
    labels = [label for _pk, label in active + dissolved]
    assert labels[0] == "Viện kiểm sát nhân dân tỉnh Khánh Hòa"
    assert any(label.startswith("\u00a0\u00a0Viện kiểm sát nhân dân Khu vực 1") for label in labels)
    assert not any("Hà Giang" in label for label in labels)


def test_unit_picker_lists_active_units_first_and_marks_dissolved_ones(dw, client_for):
    from tests.factories import AgencySuccessionFactory

    w = dw.world
    kv1 = dw.regions["KV1KH"][1]
    w.vks_ks.active_to = datetime.date(2025, 6, 30)
    w.vks_ks.save()
    AgencySuccessionFactory(predecessor=w.vks_ks, successor=kv1)
    active, dissolved = selectors.unit_choices(w.kh_leader)
    assert w.vks_ks.pk not in [pk for pk, _label in active]
    assert dissolved == [
        (w.vks_ks.pk, f"Viện kiểm sát nhân dân huyện Khánh Sơn (đã giải thể) → nay là {kv1.short_name or kv1.name}")
    ]
    body = client_for(w.kh_leader).get(reverse("dashboard:index")).content.decode()
    group = body.index('<optgroup label="Đơn vị đã giải thể">')
    assert body.index(f'<option value="{kv1.pk}"') < group < body.index(f'<option value="{w.vks_ks.pk}"')


def test_overdue_table_names_the_carrier_of_a_dissolved_host(dw, client_for):
    from tests.factories import AgencySuccessionFactory

    w = dw.world
    kv1 = dw.regions["KV1KH"][1]
    w.vks_ks.active_to = datetime.date(2025, 6, 30)
    w.vks_ks.save()
    AgencySuccessionFactory(predecessor=w.vks_ks, successor=kv1)
    response = client_for(w.kh_leader).get(reverse("dashboard:index"))
    overdue = response.context["dash"].overdue
    assert any(reg.host_agency_id == w.vks_ks.pk for reg in overdue)
    table = response.content.decode().split('id="overdue-title"')[1].split("</table>")[0]
    assert "đã giải thể" in table and "nay là" in table and (kv1.short_name or kv1.name) in table


def test_invalid_period_shows_the_error_and_no_figures(dw, client_for):
    client = client_for(dw.world.kh_leader)
    response = client.get(
        reverse("dashboard:index"), {"period": "custom", "date_from": "01/02/2024", "date_to": "01/01/2024"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in body
    assert 'class="stat-value"' not in body and 'id="breakdown-title"' not in body and 'class="chart"' not in body
    assert 'value="01/02/2024"' in body
    export = client.get(reverse("dashboard:export_xlsx"), {"period": "custom", "date_from": "x"})
    assert export.status_code == 302 and "date_from=x" in export["Location"]


def test_directive_cards_add_up(dw):
    dash = selectors.build(dw.world.kh_leader, None, year_period(dw.today.year), dw.today)
    keys = [card["key"] for card in selectors.figure_cards(dash)]
    assert "directives_open" not in keys and {"directives_in_time", "directives_overdue"} <= set(keys)
    assert dash.totals["directives_in_time"] + dash.totals["directives_overdue"] == dash.totals["directives_open"]
    assert dash.totals["directives_in_time"] > 0 and dash.totals["directives_overdue"] > 0


def _count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def test_every_figure_of_cards_table_and_charts_links_to_its_count(dw, client_for):
    """Cards, every cell of the sub-unit table and every chart bar: the list behind the link counts the figure."""
    from urllib.parse import parse_qs, urlsplit

    w = dw.world
    client = client_for(w.kh_leader)
    response = client.get(reverse("dashboard:index"), {"year": dw.today.year - 1})
    context = response.context
    for card in context["cards"]:
        assert card["url"], card["key"]
        assert _count(client, card["url"]) == card["value"], card["key"]
    for row in context["breakdown_rows"]:
        if row["agency_id"] is None:
            continue  # the root's own records: counted in the totals, no unit to filter by
        for cell in row["cells"]:
            assert cell["url"], row["label"]
            assert _count(client, cell["url"]) == cell["value"], (row["label"], cell["url"])
    dash = context["dash"]
    for item in dash.trend:
        for key in ("interim", "final", "interagency"):
            url = item[f"{key}_url"]
            assert _count(client, url) == item[key], (item["year"], key)
            assert parse_qs(urlsplit(url).query)["date_from"] == [f"01/01/{item['year']}"]
    for item in dash.by_field + dash.by_partner_kind:
        assert _count(client, item["url"]) == item["value"], item["label"]
    body = response.content.decode()
    assert body.count('<a href="/hoi-nghi/?') >= 3 * len(dash.trend)  # the SVG bars are links too


def test_dashboard_query_count_is_bounded(dw, client_for, django_assert_max_num_queries):
    client = client_for(dw.world.supreme_leader)
    client.get(reverse("dashboard:index"))
    with django_assert_max_num_queries(22):
        assert client.get(reverse("dashboard:index")).status_code == 200
    # more data, same number of queries
    build_more(dw)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("dashboard:index")).status_code == 200


def build_more(dw) -> None:
    from tests.meetings.factories import MeetingFactory
    from tests.regulations.factories import RegulationFactory

    w = dw.world
    for n in range(15):
        RegulationFactory(host_agency=w.vks_hg, partners=[w.ta_hg], signed_on=datetime.date(2019, 1, 1 + n))
        MeetingFactory(host_agency=w.vks_kh, kind="interagency", state="held", starts_at=at(2024, 5, 10))


def test_links_carry_the_filters(dw, client_for):
    w = dw.world
    dash = selectors.build(w.kh_leader, None, year_period(2024), dw.today)
    for key, url in dash.links.items():
        assert f"agency={w.vks_kh.pk}" in url, key
    if "interim" in dash.links:
        assert "kind=interim_review" in dash.links["interim"]
        assert "date_from=01%2F01%2F2024" in dash.links["interim"] and "held=1" in dash.links["interim"]
    if "overdue" in dash.links:
        assert "review_state=overdue" in dash.links["overdue"]


def test_drill_down_regulation_counts_match(dw, client_for):
    """The regulations list, filtered as the dashboard links, shows the same number of rows."""
    pytest.importorskip("regulations.views")
    w = dw.world
    client = client_for(w.kh_leader)
    dash = client.get(reverse("dashboard:index")).context["dash"]
    for key in ("in_force", "amended", "due_soon", "overdue"):
        url = dash.links[key]
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == dash.totals[key], key


def test_xlsx_export_contains_the_figures(dw, client_for):
    from openpyxl import load_workbook

    w = dw.world
    response = client_for(w.kh_leader).get(reverse("dashboard:export_xlsx"), {"year": dw.today.year - 1})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Tổng quan"]
    values = {row[0]: row[1] for row in ws.iter_rows(min_row=6, values_only=True) if row[0]}
    want = expected(w.khanh_hoa.path, dw.today.year - 1, dw.today)
    assert values["Họp liên ngành"] == want["interagency"]
    assert values["Quá hạn sơ kết"] == want["overdue"]
    rows = list(wb["Theo đơn vị"].iter_rows(values_only=True))
    assert rows[-1][0] == "Tổng cộng"
    assert {r[0] for r in rows[1:-1]} >= {"Khu vực 1 - Khánh Hòa", "Khu vực 2 - Khánh Hòa"}


def test_pdf_export_contains_the_figures(dw, client_for):
    import pdfplumber

    w = dw.world
    response = client_for(w.kh_leader).get(reverse("dashboard:export_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "BÁO CÁO" in text
    # The agency name is printed on lines that never break inside a phrase (portal.pdf.name_lines).
    assert "VIỆN KIỂM SÁT NHÂN DÂN" in text and "TỈNH KHÁNH HÒA" in text
    assert "Quá hạn sơ kết" in text
    assert "Khu vực 1 -" in text and "Tổng cộng" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_no_inline_script_and_charts_are_accessible(dw, client_for):
    body = client_for(dw.world.supreme_leader).get(reverse("dashboard:index")).content.decode()
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, re.S)
    assert all(not content.strip() for content in scripts)  # only the shared scripts, by src
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", body))
    assert body.count('role="group"') >= 3 and 'aria-labelledby="chart-trend-title"' in body
    assert body.count("<figcaption") >= 3


def test_drill_down_meeting_counts_match(dw, client_for):
    client = client_for(dw.world.kh_leader)
    dash = client.get(reverse("dashboard:index")).context["dash"]
    for key in ("interim", "final", "interagency", "signing"):
        response = client.get(dash.links[key])
        assert response.context["page_obj"].paginator.count == dash.totals[key], key


def test_drill_down_directive_counts_match(dw, client_for):
    client = client_for(dw.world.kh_leader)
    dash = client.get(reverse("dashboard:index")).context["dash"]
    for key in ("directives_open", "directives_in_time", "directives_done", "directives_overdue"):
        response = client.get(dash.links[key])
        assert response.context["page_obj"].paginator.count == dash.totals[key], key
