"""Writes of agency master data: the all-or-nothing CSV import."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from agencies.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Locality,
    LocalityLevel,
    Person,
    SuccessionKind,
)

AGENCY_COLUMNS = [
    "code",
    "name",
    "short_name",
    "kind",
    "level",
    "parent_code",
    "locality",
    "locality_level",
    "place_name",
    "document_symbol",
    "active_from",
    "active_to",
    "successor_code",
    "succession_kind",
    "succession_date",
    "locality_dissolved_on",
]
PERSON_COLUMNS = ["full_name", "position", "agency_code", "active_from", "active_to"]
REQUIRED_AGENCY = ["code", "name", "kind", "level", "locality", "locality_level"]


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    agencies_created: int = 0
    agencies_updated: int = 0
    people_created: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"ngày “{value}” không hợp lệ (dùng dd/mm/yyyy)")


def _read_rows(text: str, expected: list[str], label: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in expected if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([f"Tệp {label}: thiếu cột {', '.join(missing)}."])
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _locality(path_text: str, level: str, cache: dict[str, Locality]) -> Locality:
    names = [part.strip() for part in path_text.split("/") if part.strip()]
    parent: Locality | None = None
    key = ""
    for depth, name in enumerate(names):
        key = f"{key}/{name}"
        if key not in cache:
            is_last = depth == len(names) - 1
            lvl = level if is_last else (LocalityLevel.NATIONAL if depth == 0 else LocalityLevel.PROVINCE)
            loc = Locality.objects.filter(name=name, parent=parent).first()
            if loc is None:
                loc = Locality.objects.create(name=name, parent=parent, level=lvl)
            cache[key] = loc
        parent = cache[key]
    assert parent is not None
    return parent


@transaction.atomic
def import_csv(agencies_text: str | None, people_text: str | None) -> ImportResult:
    """Import agencies and people. Every row is checked; on any error nothing is saved and the
    errors, with their line numbers, are raised in one ``ImportFailed``."""
    result = ImportResult()
    errors: list[str] = []
    localities: dict[str, Locality] = {}
    pending_parents: list[tuple[int, Agency, str]] = []
    pending_successions: list[tuple[int, Agency, dict[str, str]]] = []

    for line, row in _read_rows(agencies_text, REQUIRED_AGENCY, "cơ quan") if agencies_text else []:
        problems = [f"thiếu “{c}”" for c in REQUIRED_AGENCY if not row.get(c)]
        if row.get("kind") and row["kind"] not in AgencyKind.values:
            problems.append(f"loại “{row['kind']}” không có (dùng: {', '.join(AgencyKind.values)})")
        if row.get("level") and row["level"] not in AgencyLevel.values:
            problems.append(f"cấp “{row['level']}” không có (dùng: {', '.join(AgencyLevel.values)})")
        if row.get("locality_level") and row["locality_level"] not in LocalityLevel.values:
            problems.append(f"cấp địa bàn “{row['locality_level']}” không có")
        try:
            active_from, active_to = _parse_date(row.get("active_from", "")), _parse_date(row.get("active_to", ""))
            dissolved_on = _parse_date(row.get("locality_dissolved_on", ""))
            if active_from and active_to and active_to < active_from:
                problems.append("ngày kết thúc hoạt động trước ngày bắt đầu")
        except ValueError as exc:
            problems.append(str(exc))
        if len(row.get("name", "")) > 255 or len(row.get("code", "")) > 50:
            problems.append("tên hoặc mã quá dài")
        if problems:
            errors.append(f"Tệp cơ quan, dòng {line}: {'; '.join(problems)}.")
            continue
        agency, created = Agency.objects.get_or_create(
            code=row["code"],
            defaults={"locality": _locality(row["locality"], row["locality_level"], localities)},
        )
        agency.name, agency.short_name = row["name"], row.get("short_name", "")
        agency.kind, agency.level = row["kind"], row["level"]
        agency.locality = _locality(row["locality"], row["locality_level"], localities)
        if dissolved_on and agency.locality.active_to != dissolved_on:
            agency.locality.active_to = dissolved_on
            agency.locality.save()
        agency.place_name, agency.document_symbol = row.get("place_name", ""), row.get("document_symbol", "")
        agency.active_from, agency.active_to = active_from, active_to
        agency.save()
        result.agencies_created += created
        result.agencies_updated += not created
        if row.get("parent_code"):
            pending_parents.append((line, agency, row["parent_code"]))
        if row.get("successor_code"):
            pending_successions.append((line, agency, row))

    for line, agency, parent_code in pending_parents:
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None or parent.pk == agency.pk:
            errors.append(f"Tệp cơ quan, dòng {line}: không có cơ quan cấp trên mã “{parent_code}”.")
            continue
        Agency.objects.filter(pk=agency.pk).update(parent=parent)

    for line, agency, row in pending_successions:
        successor = Agency.objects.filter(code=row["successor_code"]).first()
        kind = row.get("succession_kind") or SuccessionKind.REPLACED_BY
        try:
            date = _parse_date(row.get("succession_date", "")) or agency.active_to
        except ValueError as exc:
            errors.append(f"Tệp cơ quan, dòng {line}: {exc}.")
            continue
        if successor is None or successor.pk == agency.pk:
            errors.append(f"Tệp cơ quan, dòng {line}: không có cơ quan kế thừa mã “{row['successor_code']}”.")
        elif kind not in SuccessionKind.values:
            errors.append(f"Tệp cơ quan, dòng {line}: hình thức kế thừa “{kind}” không có.")
        elif date is None:
            errors.append(f"Tệp cơ quan, dòng {line}: thiếu ngày kế thừa (succession_date hoặc active_to).")
        else:
            AgencySuccession.objects.update_or_create(
                predecessor=agency, successor=successor, defaults={"kind": kind, "effective_on": date}
            )

    for line, row in _read_rows(people_text, ["full_name", "agency_code"], "cán bộ") if people_text else []:
        problems = []
        if not row.get("full_name"):
            problems.append("thiếu “full_name”")
        person_agency = Agency.objects.filter(code=row.get("agency_code", "")).first()
        if person_agency is None:
            problems.append(f"không có cơ quan mã “{row.get('agency_code', '')}”")
        try:
            active_from, active_to = _parse_date(row.get("active_from", "")), _parse_date(row.get("active_to", ""))
        except ValueError as exc:
            problems.append(str(exc))
        if len(row.get("full_name", "")) > 150 or len(row.get("position", "")) > 255:
            problems.append("họ tên hoặc chức vụ quá dài")
        if problems:
            errors.append(f"Tệp cán bộ, dòng {line}: {'; '.join(problems)}.")
            continue
        _, created = Person.objects.get_or_create(
            full_name=row["full_name"],
            agency=person_agency,
            defaults={"position": row.get("position", ""), "active_from": active_from, "active_to": active_to},
        )
        result.people_created += created

    if errors:
        transaction.set_rollback(True)
        raise ImportFailed(errors)
    refresh_current_carriers()
    return result


def refresh_current_carriers(
    today: datetime.date | None = None, agency_model: Any = Agency, succession_model: Any = AgencySuccession
) -> int:
    """Recompute ``Agency.current_carrier`` for every agency; returns how many rows changed.

    A dissolved agency is carried by the first active unit reached along its successor links
    (the most recent succession first); an active agency carries its own work (NULL). Run after
    any change to successions or activity dates, and daily, since dissolutions take effect by date.
    """
    today = today or datetime.date.today()
    rows = {
        pk: (active_from, active_to, carrier)
        for pk, active_from, active_to, carrier in agency_model.objects.values_list(
            "pk", "active_from", "active_to", "current_carrier_id"
        )
    }
    links: dict[int, list[int]] = {}
    for pred, succ in succession_model.objects.order_by("-effective_on", "successor__name").values_list(
        "predecessor_id", "successor_id"
    ):
        links.setdefault(pred, []).append(succ)

    def active(pk: int) -> bool:
        start, end, _ = rows[pk]
        return (start is None or start <= today) and (end is None or end >= today)

    def carrier_of(pk: int) -> int | None:
        if active(pk):
            return None
        seen, queue = {pk}, list(links.get(pk, []))
        while queue:
            succ = queue.pop(0)
            if succ in seen:
                continue
            seen.add(succ)
            if active(succ):
                return succ
            queue.extend(links.get(succ, []))
        return None

    changed = [
        agency_model(pk=pk, current_carrier_id=new)
        for pk, (_s, _e, old) in rows.items()
        if (new := carrier_of(pk)) != old
    ]
    agency_model.objects.bulk_update(changed, ["current_carrier"], batch_size=1000)
    return len(changed)
