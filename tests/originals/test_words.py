"""One row of words per regulation (issue 23): the register's search reads it instead of every
original's text. Kept when a reading finishes, when an original goes, by ``index_originals --words``
and filled from the texts already read by the migration; snippets read pages only where needed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from originals import selectors, services
from originals.models import OriginalText, RegulationWords, TextState
from portal.search import distinct_words
from regulations.models import OriginalKind
from tests.originals import drawing
from tests.originals.factories import read_text
from tests.originals.test_reading import add
from tests.regulations.factories import RegulationFactory


def test_distinct_words_are_the_letters_and_digits_once_each():
    words = distinct_words(["to giac, tin bao 01/qc-hg", "tin bao ve toi pham"])
    assert words == "01 bao giac hg pham qc tin to toi ve"
    assert distinct_words([]) == ""


@pytest.mark.django_db
def test_reading_an_original_keeps_its_regulations_words(world, read_now, no_ocr, django_capture_on_commit_callbacks):
    text = add(world, django_capture_on_commit_callbacks, drawing.text_pdf())
    words = RegulationWords.objects.get(regulation=text.regulation).words.split(" ")
    assert {"nguoi", "bi", "tam", "giu", "hang", "ngay", "quy", "che"} <= set(words)
    assert len(words) == len(set(words))

    # A second original of the same regulation adds its words to the same row.
    upload = drawing.docx(lines=["Phối hợp kiểm sát thi hành án"])
    add(world, django_capture_on_commit_callbacks, upload, OriginalKind.EDITABLE_TEXT, regulation=text.regulation)
    rows = RegulationWords.objects.filter(regulation=text.regulation)
    assert len(rows) == 1 and {"nguoi", "thi", "hanh", "an"} <= set(rows[0].words.split())

    # The original deleted: its words leave the search once that is committed.
    with django_capture_on_commit_callbacks(execute=True):
        text.original.delete()
    assert "nguoi" not in RegulationWords.objects.get(regulation=text.regulation).words.split()


@pytest.mark.django_db
def test_a_failed_reading_adds_no_words(world, read_now, django_capture_on_commit_callbacks):
    text = add(world, django_capture_on_commit_callbacks, drawing.broken_pdf())
    assert text.state == TextState.FAILED
    assert not RegulationWords.objects.filter(regulation=text.regulation).exists()


@pytest.mark.django_db
def test_index_originals_words_rebuilds_every_regulations_row(world, capsys):
    first = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    second = RegulationFactory(host_agency=world.vks_hg, partners=[world.ta_hg])
    read_text(first, 1, "Tố giác, tin báo về tội phạm")
    read_text(first, 2, "Người bị tạm giữ")
    read_text(second, 1, "Thi hành án dân sự")
    read_text(second, 2, "Văn bản chưa đọc xong", state=TextState.QUEUED)
    RegulationWords.objects.create(regulation=RegulationFactory(host_agency=world.vks_ks), words="cu")  # stale

    call_command("index_originals", "--words")
    assert "Đã dựng lại từ tìm kiếm của 2 quy chế." in capsys.readouterr().out
    assert dict(RegulationWords.objects.values_list("regulation_id", "words")) == {
        first.pk: "bao bi giac giu nguoi pham tam tin to toi ve",
        second.pk: "an dan hanh su thi",
    }


@pytest.mark.django_db
def test_migration_fills_the_words_from_the_texts_already_read(world):
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    read_text(regulation, 1, "Tố giác, tin báo về tội phạm (01/QC-HG)")
    read_text(regulation, 2, "Người bị tạm giữ")
    read_text(RegulationFactory(host_agency=world.vks_ks), 1, "Chưa đọc", state=TextState.FAILED)
    RegulationWords.objects.all().delete()

    migration = importlib.import_module("originals.migrations.0003_search_regulation_words")
    with connection.schema_editor(atomic=True) as editor:
        migration.fill(apps, editor)
    rows = dict(RegulationWords.objects.values_list("regulation_id", "words"))
    assert list(rows) == [regulation.pk]
    assert set(rows[regulation.pk].split(" ")) == set(
        distinct_words(OriginalText.objects.filter(regulation=regulation).values_list("search_text", flat=True)).split()
    )


@pytest.mark.django_db
def test_search_finds_words_of_two_originals_and_reads_pages_only_where_the_row_does_not_hold_them(
    world, client_for, django_assert_max_num_queries, monkeypatch
):
    asked: list[set[int]] = []
    snippets = selectors.SOURCE.snippets

    def spy(regulation_ids, text):
        asked.append(set(regulation_ids))
        return snippets(regulation_ids, text)

    monkeypatch.setattr(selectors.SOURCE, "snippets", spy)
    by_originals = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="01/QC-KS")
    read_text(by_originals, 1, "Trang này nói về tố giác.")
    read_text(by_originals, 2, "Tin báo về tội phạm được tiếp nhận.")
    by_title = RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number="02/QC-KS", title="Quy chế tố giác, tin báo"
    )
    read_text(by_title, 1, "Tố giác, tin báo về tội phạm.")
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="03/QC-KS")
    services.rebuild_words()

    client = client_for(world.ks_staff)
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(30):
        page = client.get(reverse("regulations:list"), {"q": "to giac tin bao"}).content.decode()
    assert "01/QC-KS" in page and "02/QC-KS" in page and "03/QC-KS" not in page
    # Every word is in the first regulation's originals (not on one page): the first word's page is shown.
    assert page.count("Tìm thấy trong bản gốc") == 1 and "Tìm thấy trong bản gốc, trang 1: Trang này" in page
    assert asked == [{by_originals.pk}]  # not the row whose title holds the words
    assert len([q for q in queries.captured_queries if '"originals_originaltext"."pages"' in q["sql"]]) == 1

    # Found by their own fields only: the originals' pages are not read at all.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("regulations:list"), {"q": "quy che to giac"}).content.decode()
    assert "02/QC-KS" in page and "Tìm thấy trong bản gốc" not in page
    assert not [q for q in queries.captured_queries if '"originals_originaltext"."pages"' in q["sql"]]
