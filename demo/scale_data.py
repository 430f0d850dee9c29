"""Deterministic synthetic data of national size, shaped like the system after 1 July 2025:
one supreme level, 34 provinces, ~355 regional units (each carrying one dissolved district), with
the procuracy's counterparts (court, police investigation, civil enforcement) at every level.

``generate(scale=1.0, seed=42)`` makes, at scale 1: >= 1,500 agencies, 50,000 regulations (2-4
parties, 1-2 fields, review intervals, some superseded), 300,000 meetings over 2016-2026 (reviews
linked to regulations of their locality), 200,000 directives and 5,000 users. Everything is
bulk-inserted; the derived regulation columns (last_review_on, next_review_due, superseded_on,
search_text) are computed in Python from the generated rows before the insert, with the same rules
as ``regulations.rules``. Codes start with ``SYN-`` (never the demo codes). Used by
``manage.py generate_national_data`` and ``bench/benchmark.py``.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from accounts.models import Role, User
from agencies.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Locality,
    LocalityLevel,
    SuccessionKind,
)
from agencies.services import refresh_current_carriers
from meetings.models import Directive, DirectiveState, Meeting, MeetingKind, MeetingState
from portal.search import normalize
from regulations import rules
from regulations.models import Field, PartyRole, Regulation, RegulationParty, RegulationRelation, RegulationType

CODE_PREFIX = "SYN-"
PASSWORD = "scale-VKS-2026"
PROVINCES = 34
REGIONS = 355
FIRST_YEAR, LAST_YEAR = 2016, 2026
# The data describe the world as of this day, so that the same seed gives the same rows whenever it runs.
AS_OF = datetime.date(2026, 11, 15)
REFORM = datetime.date(2025, 7, 1)
BATCH = 5000

BASE_COUNTS = {"regulations": 50_000, "meetings": 300_000, "directives": 200_000, "users": 5_000}
MEETING_KIND_WEIGHTS = [
    (MeetingKind.INTERIM_REVIEW, 18),
    (MeetingKind.FINAL_REVIEW, 4),
    (MeetingKind.INTERAGENCY, 36),
    (MeetingKind.SIGNING, 10),
    (MeetingKind.LESSONS_LEARNED, 10),
    (MeetingKind.MODEL_TRIAL, 10),
    (MeetingKind.WORK_REVIEW, 8),
    (MeetingKind.OTHER, 4),
]
KIND_WORDS = {
    AgencyKind.PROCURACY: ("Viện kiểm sát nhân dân", "VKSND", "VKS"),
    AgencyKind.COURT: ("Tòa án nhân dân", "TAND", "TA"),
    AgencyKind.POLICE_INVESTIGATION: ("Cơ quan Cảnh sát điều tra Công an", "CQCSĐT", "CSDT"),
    AgencyKind.CIVIL_ENFORCEMENT: ("Cơ quan thi hành án dân sự", "THADS", "THADS"),
}
PARTNER_KINDS = (AgencyKind.COURT, AgencyKind.POLICE_INVESTIGATION, AgencyKind.CIVIL_ENFORCEMENT)
TITLE_TOPICS = (
    "tiếp nhận, giải quyết tố giác, tin báo về tội phạm",
    "điều tra, truy tố, xét xử các vụ án hình sự",
    "giải quyết các vụ việc dân sự, hành chính",
    "thi hành án dân sự",
    "giải quyết khiếu nại, tố cáo",
    "gửi bản án, quyết định",
    "tổ chức phiên tòa rút kinh nghiệm",
    "lãnh đạo, chỉ đạo",
)


@dataclass
class Summary:
    localities: int = 0
    agencies: int = 0
    users: int = 0
    regulations: int = 0
    parties: int = 0
    meetings: int = 0
    review_links: int = 0
    directives: int = 0
    seconds: float = 0.0
    reused: bool = False


def exists() -> bool:
    return Agency.objects.filter(code=f"{CODE_PREFIX}VKSTC").exists()


def counts_for(scale: float) -> dict[str, int]:
    return {name: max(1, round(n * scale)) for name, n in BASE_COUNTS.items()}


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bulk(model, objs: list, batch: int = BATCH) -> list:
    return model.objects.bulk_create(objs, batch_size=batch)


def _set_paths(rows: list[Locality], parent_path: Callable[[Locality], str]) -> None:
    for loc in rows:
        loc.path = f"{parent_path(loc)}{loc.pk}/"
    Locality.objects.bulk_update(rows, ["path"], batch_size=BATCH)


def _localities(rng: random.Random) -> tuple[Locality, list[Locality], list[Locality], list[Locality]]:
    national = Locality(name="Toàn quốc (dữ liệu quy mô)", level=LocalityLevel.NATIONAL)
    national.save()
    provinces = _bulk(
        Locality,
        [
            Locality(name=f"Tỉnh thử nghiệm {p:02d}", level=LocalityLevel.PROVINCE, parent=national, path="")
            for p in range(1, PROVINCES + 1)
        ],
    )
    _set_paths(provinces, lambda loc: national.path)
    # ~355 regional units spread over the provinces (6 to 15 each), numbered within their province.
    per_province = [REGIONS // PROVINCES] * PROVINCES
    for i in range(REGIONS - sum(per_province)):
        per_province[i] += 1
    regions = []
    for prov, n in zip(provinces, per_province, strict=True):
        regions += [
            Locality(name=f"Khu vực {r} - {prov.name}", level=LocalityLevel.REGION, parent=prov, path="")
            for r in range(1, n + 1)
        ]
    regions = _bulk(Locality, regions)
    by_id = {p.pk: p for p in provinces}
    _set_paths(regions, lambda loc: by_id[loc.parent_id].path)
    # One dissolved district under each regional unit (its work carried by the region since 1/7/2025).
    districts = _bulk(
        Locality,
        [
            Locality(
                name=f"Huyện cũ {i + 1} ({reg.name})",
                level=LocalityLevel.DISTRICT,
                parent=reg,
                path="",
                active_to=REFORM - datetime.timedelta(days=1),
            )
            for i, reg in enumerate(regions)
        ],
    )
    reg_by_id = {r.pk: r for r in regions}
    _set_paths(districts, lambda loc: reg_by_id[loc.parent_id or 0].path)
    return national, provinces, regions, districts


def _agencies(national, provinces, regions, districts) -> dict[int, dict[str, Agency]]:
    """Every locality gets a procuracy and its counterparts; returns {locality id: {kind: agency}}."""
    levels: list[tuple[Locality, str, str, str, datetime.date | None, datetime.date | None]] = [
        (national, AgencyLevel.SUPREME, "tối cao", "TC", None, None)
    ]
    levels += [(p, AgencyLevel.PROVINCE, p.name, f"T{i:02d}", None, None) for i, p in enumerate(provinces, 1)]
    levels += [(r, AgencyLevel.REGIONAL, r.name, f"R{i:03d}", REFORM, None) for i, r in enumerate(regions, 1)]
    levels += [
        (d, AgencyLevel.DISTRICT, d.name, f"D{i:03d}", None, REFORM - datetime.timedelta(days=1))
        for i, d in enumerate(districts, 1)
    ]
    objs = []
    for loc, level, where, code, active_from, active_to in levels:
        made = (AgencyKind.PROCURACY, AgencyKind.COURT) if level == AgencyLevel.DISTRICT else tuple(KIND_WORDS)
        for kind in made:
            name, short, symbol = KIND_WORDS[kind]
            full = f"{name} {where}"
            objs.append(
                Agency(
                    name=full,
                    short_name=f"{short} {where}",
                    code=f"{CODE_PREFIX}{symbol}{code}",
                    kind=kind,
                    level=level,
                    locality=loc,
                    place_name=loc.name[:100],
                    document_symbol=f"{symbol}{code}"[:30],
                    active_from=active_from,
                    active_to=active_to,
                    search_text=normalize(f"{full} {short} {where} {CODE_PREFIX}{symbol}{code}"),
                )
            )
    objs[0].code = f"{CODE_PREFIX}VKSTC"
    objs = _bulk(Agency, objs)
    out: dict[int, dict[str, Agency]] = {}
    for agency in objs:
        out.setdefault(agency.locality_id, {})[agency.kind] = agency
    # parents: each procuracy under the one of the locality above (not needed for counting, nice for the tree)
    loc_parent = {loc.pk: loc.parent_id for loc in [*provinces, *regions, *districts]}
    changed = []
    for loc_id, kinds in out.items():
        parent_loc = loc_parent.get(loc_id)
        if parent_loc is None:
            continue
        for kind_code, agency in kinds.items():
            above = out.get(parent_loc, {}).get(kind_code)
            if above is not None:
                agency.parent_id = above.pk
                changed.append(agency)
    Agency.objects.bulk_update(changed, ["parent"], batch_size=BATCH)
    # each dissolved district unit is replaced by the regional unit of the same kind above it
    district_ids = {d.pk for d in districts}
    links = [
        AgencySuccession(
            predecessor=agency, successor_id=agency.parent_id, kind=SuccessionKind.REPLACED_BY, effective_on=REFORM
        )
        for loc_id, kinds in out.items()
        if loc_id in district_ids
        for agency in kinds.values()
        if agency.parent_id
    ]
    _bulk(AgencySuccession, links)
    refresh_current_carriers()
    return out


def _random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def generate(scale: float = 1.0, seed: int = 42, log: Callable[[str], None] = print) -> Summary:
    if exists():
        return Summary(
            reused=True,
            agencies=Agency.objects.filter(code__startswith=CODE_PREFIX).count(),
            regulations=Regulation.objects.filter(host_agency__code__startswith=CODE_PREFIX).count(),
        )
    started = time.monotonic()
    rng = random.Random(seed)
    counts = counts_for(scale)
    summary = Summary()
    tz = _tz()
    with transaction.atomic():
        national, provinces, regions, districts = _localities(rng)
        agencies = _agencies(national, provinces, regions, districts)
        summary.localities = 1 + len(provinces) + len(regions) + len(districts)
        summary.agencies = sum(len(k) for k in agencies.values())
        log(f"  {summary.localities} địa bàn, {summary.agencies} cơ quan ({time.monotonic() - started:.1f}s)")

        # Where records happen: mostly regional units (and, before the reform, the districts they carry).
        weighted_locs = [national] * 3 + provinces * 6 + regions * 3 + districts * 2
        fields = list(Field.objects.order_by("order", "pk").values_list("pk", "name"))

        # ---- users
        password = make_password(PASSWORD)
        procuracies = [k[AgencyKind.PROCURACY] for k in agencies.values()]
        procuracies.sort(key=lambda a: a.pk)
        users = [
            User(
                username="syn.lanhdao.toicao",
                full_name="Lãnh đạo tối cao (dữ liệu quy mô)",
                role=Role.LEADER,
                agency=agencies[national.pk][AgencyKind.PROCURACY],
                password=password,
            ),
            User(
                username="syn.lanhdao.tinh01",
                full_name="Lãnh đạo tỉnh 01 (dữ liệu quy mô)",
                role=Role.LEADER,
                agency=agencies[provinces[0].pk][AgencyKind.PROCURACY],
                password=password,
            ),
        ]
        roles = [Role.STAFF] * 6 + [Role.CLERK] * 2 + [Role.LEADER] * 2
        for i in range(counts["users"] - len(users)):
            users.append(
                User(
                    username=f"syn.user{i + 1:05d}",
                    full_name=f"Cán bộ thử nghiệm {i + 1}",
                    role=rng.choice(roles),
                    agency=rng.choice(procuracies),
                    password=password,
                )
            )
        summary.users = len(_bulk(User, users))

        # ---- regulations (built whole in memory: derived dates need their review meetings)
        regs: list[Regulation] = []
        reg_locs: dict[int, list[int]] = {}  # locality id -> indexes in regs
        reg_fields: list[list[int]] = []
        reg_partners: list[list[Agency]] = []
        for i in range(counts["regulations"]):
            loc = rng.choice(weighted_locs)
            kinds = agencies[loc.pk]
            host = kinds[AgencyKind.PROCURACY]
            signed = _random_day(rng, datetime.date(FIRST_YEAR, 1, 1), AS_OF)
            if loc.level == LocalityLevel.DISTRICT and signed >= REFORM:
                signed = _random_day(rng, datetime.date(FIRST_YEAR, 1, 1), REFORM - datetime.timedelta(days=1))
            partners = rng.sample(
                [kinds[k] for k in PARTNER_KINDS if k in kinds], k=min(rng.randint(1, 3), len(kinds) - 1)
            )
            chosen = rng.sample(fields, k=rng.randint(1, 2)) if fields else []
            topic = rng.choice(TITLE_TOPICS)
            title = f"Quy chế phối hợp giữa {host.short_name} và {partners[0].short_name} trong {topic}"
            number = f"{i + 1:05d}/{signed.year}/QCPH-{host.document_symbol}"
            reg = Regulation(
                number=number,
                title=title[:500],
                type=RegulationType.COORDINATION_RULE
                if rng.random() < 0.85
                else rng.choice([RegulationType.JOINT_RESOLUTION, RegulationType.COORDINATION_PLAN]),
                host_agency=host,
                locality_id=loc.pk,
                signed_on=signed,
                in_force_from=signed + datetime.timedelta(days=rng.choice((0, 0, 0, 10, 15))),
                expires_on=signed + datetime.timedelta(days=365 * 5) if rng.random() < 0.1 else None,
                chapters_count=rng.randint(2, 5),
                articles_count=rng.randint(8, 30),
                review_interval_months=rng.choice((6, 12, 12, 12, 24)),
                search_text=normalize(f"{number} {title} {host.name}"),
            )
            reg_locs.setdefault(loc.pk, []).append(i)
            reg_fields.append([pk for pk, _ in chosen])
            reg_partners.append(partners)
            regs.append(reg)
        # ~8% are superseded by a later regulation of the same host
        relations: list[tuple[int, int, datetime.date]] = []
        for idxs in reg_locs.values():
            ordered = sorted(idxs, key=lambda j: regs[j].signed_on)
            for a, b in zip(ordered, ordered[1:], strict=False):
                if rng.random() < 0.09 and regs[b].in_force_from > regs[a].in_force_from:
                    relations.append((b, a, regs[b].in_force_from))
                    regs[a].superseded_on = regs[b].in_force_from

        # ---- meetings, generated in batches; review links recorded by regulation index
        kinds_list = [k for k, _ in MEETING_KIND_WEIGHTS]
        weights = [w for _, w in MEETING_KIND_WEIGHTS]
        last_review: dict[int, datetime.date] = {}
        meeting_rows: list[Meeting] = []
        links: list[tuple[int, int]] = []  # (meeting position, regulation index)
        as_of_dt = datetime.datetime.combine(AS_OF, datetime.time(23, 59), tzinfo=tz)
        for m in range(counts["meetings"]):
            loc = rng.choice(weighted_locs)
            kind = rng.choices(kinds_list, weights)[0]
            day = _random_day(rng, datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))
            if loc.level == LocalityLevel.DISTRICT and day >= REFORM:
                day = _random_day(rng, datetime.date(FIRST_YEAR, 1, 1), REFORM - datetime.timedelta(days=1))
            starts = datetime.datetime.combine(day, datetime.time(rng.randint(7, 15), rng.choice((0, 30))), tzinfo=tz)
            if starts > as_of_dt:
                state = MeetingState.PLANNED
            else:
                state = rng.choices(
                    [MeetingState.HELD, MeetingState.MINUTES_FINALISED, MeetingState.CANCELLED], [55, 40, 5]
                )[0]
            host = agencies[loc.pk][AgencyKind.PROCURACY]
            meeting_rows.append(
                Meeting(
                    kind=kind,
                    title=f"{kind.label} tại {host.short_name}"[:500],
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=3),
                    host_agency=host,
                    locality_id=loc.pk,
                    state=state,
                    search_text=normalize(f"{kind.label} {host.name}"),
                )
            )
            if kind in (MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW, MeetingKind.SIGNING):
                candidates = reg_locs.get(loc.pk)
                if candidates:
                    j = rng.choice(candidates)
                    if regs[j].signed_on <= day:
                        links.append((m, j))
                        if kind != MeetingKind.SIGNING and state in (MeetingState.HELD, MeetingState.MINUTES_FINALISED):
                            if day > last_review.get(j, datetime.date.min):
                                last_review[j] = day

        # ---- derived regulation columns, same rules as regulations.rules
        for j, reg in enumerate(regs):
            reg.last_review_on = last_review.get(j)
            reg.next_review_due = rules.compute_next_review_due(
                SimpleNamespace(
                    in_force_from=reg.in_force_from,
                    expires_on=reg.expires_on,
                    review_interval_months=reg.review_interval_months,
                    final_review_on=None,
                    amended_on=None,
                    superseded_on=reg.superseded_on,
                    repealed_on=None,
                    last_review_on=reg.last_review_on,
                    next_review_due=None,
                )
            )
        regs = _bulk(Regulation, regs)
        summary.regulations = len(regs)
        log(f"  {len(regs)} quy chế ({time.monotonic() - started:.1f}s)")
        parties = []
        field_rows = []
        FieldThrough = Regulation.fields.through
        for reg, partners, fids in zip(regs, reg_partners, reg_fields, strict=True):
            parties.append(RegulationParty(regulation_id=reg.pk, agency_id=reg.host_agency_id, role=PartyRole.HOST))
            parties += [
                RegulationParty(regulation_id=reg.pk, agency_id=p.pk, role=PartyRole.PARTY, order=n)
                for n, p in enumerate(partners, 1)
            ]
            field_rows += [FieldThrough(regulation_id=reg.pk, field_id=f) for f in fids]
        summary.parties = len(_bulk(RegulationParty, parties))
        _bulk(FieldThrough, field_rows)
        _bulk(
            RegulationRelation,
            [
                RegulationRelation(source_id=regs[b].pk, target_id=regs[a].pk, kind="supersedes", effective_on=day)
                for b, a, day in relations
            ],
        )

        meetings: list[Meeting] = []
        for start in range(0, len(meeting_rows), BATCH):
            meetings += Meeting.objects.bulk_create(meeting_rows[start : start + BATCH])
        summary.meetings = len(meetings)
        log(f"  {len(meetings)} hội nghị, cuộc họp ({time.monotonic() - started:.1f}s)")
        Through = Meeting.regulations.through
        summary.review_links = len(
            _bulk(Through, [Through(meeting_id=meetings[m].pk, regulation_id=regs[j].pk) for m, j in links])
        )

        # ---- directives: numbered 1..k on meetings that took place
        held = [mt for mt in meetings if mt.state in (MeetingState.HELD, MeetingState.MINUTES_FINALISED)]
        directives: list[Directive] = []
        as_of = AS_OF
        pos = 0
        while len(directives) < counts["directives"] and held:
            meeting = held[pos % len(held)]
            pos += 1
            for serial in range(1, rng.randint(1, 4) + 1):
                start_day = meeting.starts_at.astimezone(tz).date()
                deadline = start_day + datetime.timedelta(days=rng.randint(15, 180))
                done = deadline < as_of and rng.random() < 0.8 or rng.random() < 0.2
                directives.append(
                    Directive(
                        meeting_id=meeting.pk,
                        number=serial,
                        text=f"Giao đơn vị thực hiện nhiệm vụ số {serial}",
                        assigned_agency_id=meeting.host_agency_id,
                        deadline=deadline,
                        state=DirectiveState.DONE if done else DirectiveState.OPEN,
                        completed_on=min(deadline, as_of) if done else None,
                        locality_id=meeting.locality_id,
                    )
                )
                if len(directives) >= counts["directives"]:
                    break
            if pos > len(held) * 4:
                break
        summary.directives = len(_bulk(Directive, directives))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    summary.seconds = time.monotonic() - started
    log(f"  {summary.directives} nhiệm vụ ({summary.seconds:.1f}s)")
    return summary
