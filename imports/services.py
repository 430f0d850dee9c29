"""Imports of regulations and meetings: upload, check (preview), confirm (all or nothing).

Writes go through ``regulations.services`` and ``meetings.services``, so an imported record is
exactly like one typed in the form (derived dates, search text, history). Files with more rows than
``settings.IMPORTS_ASYNC_ROWS`` are checked and imported by a Celery task; its progress is kept in
the cache (the import itself runs in one transaction, invisible to other connections until it ends).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import types
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from imports import checks
from imports.models import RUNNING, ColumnMapping, ImportJob, ImportKind, ImportStatus
from imports.reading import Choices, ReadError, Upload, read_upload
from meetings import bulk as meeting_bulk
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingState
from portal import access, events, jobs
from regulations import bulk as regulation_bulk
from regulations import services as regulation_services
from regulations.models import Field, PartyRole, Regulation

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 25


class ImportInvalid(Exception):
    pass


class ImportStopped(Exception):
    """The job was cancelled ("Hủy") or failed by the heartbeat sweep while a worker was at it."""


def async_threshold() -> int:
    return getattr(settings, "IMPORTS_ASYNC_ROWS", 500)


# ---------------------------------------------------------------- progress


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


# A confirmed import checks its rows again inside its transaction (what was previewed must still hold),
# then writes them: two passes over the rows, each half of the bar.
RECHECK, WRITE = "recheck", "write"
PHASE_UNITS = {RECHECK: "dòng đã kiểm tra lại", WRITE: "dòng đã ghi"}


def set_progress(job_id: int, done: int, total: int, phase: str = "") -> None:
    cache.set(_progress_key(job_id), {"done": done, "total": total, "phase": phase}, timeout=24 * 3600)


def _beat(job_id: int, state: str, *, in_transaction: bool = False) -> None:
    """The heartbeat (``portal.jobs``), and the cancellation check: raises ``ImportStopped`` once the job
    is no longer in ``state``. Inside the import's transaction only the cache copy is written (the row's
    update would be invisible to the sweep and lock the row against "Hủy") and the state is read."""
    if in_transaction:
        jobs.beat(ImportJob, job_id, "status", (state,), db=False)
        alive = ImportJob.objects.filter(pk=job_id, status=state).exists()
    else:
        alive = jobs.beat(ImportJob, job_id, "status", (state,))
    if not alive:
        raise ImportStopped


def _progress(
    job_id: int, total: int, state: str, *, in_transaction: bool = False, phase: str = ""
) -> Callable[[int], None]:
    def report(done: int) -> None:
        set_progress(job_id, done, total, phase)
        _beat(job_id, state, in_transaction=in_transaction)

    return report


def status(job: ImportJob) -> dict:
    """What the progress bar shows (``portal.jobs.progress``), with the check's counts."""
    total = job.total_rows
    phase = ""
    if job.is_running:
        progress = cache.get(_progress_key(job.pk)) or {"done": 0, "total": total}
        done, phase = min(progress["done"], total), progress.get("phase", "")
    else:
        done = total if job.status in (ImportStatus.DONE, ImportStatus.READY, ImportStatus.INVALID) else 0
    percent = None
    if phase in PHASE_UNITS and total:
        percent = (50 if phase == WRITE else 0) + 50 * done // total
    return jobs.progress(
        state=job.status,
        state_label=str(job.get_status_display()),
        done=done,
        total=total,
        percent=percent,
        unit=PHASE_UNITS.get(phase, "dòng"),
        finished=not job.is_running,
        message=job.message,
        counts=job.counts,
        can_rerun=job.status in RERUNNABLE,
    )


RERUNNABLE = (ImportStatus.FAILED, ImportStatus.CANCELLED)


def cancel(user: User, job: ImportJob) -> None:
    """ "Hủy": ends the check or the import at once, whether or not a worker is still at it. A live worker
    sees it at its next progress step and stops; an import in progress rolls back (nothing is saved)."""
    if job.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người đã tải tệp lên mới hủy được lần nhập này.")
    updated = ImportJob.objects.filter(pk=job.pk, status__in=[*RUNNING, ImportStatus.READY]).update(
        status=ImportStatus.CANCELLED,
        message="Đã hủy theo yêu cầu; không dòng nào được lưu.",
        finished_at=timezone.now(),
    )
    if not updated:
        raise ValidationError("Lần nhập này đã kết thúc, không còn gì để hủy.")


def rerun(user: User, job: ImportJob) -> ImportJob:
    """ "Chạy lại": the same stored file checked again as a new import (the data may have changed since);
    the user confirms it again."""
    if job.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người đã tải tệp lên mới chạy lại được lần nhập này.")
    if job.status not in RERUNNABLE:
        raise ValidationError("Chỉ chạy lại được lần nhập đã bị hủy hoặc không nhập được.")
    with job.file.open("rb") as handle:
        data = handle.read()
    return create_job(user, job.kind, job.original_name, data)


# ---------------------------------------------------------------- upload and check


def create_job(user: User, kind: str, name: str, data: bytes) -> ImportJob:
    """Keep the upload and check it (now, or in the background for a big file)."""
    access.require_role(user, access.EDIT_ROLES)
    if not access.writable_agencies(user).exists():
        raise PermissionDenied("Tài khoản chưa gắn với đơn vị nào để nhập dữ liệu.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"Tệp lớn quá {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia thành nhiều tệp.")
    if not data.strip():
        raise ValidationError("Tệp rỗng.")
    choices = _choices(user, kind, {})
    try:
        upload = read_upload(name, data, kind, choices)
    except ReadError as exc:
        raise ValidationError(str(exc)) from None
    job = ImportJob(
        kind=kind,
        created_by=user,
        original_name=name[:255],
        locality_id=user.agency.locality_id if user.agency is not None else None,
        status=ImportStatus.CHECKING,
    )
    if upload.layout.get("remembered") and not upload.needs_input:
        job.choices = {"sheet": upload.layout["sheet"], "mapping": upload.layout["mapping"]}
    return _checked(job, upload, lambda: job.file.save(name or "nhap.csv", ContentFile(data), save=False))


def _checked(job: ImportJob, upload: Upload, store: Callable[[], None] | None = None) -> ImportJob:
    """Save the job as read (with its file, when new), then ask the user (mapping step) or check its rows."""
    job.encoding = upload.encoding
    job.total_rows = upload.total_rows
    job.layout = {
        **upload.layout,
        "sheets": upload.sheet_choices,
        "conversions": upload.conversions,
        "encoding_question": upload.encoding_question,
    }
    job.status = ImportStatus.NEEDS_INPUT if upload.needs_input else ImportStatus.CHECKING
    if upload.needs_input:
        job.notes = upload.notes
    with transaction.atomic():  # a job row that fails to save takes its stored file with it
        if store is not None:
            store()
        job.save()
    if upload.needs_input:
        return job
    if job.total_rows > async_threshold():
        set_progress(job.pk, 0, job.total_rows)
        from imports.tasks import check_import_task

        transaction.on_commit(lambda: _start_task(check_import_task, job.pk, ImportStatus.CHECKING), robust=True)
        return job
    return run_check(job.pk, upload)


def _choices(user: User, kind: str, chosen: dict) -> Choices:
    remembered: dict[str, dict] = {}
    defaults: dict[str, str] = {}
    if user.agency is not None:
        defaults["@unit"] = user.agency.code
        remembered = dict(
            ColumnMapping.objects.filter(agency=user.agency, kind=kind).values_list("signature", "mapping")
        )
    return Choices(
        sheet=chosen.get("sheet", ""),
        mapping=chosen.get("mapping", {}),
        remembered=remembered,
        defaults=defaults,
        encoding=chosen.get("encoding", ""),
    )


def choose(
    user: User, job: ImportJob, sheet: str = "", mapping: dict[str, int | str] | None = None, encoding: str = ""
) -> ImportJob:
    """The mapping step's answer: the register's sheet, or which column holds each field. A mapping is
    remembered for the user's unit, for its next file with the same header."""
    if job.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người đã tải tệp lên mới ghép cột cho lần nhập này.")
    access.require_role(user, access.EDIT_ROLES)
    if job.status not in (ImportStatus.NEEDS_INPUT, ImportStatus.READY, ImportStatus.INVALID):
        raise ValidationError("Lần nhập này không còn chờ ghép cột.")
    chosen = dict(job.choices)
    if sheet:
        chosen = {"sheet": sheet, **({"encoding": chosen["encoding"]} if "encoding" in chosen else {})}
    if encoding:
        chosen["encoding"] = encoding
    if mapping is not None:
        chosen["mapping"] = mapping
        chosen.setdefault("sheet", job.layout.get("sheet", ""))
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        upload = read_upload(job.original_name, data, job.kind, _choices(user, job.kind, chosen))
    except ReadError as exc:
        raise ValidationError(str(exc)) from None
    if mapping is not None and user.agency is not None and not upload.needs_input:
        ColumnMapping.objects.update_or_create(
            agency=user.agency, kind=job.kind, signature=upload.layout["signature"], defaults={"mapping": mapping}
        )
    job.choices = chosen
    job.counts, job.errors, job.preview = {}, [], []
    return _checked(job, upload)


def _queue() -> str | None:
    return getattr(settings, "IMPORTS_QUEUE", None) or None


MSG_QUEUE_DOWN = (
    "Hệ thống xử lý nền đang tạm ngừng nên chưa xử lý được tệp; không dòng nào được lưu. "
    "Vui lòng thử lại sau ít phút hoặc báo quản trị hệ thống."
)


def _start_task(task: Any, job_id: int, state: str) -> None:
    """Hand a big file to a worker. A broker that is down must not leave the job waiting for ever:
    it fails at once with a Vietnamese message."""
    try:
        task.apply_async(args=[job_id], queue=_queue(), retry=False)
    except Exception:
        logger.exception("could not queue import %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=state).update(status=ImportStatus.FAILED, message=MSG_QUEUE_DOWN)


def _read(job: ImportJob) -> Upload:
    with job.file.open("rb") as handle:
        return read_upload(job.original_name, handle.read(), job.kind, _choices(_uploader(job), job.kind, job.choices))


def _uploader(job: ImportJob) -> User:
    """The user who uploaded the file (kept with the job: its account is never deleted, only locked)."""
    if job.created_by is None:
        raise PermissionDenied("Lần nhập không còn người tải tệp lên.")
    return job.created_by


def run_check(job_id: int, upload: Upload | None = None) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job  # cancelled, or failed by the sweep, before a worker took it
    try:
        _beat(job.pk, ImportStatus.CHECKING)
        upload = upload or _read(job)
        plan = checks.check(_uploader(job), upload, _progress(job.pk, job.total_rows, ImportStatus.CHECKING))
    except ImportStopped:
        job.refresh_from_db()
        return job
    job.counts = plan.counts()
    job.errors = plan.errors
    job.preview = checks.preview_rows(plan)
    job.notes = ["Đã đọc: " + "; ".join(f"trang “{s.name}” ({len(s.rows)} dòng)" for s in upload.sheets) + "."]
    job.notes += upload.notes
    for c in upload.conversions:
        example = c["samples"][0]
        job.notes.append(
            f"Đã chuyển {c['count']} ô từ bảng mã {c['label']} sang Unicode, ví dụ: “{example['before']}” → "
            f"“{example['after']}”."
        )
    job.status = ImportStatus.INVALID if plan.errors else ImportStatus.READY
    fields = {name: getattr(job, name) for name in ["counts", "errors", "notes", "status", "preview"]}
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(**fields):
        job.refresh_from_db()  # "Hủy" (or the sweep) came first: its state stands
    return job


# ---------------------------------------------------------------- confirm and apply


def confirm(user: User, job: ImportJob) -> ImportJob:
    if job.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người đã tải tệp lên mới xác nhận được lần nhập này.")
    access.require_role(user, access.EDIT_ROLES)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.IMPORTING,
        heartbeat_at=None,  # the check's heartbeat is not the import's
    )
    if not updated:
        raise ValidationError("Lần nhập này không ở trạng thái chờ xác nhận.")
    job.status = ImportStatus.IMPORTING
    if job.total_rows > async_threshold():
        set_progress(job.pk, 0, job.total_rows)
        from imports.tasks import apply_import_task

        transaction.on_commit(lambda: _start_task(apply_import_task, job.pk, ImportStatus.IMPORTING), robust=True)
        return job
    return run_apply(job.pk)


@contextlib.contextmanager
def history_user(user: User) -> Iterator[None]:
    """Every history record written inside names ``user`` (a Celery task has no request)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = types.SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            with contextlib.suppress(AttributeError):
                del context.request
        else:
            context.request = previous


def _end(job: ImportJob, status: str, message: str, *fields: str) -> ImportJob:
    """The import's outcome, unless "Hủy" or the sweep ended it meanwhile (their state stands)."""
    job.status, job.message = status, message
    values = {name: getattr(job, name) for name in ["status", "message", *fields]}
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(**values):
        job.refresh_from_db()
    return job


def _still_importing(job_id: int) -> None:
    """Inside the import's transaction, just before its commit: the job row is locked, so "Hủy" and the
    sweep wait for the commit and then find it done; if either came first, the import rolls back."""
    status = ImportJob.objects.select_for_update().filter(pk=job_id).values_list("status", flat=True).first()
    if status != ImportStatus.IMPORTING:
        raise ImportStopped


def run_apply(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job  # cancelled, or failed by the sweep, before a worker took it
    user = _uploader(job)
    try:
        _beat(job.pk, ImportStatus.IMPORTING)
        upload = _read(job)
        if upload.needs_input:
            raise ValidationError("Tệp còn cần ghép cột hoặc chọn bảng mã trước khi nhập.")
        with history_user(user), transaction.atomic():
            plan = checks.check(
                user,
                upload,
                _progress(job.pk, job.total_rows, ImportStatus.IMPORTING, in_transaction=True, phase=RECHECK),
            )
            if plan.errors:
                job.errors, job.counts = plan.errors, plan.counts()
                raise ImportInvalid
            apply_plan(
                user,
                plan,
                _progress(job.pk, len(plan.items), ImportStatus.IMPORTING, in_transaction=True, phase=WRITE),
                reason=f"Nhập từ tệp {job.original_name}"[:100],
            )
            _still_importing(job.pk)
            job.status = ImportStatus.DONE
            job.counts = plan.counts()
            job.finished_at = timezone.now()
            job.message = ""
            job.save(update_fields=["status", "counts", "finished_at", "message"])
    except ImportStopped:
        job.refresh_from_db()
        return job
    except ImportInvalid:
        message = "Dữ liệu đã thay đổi từ lúc kiểm tra; có dòng không còn hợp lệ. Không dòng nào được nhập."
        return _end(job, ImportStatus.INVALID, message, "errors", "counts")
    except (ValidationError, PermissionDenied, ReadError) as exc:
        message = "Không nhập được, không dòng nào được lưu: " + "; ".join(getattr(exc, "messages", [str(exc)]))
        return _end(job, ImportStatus.FAILED, message)
    except Exception:
        # The transaction is rolled back; the job must not look as if it were still running.
        logger.exception("import %s failed", job.pk)
        message = "Lỗi hệ thống khi nhập; không dòng nào được lưu. Hãy thử lại hoặc báo quản trị."
        return _end(job, ImportStatus.FAILED, message)
    counts = job.counts
    AuditEvent.objects.create(
        user=user,
        username=user.get_username(),
        action=AuditAction.IMPORT,
        path=job.get_absolute_url(),
        detail=(
            f"{job.get_kind_display()}: {job.original_name} — tạo mới {counts['created']}, "
            f"cập nhật {counts['updated']}, bỏ qua {counts['skipped']}"
        )[:500],
    )
    return job


def apply_plan(user: User, plan: checks.Plan, progress: Callable[[int], None], reason: str = "") -> None:
    agencies = checks.agency_objects(
        {i.data["host"] for i in plan.items} | {pk for i in plan.items for pk in i.data.get("partners", [])}
    )
    fields = Field.objects.in_bulk()
    started = timezone.now()
    # One "import.finished" at the end instead of an event per row: the dashboards recount and the
    # reminders are recomputed once per unit, after the import's transaction commits.
    with events.batch(as_event=events.IMPORT_FINISHED):
        _apply_items(user, plan, progress, reason, agencies, fields, started)


def _apply_items(
    user: User,
    plan: checks.Plan,
    progress: Callable[[int], None],
    reason: str,
    agencies: dict,
    fields: dict,
    started: datetime.datetime,
) -> None:
    # The bar counts the new rows (written in bulk, regulations first), then the others one by one.
    new_regulations = sum(1 for item in plan.items if _is_new(item, ImportKind.REGULATIONS))
    created_regulations = _create_regulations(user, plan, agencies, fields, reason, progress)
    _create_meetings(user, plan, agencies, created_regulations, reason, lambda n: progress(new_regulations + n))
    others = [item for item in plan.items if not _is_new(item)]
    offset = len(plan.items) - len(others)
    for done, item in enumerate(others, start=1):
        if item.action != checks.SKIP:
            record: Regulation | Meeting
            if item.kind == ImportKind.REGULATIONS:
                regulation = _apply_regulation(user, item, agencies, fields)
                created_regulations[(regulation.host_agency_id, regulation.number.lower())] = regulation.pk
                record = regulation
            else:
                record = _apply_meeting(user, item, agencies, created_regulations)
            if reason:
                _mark_reason(record, reason, started)  # its history says where these versions came from
        if done % PROGRESS_EVERY == 0 or done == len(others):
            progress(offset + done)


def _is_new(item: checks.Item, kind: str | None = None) -> bool:
    return item.action == checks.CREATE and kind in (None, item.kind)


def _create_regulations(
    user: User, plan: checks.Plan, agencies: dict, fields: dict, reason: str, progress: Callable[[int], None]
) -> dict[tuple[int, str], int]:
    """The new regulations of the file, written in bulk; (host, number) -> id, for the meetings' links."""
    rows = [
        regulation_bulk.NewRegulation(
            data={name: item.data[name] for name in regulation_services.REGULATION_FIELDS if name in item.data},
            host=agencies[item.data["host"]],
            partners=[agencies[pk] for pk in item.data["partners"]],
            fields=[fields[pk] for pk in item.data["fields"]],
        )
        for item in plan.items
        if _is_new(item, ImportKind.REGULATIONS)
    ]
    created = regulation_bulk.create_regulations(user, rows, reason, progress)
    return {(r.host_agency_id, r.number.lower()): r.pk for r in created}


def _create_meetings(
    user: User,
    plan: checks.Plan,
    agencies: dict,
    created_regulations: dict[tuple[int, str], int],
    reason: str,
    progress: Callable[[int], None],
) -> None:
    """The new meetings of the file, written in bulk, linked to the regulations the file names."""
    rows = []
    for item in plan.items:
        if _is_new(item, ImportKind.MEETINGS):
            d = item.data
            rows.append(
                meeting_bulk.NewMeeting(
                    data={name: d[name] for name in meeting_bulk.FIELDS},
                    host=agencies[d["host"]],
                    regulation_ids=_regulation_ids(d, created_regulations),
                    chair=d["chair"],
                    chair_role=d["chair_role"],
                )
            )
    meeting_bulk.create_meetings(user, rows, reason, progress)


def _regulation_ids(d: dict, created_regulations: dict[tuple[int, str], int]) -> list[int]:
    """The regulations a meeting row names: found in the register by the check, or created from the file
    (the host's own first, else any other host's of that number)."""
    regulation_ids = list(d["regulation_ids"])
    for number in d["planned_regulations"]:
        found = [pk for (host_id, num), pk in created_regulations.items() if num == number.lower()]
        same_host = [
            pk for (host_id, num), pk in created_regulations.items() if num == number.lower() and host_id == d["host"]
        ]
        if same_host or found:
            regulation_ids.append((same_host or found)[0])
    return regulation_ids


def _mark_reason(record: Regulation | Meeting, reason: str, since: datetime.datetime) -> None:
    """Every history row the import wrote for ``record`` (creating one is a save and then an update
    of its derived dates) carries the reason, so "Tạo mới" reads "Tạo mới — Nhập từ tệp …"."""
    record.history.filter(history_date__gte=since, history_change_reason__isnull=True).update(
        history_change_reason=reason
    )


def _apply_regulation(user: User, item: checks.Item, agencies: dict, fields: dict) -> Regulation:
    d = item.data
    data = {name: d[name] for name in regulation_services.REGULATION_FIELDS if name in d}
    data["fields"] = [fields[pk] for pk in d["fields"]]
    parties = [{"agency": agencies[d["host"]], "role": PartyRole.HOST}]
    parties += [{"agency": agencies[pk], "role": PartyRole.PARTY} for pk in d["partners"]]
    assert item.existing_id is not None  # new ones are written in bulk
    regulation = Regulation.objects.get(pk=item.existing_id)
    # Keep what the file does not carry: signatories, articles and relations.
    kept = {p.agency_id: p for p in regulation.parties.all()}
    for party in parties:
        old = kept.get(party["agency"].pk)
        if old is not None:
            party.update(
                signatory_name=old.signatory_name,
                signatory_title=old.signatory_title,
                signing_capacity=old.signing_capacity,
            )
    articles = [
        {"number": a.number, "chapter": a.chapter, "heading": a.heading, "text": a.text}
        for a in regulation.articles.all()
    ]
    relations = [
        {"target": r.target, "kind": r.kind, "effective_on": r.effective_on}
        for r in regulation.outgoing_relations.select_related("target")
    ]
    return regulation_services.update_regulation(user, regulation, data, parties, articles, relations=relations)


def _apply_meeting(user: User, item: checks.Item, agencies: dict, created_regulations: dict) -> Meeting:
    d = item.data
    host = agencies.get(d["host"]) or checks.agency_objects({d["host"]})[d["host"]]
    data = {
        "kind": d["kind"],
        "title": d["title"],
        "starts_at": d["starts_at"],
        "ends_at": d["ends_at"],
        "place": d["place"],
        "host_agency": host,
        "conclusions": d["conclusions"],
        "regulations": Regulation.objects.filter(pk__in=_regulation_ids(d, created_regulations)),
    }
    assert item.existing_id is not None  # new ones are written in bulk
    meeting = Meeting.objects.get(pk=item.existing_id)
    access.require_write(user, meeting.locality_id, access.MEETING_ROLES)
    if meeting.state != MeetingState.MINUTES_FINALISED:
        data["state"] = d["state"]
    return meeting_services.save_meeting(user=user, data=data, meeting=meeting)
