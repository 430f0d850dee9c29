"""Writes of regulations. Every write keeps the derived summary columns in step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies import selectors as agency_selectors
from agencies.models import Agency
from portal import access
from portal.search import normalize
from regulations import reviews, rules
from regulations.models import (
    Article,
    Original,
    PartyRole,
    Regulation,
    RegulationParty,
    RegulationRelation,
    RelationKind,
)
from regulations.signals import announce
from regulations.uploads import CheckedFile, check_original

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _amendment_component(ids: set[int]) -> set[int]:
    """``ids`` with every regulation linked to them by "amends" relations, in either direction."""
    seen, frontier = set(ids), set(ids)
    while frontier:
        links = (
            RegulationRelation.objects.filter(kind=RelationKind.AMENDS)
            .filter(Q(source_id__in=frontier) | Q(target_id__in=frontier))
            .values_list("source_id", "target_id")
        )
        found = {pk for pair in links for pk in pair} - seen
        seen |= found
        frontier = found
    return seen


def amendment_roots(ids: Iterable[int]) -> dict[int, int | None]:
    """For each id, the regulation its amendment chain ends at (``None`` if it amends nothing).

    An amending document follows its earliest "amends" relation; an amendment of an amendment
    belongs to the same regulation as the amendment it amends."""
    targets: dict[int, int] = {}
    ids = set(ids)
    # The ids are closed under "amends" links (``_amendment_component``), so every chain stays inside.
    rows = RegulationRelation.objects.filter(kind=RelationKind.AMENDS, source_id__in=ids).order_by("effective_on", "id")
    for source_id, target_id in rows.values_list("source_id", "target_id"):
        targets.setdefault(source_id, target_id)
    roots: dict[int, int | None] = {}
    for pk in ids:
        current, seen = pk, {pk}
        while current in targets and targets[current] not in seen:
            current = targets[current]
            seen.add(current)
        roots[pk] = current if current != pk else None
    return roots


def refresh_derived_dates(regulation_ids: Iterable[int]) -> None:
    """Recompute amendment links, relation dates, last review and next review due for these regulations.

    Called after any change to relations or to review meetings (meetings.services calls it when a
    review is held, edited, cancelled or deleted). The regulations linked to them by amendments are
    recomputed too: a review of an amending document moves the dates of the regulation it amends.
    A fixed number of queries for any number of regulations (an import links thousands at once). The
    columns are written by ``bulk_update`` (no signal): the change is announced here."""
    ids = {pk for pk in regulation_ids if pk}
    ids |= set(
        Regulation.objects.filter(pk__in=ids, amendment_of__isnull=False).values_list("amendment_of_id", flat=True)
    )
    ids = _amendment_component(ids)
    if not ids:
        return
    roots = amendment_roots(ids)
    members: dict[int, set[int]] = {pk: {pk} for pk in ids}
    for pk, root in roots.items():
        if root is not None:
            members.setdefault(root, {root}).add(pk)
    last_relation: dict[tuple[int, str], date] = {
        (target, kind): last
        for target, kind, last in RegulationRelation.objects.filter(target_id__in=ids)
        .values("target_id", "kind")
        .annotate(last=Max("effective_on"))
        .values_list("target_id", "kind", "last")
    }
    held = reviews.last_held_each(ids)
    changed: list[Regulation] = []
    localities: set[int] = set()
    for reg in Regulation.objects.filter(pk__in=ids):
        before = _derived(reg)
        group = members[reg.pk]
        reg.amendment_of_id = roots[reg.pk]
        amended = [
            last_relation[(pk, RelationKind.AMENDS)] for pk in group if (pk, RelationKind.AMENDS) in last_relation
        ]
        reg.amended_on = max(amended) if amended and reg.amendment_of_id is None else None
        reg.superseded_on = last_relation.get((reg.pk, RelationKind.SUPERSEDES))
        reg.repealed_on = last_relation.get((reg.pk, RelationKind.REPEALS))
        reviewed = [held[pk] for pk in group if pk in held]
        reg.last_review_on = timezone.localtime(max(reviewed)).date() if reviewed else None
        reg.next_review_due = rules.compute_next_review_due(reg)
        if _derived(reg) != before:
            changed.append(reg)
        localities.add(reg.locality_id)
    # Small batches: each row of a batch is matched through a CASE over the whole batch.
    Regulation.objects.bulk_update(changed, DERIVED_COLUMNS, batch_size=50)
    announce(ids, localities)


DERIVED_COLUMNS = ["amendment_of", "amended_on", "superseded_on", "repealed_on", "last_review_on", "next_review_due"]


def _derived(reg: Regulation) -> tuple:
    return (
        reg.amendment_of_id,
        reg.amended_on,
        reg.superseded_on,
        reg.repealed_on,
        reg.last_review_on,
        reg.next_review_due,
    )


# --- Validation ---------------------------------------------------------------------------------

MSG_NUMBER_TAKEN = _("Số, ký hiệu này đã được dùng cho một văn bản khác của cơ quan chủ trì.")
MSG_IN_FORCE_BEFORE_SIGNED = _("Ngày có hiệu lực không được trước ngày ký.")
MSG_EXPIRES_BEFORE_IN_FORCE = _("Ngày hết hiệu lực không được trước ngày có hiệu lực.")
MSG_TOO_FEW_PARTIES = _("Cần ít nhất hai bên ký kết (cơ quan chủ trì và ít nhất một cơ quan tham gia).")
MSG_HOST_COUNT = _("Phải có đúng một cơ quan chủ trì.")
MSG_DUPLICATE_AGENCY = _("Cơ quan này đã có trong danh sách các bên ký kết.")
MSG_HOST_NOT_WRITABLE = _("Bạn không có quyền ghi nhận văn bản do cơ quan này chủ trì.")
MSG_SELF_RELATION = _("Văn bản không thể sửa đổi, thay thế hay bãi bỏ chính nó.")
MSG_CYCLE = _(
    "Không ghi nhận được: văn bản được chọn đã (trực tiếp hoặc gián tiếp) sửa đổi hoặc thay thế văn bản này, "
    "sẽ tạo thành vòng lặp."
)
MSG_DUPLICATE_RELATION = _("Quan hệ này đã được ghi nhận ở dòng khác.")
CHAIN_KINDS = (RelationKind.SUPERSEDES, RelationKind.AMENDS)


def _by(user: User, record: Model) -> None:
    """Name ``user`` in the history row django-simple-history writes for the next save of ``record``."""
    record._history_user = user  # type: ignore[attr-defined]


def number_taken(host: Agency, number: str, exclude_pk: int | None = None) -> bool:
    qs = Regulation.objects.filter(host_agency=host, number__iexact=number.strip())
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def date_errors(signed_on: date | None, in_force_from: date | None, expires_on: date | None) -> dict[str, StrOrPromise]:
    errors: dict[str, StrOrPromise] = {}
    if signed_on and in_force_from and in_force_from < signed_on:
        errors["in_force_from"] = MSG_IN_FORCE_BEFORE_SIGNED
    if in_force_from and expires_on and expires_on < in_force_from:
        errors["expires_on"] = MSG_EXPIRES_BEFORE_IN_FORCE
    return errors


def reaches(start_pk: int, goal_pk: int) -> bool:
    """Whether following supersedes/amends links from ``start_pk`` reaches ``goal_pk``."""
    seen, frontier = {start_pk}, {start_pk}
    while frontier:
        nxt = set(
            RegulationRelation.objects.filter(source_id__in=frontier, kind__in=CHAIN_KINDS).values_list(
                "target_id", flat=True
            )
        )
        if goal_pk in nxt:
            return True
        frontier = nxt - seen
        seen |= nxt
    return False


def relation_error(source_pk: int | None, target: Regulation, kind: str) -> StrOrPromise | None:
    if source_pk is not None and target.pk == source_pk:
        return MSG_SELF_RELATION
    if source_pk is not None and kind in CHAIN_KINDS and reaches(target.pk, source_pk):
        return MSG_CYCLE
    return None


def party_errors(parties: Sequence[dict[str, Any]]) -> list[StrOrPromise]:
    errors: list[StrOrPromise] = []
    if len(parties) < 2:
        errors.append(MSG_TOO_FEW_PARTIES)
    if sum(1 for p in parties if p["role"] == PartyRole.HOST) != 1:
        errors.append(MSG_HOST_COUNT)
    agency_ids = [p["agency"].pk for p in parties]
    if len(set(agency_ids)) != len(agency_ids):
        errors.append(MSG_DUPLICATE_AGENCY)
    return errors


def partner_errors(
    parties: Sequence[dict], on: date | None, instance: Regulation | None = None
) -> list[tuple[int, str]]:
    """(row index, message) for each co-signer the 2025 map does not allow the host for a record
    dated ``on`` (``agencies.selectors.partner_error``: one rule for the form, the import and the API)."""
    host = host_of(parties)
    if host is None:
        return []
    kept = set(instance.parties.values_list("agency_id", flat=True)) if instance is not None and instance.pk else set()
    problems = []
    for index, party in enumerate(parties):
        agency = party["agency"]
        if party["role"] == PartyRole.HOST or agency.pk == host.pk:
            continue
        if message := agency_selectors.partner_error(host, agency, on, signed_before=agency.pk in kept):
            problems.append((index, message))
    return problems


def host_of(parties: Sequence[dict]) -> Agency | None:
    hosts = [p["agency"] for p in parties if p["role"] == PartyRole.HOST]
    return hosts[0] if len(hosts) == 1 else None


def validate(
    user: User, data: dict, parties: Sequence[dict], relations: Sequence[dict], instance: Regulation | None = None
) -> None:
    """Every rule of a regulation write; raise one ``ValidationError`` naming the fields."""
    errors: dict[str, list[StrOrPromise]] = {}
    for name, message in date_errors(data.get("signed_on"), data.get("in_force_from"), data.get("expires_on")).items():
        errors.setdefault(name, []).append(message)
    if problems := party_errors(parties):
        errors["parties"] = problems
    for _index, message in partner_errors(parties, data.get("signed_on"), instance):
        errors.setdefault("parties", []).append(message)
    host = host_of(parties)
    if host is not None:
        if not access.writable_agencies(user).filter(pk=host.pk).exists():
            errors.setdefault("parties", []).append(MSG_HOST_NOT_WRITABLE)
        if number_taken(host, data.get("number", ""), instance.pk if instance else None):
            errors.setdefault("number", []).append(MSG_NUMBER_TAKEN)
    seen = set()
    for rel in relations:
        key = (rel["target"].pk, rel["kind"])
        if key in seen:
            errors.setdefault("relations", []).append(MSG_DUPLICATE_RELATION)
        seen.add(key)
        if problem := relation_error(instance.pk if instance else None, rel["target"], rel["kind"]):
            errors.setdefault("relations", []).append(problem)
    if errors:
        raise ValidationError(errors)


# --- Writes -------------------------------------------------------------------------------------

REGULATION_FIELDS = (
    "number",
    "title",
    "type",
    "signed_on",
    "in_force_from",
    "expires_on",
    "chapters_count",
    "articles_count",
    "summary",
    "notes",
    "review_interval_months",
    "final_review_on",
)


def build_search_text(regulation: Regulation) -> str:
    parts = [regulation.number, regulation.title, regulation.summary]
    for party in regulation.parties.select_related("agency"):
        parts += [party.agency.name, party.agency.short_name, party.signatory_name]
    return normalize(" ".join(p for p in parts if p))


def refresh_search_text(regulation: Regulation) -> None:
    regulation.search_text = build_search_text(regulation)
    Regulation.objects.filter(pk=regulation.pk).update(search_text=regulation.search_text)


def _check_files(files: Iterable[tuple[str, UploadedFile]]) -> list[tuple[str, UploadedFile, CheckedFile]]:
    checked, errors = [], []
    for kind, upload in files:
        try:
            checked.append((kind, upload, check_original(kind, upload)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"originals": errors})
    return checked


def _save_original(user: User, regulation: Regulation, kind: str, upload: UploadedFile, info: CheckedFile) -> Original:
    original = Original(
        regulation=regulation,
        kind=kind,
        original_name=(upload.name or "tep")[:255],
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=user,
    )
    _by(user, original)
    original.file.save(upload.name or "tep", upload, save=False)
    original.save()
    return original


def _sync_parties(user: User, regulation: Regulation, parties: Sequence[dict]) -> None:
    existing = {p.agency_id: p for p in regulation.parties.all()}
    wanted = {p["agency"].pk for p in parties}
    for agency_id, party in existing.items():
        if agency_id not in wanted:
            _by(user, party)
            party.delete()
    # Demote the old host first so the one-host constraint holds at every step.
    for p in parties:
        old = existing.get(p["agency"].pk)
        if old is not None and old.role == PartyRole.HOST and p["role"] != PartyRole.HOST:
            old.role = PartyRole.PARTY
            _by(user, old)
            old.save(update_fields=["role"])
    for order, p in enumerate(parties):
        party = existing.get(p["agency"].pk) or RegulationParty(regulation=regulation, agency=p["agency"])
        values = {
            "role": p["role"],
            "signatory_name": p.get("signatory_name", "").strip(),
            "signatory_title": p.get("signatory_title", "").strip(),
            "signing_capacity": p.get("signing_capacity", "").strip(),
            "order": order,
        }
        if party.pk and all(getattr(party, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(party, k, v)
        _by(user, party)
        party.save()


def _sync_articles(user: User, regulation: Regulation, articles: Sequence[dict]) -> None:
    existing = {a.number: a for a in regulation.articles.all()}
    wanted = {a["number"] for a in articles}
    for number, article in existing.items():
        if number not in wanted:
            _by(user, article)
            article.delete()
    for a in articles:
        article = existing.get(a["number"]) or Article(regulation=regulation, number=a["number"])
        values = {"chapter": a.get("chapter"), "heading": a.get("heading", ""), "text": a.get("text", "")}
        if article.pk and all(getattr(article, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(article, k, v)
        _by(user, article)
        article.save()


def _sync_relations(user: User, regulation: Regulation, relations: Sequence[dict]) -> set[int]:
    """Make the outgoing relations equal ``relations``; return the ids whose derived dates change."""
    touched = set()
    existing = {(r.target_id, r.kind): r for r in regulation.outgoing_relations.all()}
    wanted = {(r["target"].pk, r["kind"]) for r in relations}
    for key, relation in existing.items():
        if key not in wanted:
            touched.add(relation.target_id)
            _by(user, relation)
            relation.delete()
    for r in relations:
        found = existing.get((r["target"].pk, r["kind"]))
        if found is not None and found.effective_on == r["effective_on"]:
            continue
        relation = found or RegulationRelation(source=regulation, target=r["target"], kind=r["kind"])
        relation.effective_on = r["effective_on"]
        _by(user, relation)
        relation.save()
        touched.add(r["target"].pk)
    return touched


@transaction.atomic
def create_regulation(
    user: User,
    data: dict,
    parties: Sequence[dict],
    articles: Sequence[dict] = (),
    files: Iterable[tuple[str, UploadedFile]] = (),
    relations: Sequence[dict] = (),
) -> Regulation:
    """Record a signed regulation with its parties, articles, originals and relations."""
    access.require_role(user, access.EDIT_ROLES)
    validate(user, data, parties, relations)
    regulation = Regulation(created_by=user)
    return _save(user, regulation, data, parties, articles, _check_files(files), relations)


@transaction.atomic
def update_regulation(
    user: User,
    regulation: Regulation,
    data: dict,
    parties: Sequence[dict],
    articles: Sequence[dict] = (),
    files: Iterable[tuple[str, UploadedFile]] = (),
    relations: Sequence[dict] = (),
) -> Regulation:
    access.require_write(user, regulation.locality_id)
    validate(user, data, parties, relations, instance=regulation)
    return _save(user, regulation, data, parties, articles, _check_files(files), relations)


def _save(
    user: User,
    regulation: Regulation,
    data: dict,
    parties: Sequence[dict],
    articles: Sequence[dict],
    checked: list[tuple[str, UploadedFile, CheckedFile]],
    relations: Sequence[dict],
) -> Regulation:
    """The write shared by create and update, after validation."""
    host = host_of(parties)
    if host is None:  # validate() refused it already
        raise ValidationError({"parties": [MSG_HOST_COUNT]})
    regulation.host_agency, regulation.locality = host, host.locality
    for name in REGULATION_FIELDS:
        if name in data:
            setattr(regulation, name, data[name])
    regulation.number = regulation.number.strip()
    _by(user, regulation)
    regulation.save()
    if "fields" in data:
        regulation.fields.set(data["fields"])
    _sync_parties(user, regulation, parties)
    _sync_articles(user, regulation, articles)
    touched = _sync_relations(user, regulation, relations)
    for kind, upload, info in checked:
        _save_original(user, regulation, kind, upload, info)
    refresh_search_text(regulation)
    refresh_derived_dates(touched | {regulation.pk})
    regulation.refresh_from_db()
    # Its figures and reminders follow the save: ``regulation.changed`` (announced by the saves above)
    # is delivered to the dashboards and the reminders once this transaction commits.
    return regulation


@transaction.atomic
def add_original(user: User, regulation: Regulation, kind: str, upload: UploadedFile) -> Original:
    access.require_write(user, regulation.locality_id)
    ((kind, upload, info),) = _check_files([(kind, upload)])
    return _save_original(user, regulation, kind, upload, info)


@transaction.atomic
def add_relation(
    user: User, source: Regulation, target: Regulation, kind: str, effective_on: date
) -> RegulationRelation:
    access.require_write(user, source.locality_id)
    if message := relation_error(source.pk, target, kind):
        raise ValidationError({"target": [message]})
    relation, _created = RegulationRelation.objects.get_or_create(
        source=source, target=target, kind=kind, defaults={"effective_on": effective_on}
    )
    if relation.effective_on != effective_on:
        relation.effective_on = effective_on
        _by(user, relation)
        relation.save()
    refresh_derived_dates([source.pk, target.pk])
    return relation
