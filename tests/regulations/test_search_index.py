"""The register's search is shaped so PostgreSQL can answer it from its trigram indexes (issue 25,
point 3): the words are tested on the regulations' and the originals' text through their indexes, and
the ids found are joined to the scoped list; never a filter evaluated row by row over the whole list
(the former ``words OR pk IN (…)`` shape was: a sequential scan at national scale). A search with many
matches finds its page by walking the register's order with the same test row by row (issue 23): the
same rows, in the same order; its count stays the id set's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from originals import services
from originals.models import RegulationWords
from regulations import selectors, views
from regulations.filters import RegulationFilter
from regulations.models import Regulation
from tests.originals.factories import read_text
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")


def plan(sql: str, params: tuple) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a large table: the index, if the shape allows
        cursor.execute(f"EXPLAIN {sql}", params)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_search_count_and_rows_read_the_trigram_indexes(world):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], title="Tố giác, tin báo về tội phạm")
    user = world.kh_leader
    qs = RegulationFilter(
        {"q": "to giac tin bao"}, queryset=selectors.listing(user), user=user, today=selectors.today()
    ).qs
    assert qs.count() == 1
    count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
    rows_sql, rows_params = qs[:25].query.sql_with_params()
    for lines in (plan(f"SELECT count(*) FROM ({count_sql}) s", count_params), plan(rows_sql, rows_params)):
        text = "\n".join(lines)
        assert "regulation_search_trgm" in text and "regulation_words_fts" in text, text
        assert "Seq Scan" not in text, text
        # The old shape tested the words row by row beside the amendments' ids: "Filter: (… OR hashed SubPlan)".
        assert not [line for line in lines if "search_text" in line and ("SubPlan" in line or " OR " in line)], text


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["to giac tin bao", "tam giu", "quy che", "khong co dau"])
def test_walking_the_register_finds_the_same_rows_in_the_same_order(world, q):
    def regulation(number: str, title: str = "Quy chế phối hợp", **kwargs):
        return RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=number, title=title, **kwargs)

    regulation("01/QC", "Tố giác, tin báo về tội phạm")
    by_amendment, amendment = regulation("02/QC"), regulation("03/QC", "Sửa đổi về tố giác, tin báo")
    by_original = regulation("04/QC")
    read_text(by_original, 1, "Người bị tạm giữ; tố giác, tin báo")
    by_amendments_original, amendment_read = regulation("05/QC"), regulation("06/QC", "Sửa đổi")
    read_text(amendment_read, 1, "Tạm giữ")
    regulation("07/QC", "Thi hành án")
    Regulation.objects.filter(pk=amendment.pk).update(amendment_of=by_amendment)
    Regulation.objects.filter(pk=amendment_read.pk).update(amendment_of=by_amendments_original)
    services.rebuild_words()
    assert RegulationWords.objects.count() == 2
    user = world.kh_leader

    def found(walk: bool) -> list[int]:
        qs = RegulationFilter(
            {"q": q}, queryset=selectors.listing(user), user=user, today=selectors.today(), walk=walk
        ).qs
        return list(qs.values_list("pk", flat=True))

    assert found(walk=True) == found(walk=False)
    if q == "tam giu":
        assert set(found(walk=True)) == {by_original.pk, by_amendments_original.pk}


@pytest.mark.django_db
def test_a_search_with_many_matches_walks_the_register_for_its_page(world, client_for, monkeypatch):
    for n in range(3):
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n}/QC-KS", title="Tố giác")
    client = client_for(world.ks_staff)
    walked: list[bool] = []
    filtered = views._filtered

    def spy(request, walk=False):
        walked.append(walk)
        return filtered(request, walk)

    monkeypatch.setattr(views, "_filtered", spy)
    page = client.get(reverse("regulations:list"), {"q": "to giac"}).content.decode()
    assert walked == [False] and all(f"{n}/QC-KS" in page for n in range(3))

    monkeypatch.setattr(views, "WALK_FROM", 3)
    walked.clear()
    again = client.get(reverse("regulations:list"), {"q": "to giac"}).content.decode()
    assert walked == [False, True] and all(f"{n}/QC-KS" in again for n in range(3))
