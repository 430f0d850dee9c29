"""The register's search is shaped so PostgreSQL can answer it from its trigram indexes (issue 25,
point 3): the words are tested on the regulations' and the originals' text through their indexes, and
the ids found are joined to the scoped list; never a filter evaluated row by row over the whole list
(the former ``words OR pk IN (…)`` shape was: a sequential scan at national scale)."""

from __future__ import annotations

import pytest
from django.db import connection

from regulations import selectors
from regulations.filters import RegulationFilter
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
