"""Checking an upload row by row: every error with its sheet, row, column and a Vietnamese message,
and for every good row what confirming would do (create, update or skip)."""

from __future__ import annotations

import datetime
import difflib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import User
from agencies import selectors as agency_selectors
from agencies.lookup import AgencyIndex
from agencies.models import Agency
from imports import values
from imports.columns import COLUMNS
from imports.models import ImportKind
from imports.reading import Row, Sheet, Upload
from meetings.models import AttendeeRole, Meeting, MeetingKind, MeetingState
from portal import access
from portal.search import normalize
from regulations import services as regulation_services
from regulations.models import Field, PartyRole, Regulation, RegulationType

CREATE, UPDATE, SKIP = "created", "updated", "skipped"
IMPORTABLE_STATES = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.CANCELLED)
DEFAULT_TIME = datetime.time(8, 0)
MSG_REQUIRED = "Chưa nhập (cột bắt buộc)."

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class Item:
    """One good row and what confirming it would do."""

    kind: str
    sheet: str
    row: int
    action: str
    data: dict[str, Any]
    existing_id: int | None = None


@dataclass
class Plan:
    items: list[Item] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, SKIP: 0, "errors": len(self.errors)}
        for item in self.items:
            counts[item.action] += 1
        return counts


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(value: object) -> list[str]:
    return [part.strip() for part in _text(value).replace("\n", ";").split(";") if part.strip()]


def parse_date(value: object) -> datetime.date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        try:
            long_form = values.date_from_text(text)
        except ValueError:  # "ngày 31 tháng 2 năm 2025"
            long_form = None
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"):
            if long_form is not None:
                day = long_form
                break
            try:
                day = datetime.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"“{text[:40]}” không phải ngày hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 22/03/2016.")
    if not 1945 <= day.year <= 2100:
        raise ValueError(f"Năm {day.year} không hợp lệ (từ 1945 đến 2100).")
    return day


def parse_datetime(value: object) -> datetime.datetime | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, DEFAULT_TIME)
    else:
        text = " ".join(_text(value).replace("h", ":").split())
        for pattern in (
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%d-%m-%Y %H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ):
            try:
                moment = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            try:
                day = parse_date(text)
                if day is None:
                    raise ValueError(text)
                moment = datetime.datetime.combine(day, DEFAULT_TIME)
            except ValueError:
                raise ValueError(
                    f"“{_text(value)[:40]}” không phải thời điểm hợp lệ; ghi theo dạng ngày/tháng/năm giờ:phút, "
                    "ví dụ 25/06/2022 08:00."
                ) from None
    if not 1945 <= moment.year <= 2100:
        raise ValueError(f"Năm {moment.year} không hợp lệ (từ 1945 đến 2100).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment.replace(second=0, microsecond=0))
    return moment


def parse_int(value: object, low: int, high: int) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = int(float(text.replace(",", ".")))
    except ValueError:
        raise ValueError(f"“{text[:20]}” không phải số nguyên.") from None
    if not low <= number <= high:
        raise ValueError(f"Phải từ {low} đến {high}.")
    return number


def _choice(value: object, choices: Sequence[tuple[str, StrOrPromise]], what: str) -> str:
    text = normalize(_text(value))
    for code, label in choices:
        if text in (normalize(str(label)), normalize(code)):
            return code
    labels = "; ".join(str(label) for _code, label in choices)
    raise ValueError(f"{what} “{_text(value)[:60]}” không có trong danh sách. Chọn một trong: {labels}.")


class Agencies:
    """Agencies the user may name, found by ``agencies.lookup`` (codes, names with or without
    diacritics, the usual abbreviations)."""

    def __init__(self, user: User) -> None:
        rows = list(
            agency_selectors.picker_agencies(user).values_list(
                "pk", "code", "name", "short_name", "active_to", "current_carrier_id"
            )
        )
        carriers = {row[5] for row in rows if row[5] is not None}
        names = dict(Agency.objects.filter(pk__in=carriers).values_list("pk", "name"))
        self.index = AgencyIndex(rows, names)
        self.names = self.index.names
        self.writable = set(access.writable_agencies(user, access.EDIT_ROLES).values_list("pk", flat=True))

        self._partners: dict[int, set[int]] = {}

    def find(self, text: str, on: datetime.date | None = None) -> int:
        return self.index.resolve(text, on)

    def partner_error(self, host: int, partner: int, on: datetime.date | None) -> str | None:
        """The 2025 map's rule (``agencies.selectors.partner_choices``), its ids kept per host."""
        if host not in self._partners:
            host_agency = Agency.objects.select_related("locality").get(pk=host)
            self._partners[host] = set(agency_selectors.partner_choices(host_agency).values_list("pk", flat=True))
        if partner in self._partners[host]:
            return None
        objects = Agency.objects.select_related("locality", "current_carrier").in_bulk([host, partner])
        return agency_selectors.partner_error(objects[host], objects[partner], on)


class Checker:
    def __init__(self, user: User, upload: Upload, progress: Callable[[int], None] | None = None) -> None:
        self.user, self.upload = user, upload
        self.progress = progress or (lambda done: None)
        self.agencies = Agencies(user)
        self.plan = Plan()
        self.fields = {}
        for pk, name, code in Field.objects.values_list("pk", "name", "code"):
            self.fields[normalize(name)] = pk
            self.fields[normalize(code)] = pk
        self.field_names = list(Field.objects.filter(is_active=True).values_list("name", flat=True))
        self.planned_regulations: dict[str, set[int]] = defaultdict(set)  # number (lower) -> host ids
        self.done = 0

    def run(self) -> Plan:
        sheets = sorted(self.upload.sheets, key=lambda s: s.kind != ImportKind.REGULATIONS)
        for sheet in sheets:
            if sheet.kind == ImportKind.REGULATIONS:
                self._regulations(sheet)
            else:
                self._meetings(sheet)
        return self.plan

    def _error(self, sheet: Sheet, row: Row, column: str, message: str) -> None:
        header = sheet.columns.get(column) or next((c.header for c in COLUMNS[sheet.kind] if c.key == column), column)
        self.plan.errors.append({"sheet": sheet.name, "row": row.number, "column": header, "message": message})

    def _tick(self) -> None:
        self.done += 1
        if self.done % 50 == 0:
            self.progress(self.done)

    def _rows(self, sheet: Sheet, check: Callable[[Row, list[tuple[str, str]]], Item | None]) -> None:
        for row in sheet.rows:
            errors: list[tuple[str, str]] = []
            try:
                item = check(row, errors)
            except RowError as exc:
                errors.append((exc.column, exc.message))
                item = None
            for column, message in errors:
                self._error(sheet, row, column, message)
            if item is not None and not errors:
                item.sheet, item.row = sheet.name, row.number
                self.plan.items.append(item)
            self._tick()

    @staticmethod
    def _get(row: Row, key: str, errors: list, parse: Callable[[object], Any], required: bool = False) -> Any:
        value = row.values.get(key)
        if required and _text(value) == "":
            errors.append((key, MSG_REQUIRED))
            return None
        try:
            return parse(value)
        except ValueError as exc:
            errors.append((key, str(exc)))
            return None

    def _agency(
        self, value: object, key: str, errors: list, *, host: bool, on: datetime.date | None = None
    ) -> int | None:
        text = _text(value)
        if not text:
            if host:
                errors.append((key, MSG_REQUIRED))
            return None
        try:
            pk = self.agencies.find(text, on)
        except ValueError as exc:
            errors.append((key, str(exc)))
            return None
        if host and pk not in self.agencies.writable:
            errors.append(
                (
                    key,
                    f"Bạn không có quyền nhập dữ liệu do “{self.agencies.names[pk]}” chủ trì; "
                    "chỉ nhập được dữ liệu của đơn vị mình.",
                )
            )
            return None
        return pk

    # ---------------------------------------------------------------- regulations

    # Existing records are looked up row by row (one indexed query each): a national admin may write
    # for every unit, and loading every record of every writable unit would not scale.

    def _regulations(self, sheet: Sheet) -> None:
        self._seen: dict[tuple, int] = {}
        self._rows(sheet, self._regulation)

    def _regulation(self, row: Row, errors: list) -> Item | None:
        v = row.values
        number = self._get(row, "number", errors, _text, required=True)
        if number and len(number) > 120:
            errors.append(("number", "Số, ký hiệu dài quá 120 ký tự."))
        title = self._get(row, "title", errors, _text, required=True)
        if title and len(title) > 500:
            errors.append(("title", "Trích yếu dài quá 500 ký tự."))
        reg_type = self._get(
            row, "type", errors, lambda x: _choice(x, RegulationType.choices, "Loại văn bản"), required=True
        )
        signed_on = self._get(row, "signed_on", errors, parse_date, required=True)
        host = self._agency(v.get("host"), "host", errors, host=True, on=signed_on)
        partners = []
        for text in values.split_agencies(_text(v.get("parties"))):
            pk = self._agency(text, "parties", errors, host=False, on=signed_on)
            if pk is not None:
                if pk == host or pk in partners:
                    errors.append(("parties", f"Cơ quan “{text[:80]}” được ghi hai lần."))
                elif host is not None and (problem := self.agencies.partner_error(host, pk, signed_on)):
                    errors.append(("parties", problem))
                else:
                    partners.append(pk)
        if not _split(v.get("parties")):
            errors.append(("parties", "Cần ít nhất một cơ quan tham gia ký kết."))
        in_force_from = self._get(row, "in_force_from", errors, parse_date) or signed_on
        expires_on = self._get(row, "expires_on", errors, parse_date)
        for name, message in regulation_services.date_errors(signed_on, in_force_from, expires_on).items():
            errors.append((name, str(message)))
        field_ids = []
        for text in _split(v.get("fields")):
            pk = self.fields.get(normalize(text))
            if pk is None:
                near = difflib.get_close_matches(text, self.field_names, n=2, cutoff=0.5)
                hint = f" Có phải: {'; '.join(near)}?" if near else ""
                errors.append(("fields", f"Không có lĩnh vực “{text[:60]}”.{hint}"))
            elif pk not in field_ids:
                field_ids.append(pk)
        interval = self._get(row, "review_interval_months", errors, lambda x: parse_int(x, 1, 120))
        chapters = self._get(row, "chapters_count", errors, lambda x: parse_int(x, 0, 1000))
        articles = self._get(row, "articles_count", errors, lambda x: parse_int(x, 0, 10000))
        state = self._get(row, "status", errors, values.parse_status)
        notes = _text(v.get("notes"))
        if state in ("expired", "superseded") and not expires_on:
            notes = f"{notes}\n" if notes else ""
            notes += f"Tình trạng ghi trong sổ: {values.STATUS_LABELS[state]} (chưa có ngày)."
        if errors or host is None:
            return None
        key = (host, number.lower())
        if key in self._seen:
            errors.append(("number", f"Trùng với dòng {self._seen[key]}: cùng cơ quan chủ trì và số, ký hiệu."))
            return None
        self._seen[key] = row.number
        self.planned_regulations[number.lower()].add(host)
        data = {
            "number": number,
            "title": title,
            "type": reg_type,
            "signed_on": signed_on,
            "in_force_from": in_force_from,
            "expires_on": expires_on,
            "summary": _text(v.get("summary")),
            "notes": notes,
            "review_interval_months": interval or 12,
            "chapters_count": chapters,
            "articles_count": articles,
            "fields": field_ids,
            "host": host,
            "partners": partners,
        }
        existing_id = (
            Regulation.objects.filter(host_agency_id=host, number__iexact=number).values_list("pk", flat=True).first()
        )
        action = CREATE if existing_id is None else (SKIP if _regulation_unchanged(existing_id, data) else UPDATE)
        return Item(ImportKind.REGULATIONS, "", 0, action, data, existing_id)

    # ---------------------------------------------------------------- meetings

    def _meetings(self, sheet: Sheet) -> None:
        self._visible_regulations: dict[str, list[tuple[int, int]]] = {}
        self._seen_meetings: dict[tuple, int] = {}
        self._rows(sheet, self._meeting)

    def _visible_regulation(self, number: str) -> list[tuple[int, int]]:
        key = number.lower()
        if key not in self._visible_regulations:
            qs = access.restrict(self.user, Regulation.objects.filter(number__iexact=number))
            self._visible_regulations[key] = list(qs.order_by("pk").values_list("pk", "host_agency_id"))
        return self._visible_regulations[key]

    def _meeting(self, row: Row, errors: list) -> Item | None:
        v = row.values
        kind = self._get(row, "kind", errors, lambda x: _choice(x, MeetingKind.choices, "Loại cuộc họp"), required=True)
        title = self._get(row, "title", errors, _text, required=True)
        if title and len(title) > 500:
            errors.append(("title", "Tên dài quá 500 ký tự."))
        starts_at = self._get(row, "starts_at", errors, parse_datetime, required=True)
        ends_at = self._get(row, "ends_at", errors, parse_datetime)
        if starts_at and ends_at and ends_at < starts_at:
            errors.append(("ends_at", "Thời điểm kết thúc không được trước lúc bắt đầu."))
        host = self._agency(
            v.get("host"), "host", errors, host=True, on=timezone.localdate(starts_at) if starts_at else None
        )
        states = [(s, MeetingState(s).label) for s in IMPORTABLE_STATES]
        state = self._get(row, "state", errors, lambda x: _choice(x, states, "Trạng thái") if _text(x) else None)
        if state is None and starts_at:
            state = MeetingState.HELD if starts_at < timezone.now() else MeetingState.PLANNED
        chair_role = self._get(
            row,
            "chair_role",
            errors,
            lambda x: _choice(x, AttendeeRole.choices, "Vai trò") if _text(x) else AttendeeRole.CHAIR,
        )
        regulation_ids, planned = [], []
        for text in _split(v.get("regulations")):
            found = self._visible_regulation(text)
            if found:
                same_host = [pk for pk, host_id in found if host_id == host]
                regulation_ids.append(same_host[0] if same_host else found[0][0])
            elif text.lower() in self.planned_regulations:
                planned.append(text)
            else:
                errors.append(
                    (
                        "regulations",
                        f"Không tìm thấy quy chế số “{text[:80]}” trong phạm vi của bạn "
                        "hay trong trang “Quy chế phối hợp” của tệp.",
                    )
                )
        for name, limit in (("place", 255), ("chair", 150)):
            if len(_text(v.get(name))) > limit:
                errors.append((name, f"Dài quá {limit} ký tự."))
        if errors or host is None:
            return None
        key = (host, kind, starts_at)
        if key in self._seen_meetings:
            errors.append(
                (
                    "starts_at",
                    f"Trùng với dòng {self._seen_meetings[key]}: cùng cơ quan chủ trì, loại và thời điểm bắt đầu.",
                )
            )
            return None
        self._seen_meetings[key] = row.number
        data = {
            "kind": kind,
            "title": title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "host": host,
            "state": state,
            "place": _text(v.get("place")),
            "chair": _text(v.get("chair")),
            "chair_role": chair_role,
            "regulation_ids": regulation_ids,
            "planned_regulations": planned,
            "conclusions": _text(v.get("conclusions")),
        }
        existing_id = (
            Meeting.objects.filter(host_agency_id=host, kind=kind, starts_at=starts_at)
            .values_list("pk", flat=True)
            .first()
        )
        action = CREATE if existing_id is None else (SKIP if _meeting_unchanged(existing_id, data) else UPDATE)
        return Item(ImportKind.MEETINGS, "", 0, action, data, existing_id)


def _regulation_unchanged(pk: int, data: dict) -> bool:
    reg = Regulation.objects.prefetch_related("parties", "fields").get(pk=pk)
    for name in (
        "title",
        "type",
        "signed_on",
        "in_force_from",
        "expires_on",
        "summary",
        "notes",
        "review_interval_months",
        "chapters_count",
        "articles_count",
    ):
        if getattr(reg, name) != data[name]:
            return False
    if {f.pk for f in reg.fields.all()} != set(data["fields"]):
        return False
    partners = {p.agency_id for p in reg.parties.all() if p.role != PartyRole.HOST}
    return partners == set(data["partners"])


def _meeting_unchanged(pk: int, data: dict) -> bool:
    meeting = Meeting.objects.prefetch_related("regulations").get(pk=pk)
    if data["planned_regulations"]:
        return False
    for name in ("title", "ends_at", "place", "conclusions"):
        if getattr(meeting, name) != data[name]:
            return False
    if meeting.state != MeetingState.MINUTES_FINALISED and meeting.state != data["state"]:
        return False
    return {r.pk for r in meeting.regulations.all()} == set(data["regulation_ids"])


def check(user: User, upload: Upload, progress: Callable[[int], None] | None = None) -> Plan:
    return Checker(user, upload, progress).run()


def agency_objects(ids: set[int]) -> dict[int, Agency]:
    return Agency.objects.select_related("locality").in_bulk(list(ids))


PREVIEW_ROWS = 300


def preview_rows(plan: Plan) -> list[dict]:
    """What confirming will create or change, row by row (the first ``PREVIEW_ROWS``), for the preview."""
    rows: list[dict[str, Any]] = []
    for item in plan.items:
        if item.action == SKIP:
            continue
        if len(rows) == PREVIEW_ROWS:
            break
        d = item.data
        if item.kind == ImportKind.REGULATIONS:
            label = f"{d['number']} — {d['title']}"
        else:
            starts = timezone.localtime(d["starts_at"]) if timezone.is_aware(d["starts_at"]) else d["starts_at"]
            label = f"{d['title']} ({starts:%d/%m/%Y %H:%M})"
        rows.append({"sheet": item.sheet, "row": item.row, "action": item.action, "label": label})
    return rows
