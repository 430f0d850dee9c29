"""Writes of the originals' text: queue a reading when an original is uploaded, read it (in a Celery
job, or synchronously for ``index_originals``), read it again on request ("Đọc lại")."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from originals import extract
from originals.models import OriginalText, RegulationWords, TextState
from portal import access, events
from portal.search import distinct_words, normalize
from regulations.models import Original, Regulation

logger = logging.getLogger(__name__)

MSG_QUEUE_DOWN = "Hệ thống xử lý nền đang tạm ngừng nên chưa đọc được nội dung tệp. Vui lòng bấm “Đọc lại” sau ít phút."
MSG_NO_FILE = "Không mở được tệp gốc trong kho lưu trữ."


def on_original_added(batch: Sequence[events.Event]) -> None:
    """``original.added``: queue a reading of each new original (idempotent: one text row each)."""
    ids: set[int] = set()
    for event in batch:
        ids |= event.ids("originals")
    for text in queue(ids):
        _enqueue(text.pk)


def queue(original_ids: Iterable[int]) -> list[OriginalText]:
    """A text row for each original that has none; returns the rows still waiting to be read."""
    waiting = []
    for original in Original.objects.filter(pk__in=list(original_ids)).only("pk", "regulation_id"):
        text, _created = OriginalText.objects.get_or_create(
            original_id=original.pk, defaults={"regulation_id": original.regulation_id}
        )
        if text.state == TextState.QUEUED:
            waiting.append(text)
    return waiting


def _enqueue(text_id: int) -> None:
    from originals.tasks import read_original  # the task imports this module

    try:
        read_original.apply_async((text_id,), retry=False)
    except Exception:
        logger.exception("could not queue the reading of original text %s", text_id)
        OriginalText.objects.filter(pk=text_id, state=TextState.QUEUED).update(
            state=TextState.FAILED, message=MSG_QUEUE_DOWN, finished_at=timezone.now()
        )


def reread(user: User, text: OriginalText) -> OriginalText:
    """ "Đọc lại": a writer of the regulation's unit queues the file again (not while it is being read)."""
    access.require_write(user, text.regulation.locality_id)
    if text.state == TextState.RUNNING:
        return text
    OriginalText.objects.filter(pk=text.pk).update(state=TextState.QUEUED, message="", pages_done=0, finished_at=None)
    transaction.on_commit(lambda: _enqueue(text.pk), robust=True)
    text.refresh_from_db()
    return text


def run(text_id: int) -> str:
    """Read one original. Claims the row (queued → running) so a duplicate task does nothing."""
    if not OriginalText.objects.filter(pk=text_id, state=TextState.QUEUED).update(
        state=TextState.RUNNING, attempts=F("attempts") + 1, pages_done=0
    ):
        return "skipped"
    text = OriginalText.objects.select_related("original").get(pk=text_id)
    return read(text)


def read(text: OriginalText) -> str:
    original = text.original

    def on_page(done: int, total: int) -> None:
        OriginalText.objects.filter(pk=text.pk).update(pages_done=done, pages_total=total)

    suffix = PurePath(original.file.name or "").suffix[:10]
    try:
        with tempfile.NamedTemporaryFile(prefix="original-", suffix=suffix) as local:
            try:
                with original.file.open("rb") as stored:
                    shutil.copyfileobj(stored, local)
            except OSError as exc:
                raise extract.ExtractError(MSG_NO_FILE) from exc
            local.flush()
            result = extract.read(local.name, original.content_type, on_page)
    except extract.ExtractError as exc:
        _finish(text, TextState.FAILED, message=str(exc))
        return "failed"
    except Exception:
        logger.exception("reading original text %s failed", text.pk)
        _finish(text, TextState.FAILED, message="Lỗi không xác định khi đọc tệp; vui lòng bấm “Đọc lại”.")
        return "failed"
    if text.searchable_pdf:
        text.searchable_pdf.delete(save=False)
    if result.searchable_pdf:
        text.searchable_pdf.save(
            f"{PurePath(original.original_name).stem[:80]}-ocr.pdf", ContentFile(result.searchable_pdf), save=False
        )
    text.pages, text.method = result.pages, result.method
    text.pages_total = text.pages_done = len(result.pages)
    text.search_text = normalize("\n".join(result.pages))
    _finish(text, TextState.DONE, "", "pages", "method", "pages_total", "pages_done", "search_text", "searchable_pdf")
    return "done"


def _finish(text: OriginalText, state: str, message: str, *fields: str) -> None:
    text.state, text.message, text.finished_at = state, message[:500], timezone.now()
    with transaction.atomic():
        text.save(update_fields=["state", "message", "finished_at", *fields])
        update_words([text.regulation_id])


def update_words(regulation_ids: Iterable[int]) -> None:
    """Rebuild the searchable words of these regulations from their originals' texts that were read
    (one row each, ``RegulationWords``); a regulation with none has no row."""
    ids = set(regulation_ids)
    # Two readings of one regulation's originals may finish together: the second waits, then reads both.
    list(Regulation.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    texts: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = OriginalText.objects.filter(regulation_id__in=ids, state=TextState.DONE).exclude(search_text="")
    for regulation_id, search_text in rows.values_list("regulation_id", "search_text"):
        texts[regulation_id].append(search_text)
    RegulationWords.objects.filter(regulation_id__in=[pk for pk, parts in texts.items() if not parts]).delete()
    kept = [RegulationWords(regulation_id=pk, words=distinct_words(parts)) for pk, parts in texts.items() if parts]
    RegulationWords.objects.bulk_create(
        kept, update_conflicts=True, unique_fields=["regulation"], update_fields=["words"]
    )


def on_text_deleted(sender: type[OriginalText], instance: OriginalText, **kwargs: object) -> None:
    """An original (or its regulation) was deleted: its words leave the search once that is committed."""
    regulation_id = instance.regulation_id
    transaction.on_commit(lambda: update_words([regulation_id]), robust=True)


def rebuild_words(batch: int = 2000) -> int:
    """Every regulation's searchable words again, from the texts read (``index_originals --words``,
    the bench); returns the number of regulations with words."""
    RegulationWords.objects.all().delete()
    ids = sorted(set(OriginalText.objects.filter(state=TextState.DONE).values_list("regulation_id", flat=True)))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            update_words(ids[start : start + batch])
    return RegulationWords.objects.count()


def index_pending(report: Callable[[OriginalText, str], None] | None = None) -> dict[str, int]:
    """Read, here and now, every original not read yet (no text row, or one still waiting)."""
    missing = Original.objects.filter(text__isnull=True).values_list("pk", flat=True)
    queue(list(missing))
    counts: dict[str, int] = {}
    for pk in OriginalText.objects.filter(state=TextState.QUEUED).order_by("pk").values_list("pk", flat=True):
        outcome = run(pk)
        counts[outcome] = counts.get(outcome, 0) + 1
        if report is not None:
            report(OriginalText.objects.get(pk=pk), outcome)
    return counts
