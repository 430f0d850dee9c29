"""The filtered register as XLSX, CSV and a printable PDF (sổ theo dõi quy chế phối hợp).

Every row in scope is exported: the queryset is read with ``.iterator(chunk_size=...)`` and its
prefetches run once per chunk, so memory does not grow with the row count. Amending documents
(``amendment_of`` set) are part of the regulation they amend: they are not rows of their own but
are listed in that regulation's "Sửa đổi, bổ sung" column.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from portal import access, pdf
from portal import exports as shared
from regulations import rules, selectors
from regulations.models import Field, PartyRole, Regulation, RegulationParty, RegulationStatus, RegulationType

CHUNK_SIZE = 2000
NOUN = "văn bản"
TITLE = "Sổ theo dõi quy chế phối hợp"
SHEET = "Sổ theo dõi quy chế"
FILENAME = "quy-che-phoi-hop"
TYPE_LABELS = {value: str(label) for value, label in RegulationType.choices}
STATUS_LABELS = {value: str(label) for value, label in RegulationStatus.choices}

COLUMNS = [
    shared.Column(_("STT"), 6),
    shared.Column(_("Số, ký hiệu"), 30),
    shared.Column(_("Loại văn bản"), 20),
    shared.Column(_("Trích yếu"), 60),
    shared.Column(_("Ngày ký"), 12, is_date=True),
    shared.Column(_("Có hiệu lực từ"), 14, is_date=True),
    shared.Column(_("Cơ quan chủ trì"), 40),
    shared.Column(_("Các bên ký kết"), 50),
    shared.Column(_("Người ký"), 44),
    shared.Column(_("Lĩnh vực"), 34),
    shared.Column(_("Trạng thái"), 22),
    shared.Column(_("Sơ kết gần nhất"), 14, is_date=True),
    shared.Column(_("Hạn sơ kết tiếp theo"), 14, is_date=True),
    shared.Column(_("Sửa đổi, bổ sung"), 30),
]


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    short: str
    label: str  # "X (đã giải thể → nay là Y)" for a dissolved agency whose work another unit carries now


def agency_label(name: str, active: bool, carrier_name: str | None) -> str:
    if active:
        return name
    if carrier_name:
        return f"{name} (đã giải thể → nay là {carrier_name})"
    return f"{name} (đã giải thể)"


class AgencyCache:
    """Names of the agencies met so far, loaded a chunk at a time (at most every agency once)."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.known: dict[int, AgencyInfo] = {}

    def load(self, ids: set[int]) -> None:
        missing = ids - self.known.keys()
        if not missing:
            return
        rows = Agency.objects.filter(pk__in=missing).values_list(
            "pk", "name", "short_name", "active_from", "active_to", "current_carrier_id", "current_carrier__name"
        )
        for pk, name, short, active_from, active_to, carrier_id, carrier_name in rows:
            active = (active_from is None or active_from <= self.today) and (
                active_to is None or active_to >= self.today
            )
            self.known[pk] = AgencyInfo(
                name, short or name, agency_label(name, active, carrier_name if carrier_id != pk else None)
            )

    def __getitem__(self, pk: int) -> AgencyInfo:
        return self.known[pk]


@dataclass
class Party:
    agency: AgencyInfo
    is_host: bool
    signatory_name: str
    signatory_title: str

    @property
    def signatory(self) -> str:
        """ "Đặng Bình Giang (Bí thư, VKSND tỉnh Hà Giang)"."""
        where = ", ".join(x for x in (self.signatory_title, self.agency.short) if x)
        return f"{self.signatory_name} ({where})" if where else self.signatory_name


@dataclass
class Row:
    """One line of the register, as the CSV, the XLSX and the PDF show it."""

    index: int
    number: str
    type_label: str
    title: str
    signed_on: datetime.date
    in_force_from: datetime.date
    host: AgencyInfo
    status_label: str
    last_review_on: datetime.date | None
    next_review_due: datetime.date | None
    parties: list[Party]
    fields: list[str]
    amendments: list[str]
    review_overdue: bool = False  # in force and past its review date (the printed register marks it)

    def values(self) -> list[Any]:
        return [
            self.index,
            self.number,
            self.type_label,
            self.title,
            self.signed_on,
            self.in_force_from,
            self.host.label,
            "; ".join(p.agency.label for p in self.parties),
            "; ".join(p.signatory for p in self.parties if p.signatory_name),
            "; ".join(self.fields),
            self.status_label,
            self.last_review_on,
            self.next_review_due,
            "; ".join(self.amendments),
        ]


IN_FORCE_STATUSES = (RegulationStatus.IN_FORCE, RegulationStatus.AMENDED)
ROW_COLUMNS = (
    "pk",
    "number",
    "type",
    "title",
    "signed_on",
    "in_force_from",
    "host_agency_id",
    "_status",
    "last_review_on",
    "next_review_due",
)


def _among(queryset: QuerySet, column: str, ids: list[int]) -> QuerySet:
    """``column IN ids`` for a chunk of a few thousand ids. On PostgreSQL one array parameter
    (``= ANY(%s)``): Django would otherwise prepare every id of every chunk one by one."""
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        return queryset.extra(where=[f'"{table}"."{column}" = ANY(%s)'], params=[ids])  # noqa: S610 - fixed names
    return queryset.filter(**{f"{column}__in": ids})


def _rows_of_chunk(
    chunk: list[tuple], first_index: int, agencies: AgencyCache, field_names: dict[int, str], today: datetime.date
) -> list[Row]:
    """The related rows of a chunk in three queries (parties, fields, amendments), joined in Python."""
    ids = [r[0] for r in chunk]
    parties: dict[int, list[tuple]] = {}
    for row in (
        _among(RegulationParty.objects.all(), "regulation_id", ids)
        .order_by("regulation_id", "order", "id")
        .values_list("regulation_id", "agency_id", "role", "signatory_name", "signatory_title")
    ):
        parties.setdefault(row[0], []).append(row)
    fields: dict[int, list[int]] = {}
    for reg_id, field_id in _among(Regulation.fields.through.objects.all(), "regulation_id", ids).values_list(
        "regulation_id", "field_id"
    ):
        fields.setdefault(reg_id, []).append(field_id)
    amendments: dict[int, list[str]] = {}
    for reg_id, number in (
        _among(Regulation.objects.all(), "amendment_of_id", ids)
        .order_by("signed_on", "id")
        .values_list("amendment_of_id", "number")
    ):
        amendments.setdefault(reg_id, []).append(number)
    agencies.load({r[6] for r in chunk} | {p[1] for rows in parties.values() for p in rows})
    order = {pk: n for n, pk in enumerate(field_names)}
    result = []
    for offset, (pk, number, kind, title, signed_on, in_force_from, host_id, status, last, due) in enumerate(chunk):
        result.append(
            Row(
                index=first_index + offset,
                number=number,
                type_label=TYPE_LABELS.get(kind, kind),
                title=title,
                signed_on=signed_on,
                in_force_from=in_force_from,
                host=agencies[host_id],
                status_label=STATUS_LABELS.get(status, status),
                last_review_on=last,
                next_review_due=due,
                parties=[
                    Party(agencies[a], role == PartyRole.HOST, name, job_title)
                    for _r, a, role, name, job_title in parties.get(pk, [])
                ],
                fields=[field_names[f] for f in sorted(fields.get(pk, []), key=order.__getitem__) if f in field_names],
                amendments=amendments.get(pk, []),
                review_overdue=bool(due and due < today and status in IN_FORCE_STATUSES),
            )
        )
    return result


@dataclass
class Export:
    """One export of the register: its rows (lazily) and the header that describes them."""

    queryset: QuerySet[Regulation]
    description: str
    today: datetime.date
    agency_name: str = ""

    def __post_init__(self) -> None:
        # Amending documents are part of the regulation they amend: listed in its row, never counted.
        self.queryset = self.queryset.filter(amendment_of__isnull=True)
        self.count = self.queryset.count()

    @property
    def line(self) -> str:
        return shared.filter_line(self.description, self.count, NOUN, self.today)

    def header(self) -> shared.Header:
        lines = [self.agency_name] if self.agency_name else []
        return shared.Header(TITLE, [*lines, self.line])

    def chunks(self, size: int = 0) -> Iterator[list[Row]]:
        """Every row in scope, a chunk at a time: one streamed query for the rows, three per chunk."""
        size = size or CHUNK_SIZE
        agencies = AgencyCache(self.today)
        field_names = dict(Field.objects.order_by("order", "pk").values_list("pk", "name"))
        rows = self.queryset.values_list(*ROW_COLUMNS).iterator(chunk_size=size)
        first_index = 1
        while chunk := list(islice(rows, size)):
            yield _rows_of_chunk(chunk, first_index, agencies, field_names, self.today)
            first_index += len(chunk)

    def rows(self) -> Iterator[list[Any]]:
        for chunk in self.chunks():
            for row in chunk:
                yield row.values()


class InvalidFilters(ValueError):
    """The filters of an export request do not validate (the message says which, in Vietnamese)."""


def build(user: User, params: QueryDict) -> Export:
    """The register export for a user's filters (the list's GET parameters), within the user's scope."""
    from regulations.filters import RegulationFilter

    today = selectors.today()
    base = rules.with_status(access.restrict(user, Regulation.objects.all()), today)
    filterset = RegulationFilter(params or None, queryset=base, user=user, today=today)
    if filterset.is_bound and not filterset.form.is_valid():
        # The list shows these errors and filters without the bad values; a file must not quietly do so.
        labels = ", ".join(
            str(filterset.form.fields[name].label) for name in filterset.form.errors if name in filterset.form.fields
        )
        raise InvalidFilters(
            f"Bộ lọc có giá trị không hợp lệ ({labels}); chưa xuất dữ liệu. Hãy sửa bộ lọc trên danh sách rồi xuất lại."
        )
    agency = getattr(user, "agency", None)
    return Export(filterset.qs, shared.describe_filters(filterset.form), today, agency.name if agency else "")


def csv_response(export: Export):
    return shared.stream_csv(export.header(), COLUMNS, export.rows(), f"{FILENAME}.csv")


def xlsx_response(export: Export):
    workbook = shared.new_workbook()
    sheet = shared.SheetWriter(workbook, SHEET, COLUMNS, export.header())
    for row in export.rows():
        sheet.append(row)
    sheet.close()
    return shared.xlsx_response(workbook, f"{FILENAME}.xlsx")


def pdf_context(export: Export, regulations: Sequence[Row], **extra: Any) -> dict[str, Any]:
    return {
        "regulations": regulations,
        "today": export.today,
        "filter_line": export.line,
        "agency_name": export.agency_name,
        **extra,
    }


def to_pdf(export: Export, timeout: float | None = None) -> bytes:
    """The register in one render (small scopes); larger ones go through ``regulations.jobs``."""
    pdf.check_rows(export.count, pdf.DIRECT_MAX_ROWS)
    regulations = [row for chunk in export.chunks() for row in chunk]
    return pdf.render_pdf("regulations/register_pdf.html", pdf_context(export, regulations), timeout=timeout)
