"""Reads of regulations. Every read goes through ``portal.access``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from portal import access
from portal.search import tokens
from regulations import reviews, rules, texts
from regulations.models import (
    Article,
    Field,
    Original,
    Regulation,
    RegulationParty,
    RegulationQuerySet,
    RegulationRelation,
)


def today() -> datetime.date:
    return timezone.localdate()


def visible(user: User) -> RegulationQuerySet:
    return access.restrict(user, Regulation.objects.all())


def listing(user: User, on: datetime.date | None = None) -> QuerySet[Regulation]:
    """Visible regulations with what a list row shows, in a fixed number of queries.

    Amending documents are not rows of their own: each shows under the regulation it amends."""
    parties = RegulationParty.objects.select_related("agency__current_carrier").order_by("order", "id")
    amendments = (
        visible(user)
        .order_by("in_force_from", "signed_on", "id")
        .only("id", "number", "in_force_from", "signed_on", "amendment_of_id")
    )
    return (
        rules.with_status(visible(user).counted(), on or today())
        .select_related("host_agency__current_carrier")
        .prefetch_related(
            Prefetch("parties", queryset=parties),
            Prefetch("fields", queryset=Field.objects.order_by("order")),
            Prefetch("amendments", queryset=amendments),
        )
    )


def detail(user: User, pk: int) -> Regulation:
    qs = Regulation.objects.select_related(
        "host_agency__current_carrier", "locality", "created_by", "amendment_of"
    ).prefetch_related(
        Prefetch(
            "parties",
            queryset=RegulationParty.objects.select_related("agency__current_carrier").order_by("order", "id"),
        ),
        "fields",
        "articles",
        Prefetch("originals", queryset=Original.objects.select_related("signature_check").order_by("uploaded_at")),
        Prefetch("outgoing_relations", queryset=RegulationRelation.objects.select_related("target")),
        Prefetch("incoming_relations", queryset=RegulationRelation.objects.select_related("source")),
    )
    return access.get_or_404(user, qs, pk=pk)


def attach_text_panels(regulation: Regulation, can_reread: bool) -> bool:
    """Each original of the page gets ``text_panel`` (its text, read by the registered source, see
    ``regulations.texts``); True when one is still being read (the page then polls its progress)."""
    originals = list(regulation.originals.all())
    panels = texts.panels([o.pk for o in originals])
    pending = False
    for original in originals:
        panel = panels.get(original.pk)
        if panel is not None:
            panel["can_reread"] = can_reread
            pending = pending or not panel["status"]["finished"]
        original.text_panel = panel  # type: ignore[attr-defined]
    return pending


def attach_text_hits(rows: list[Regulation], query: str) -> None:
    """Rows of a search found inside an original get ``original_hit`` ("Tìm thấy trong bản gốc, trang 3:
    …"); an amending document's original counts for the regulation it amends. Rows whose own fields
    hold every word need no such line and get none."""
    words = tokens(query[:200])
    # A row whose own fields hold every word was found by them: its originals are not read (issue 23).
    rows = [row for row in rows if not all(word in row.search_text for word in words)]
    if not words or not rows:
        return
    root_of = {row.pk: row.pk for row in rows}
    for row in rows:
        root_of.update({amendment.pk: row.pk for amendment in row.amendments.all()})
    hits = texts.snippets(list(root_of), query[:200])
    found: dict[int, str] = {}
    for regulation_id, line in hits.items():
        found.setdefault(root_of[regulation_id], line)
    for row in rows:
        if row.pk in found:
            row.original_hit = found[row.pk]  # type: ignore[attr-defined]


def relation_choices(user: User, exclude_pk: int | None = None) -> QuerySet[Regulation]:
    qs = visible(user).select_related("host_agency").order_by("-signed_on", "number")
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def for_agency(user: User, agency: Agency) -> QuerySet[Regulation]:
    """The visible regulations this agency signed (as host or party)."""
    return listing(user).filter(pk__in=RegulationParty.objects.filter(agency=agency).values("regulation_id"))


def amendments(user: User, regulation: Regulation) -> list[Regulation]:
    """The visible amending documents of this regulation, in the order they took effect."""
    return list(visible(user).filter(amendment_of=regulation).order_by("in_force_from", "signed_on", "id"))


def amended_regulation(user: User, regulation: Regulation) -> Regulation | None:
    """The regulation this amending document belongs to, if the user may read it."""
    if regulation.amendment_of_id is None:
        return None
    return visible(user).filter(pk=regulation.amendment_of_id).first()


def review_meetings(user: User, regulation: Regulation) -> list[Any]:
    """Reviews of the regulation as amended: its own and those recorded on its amending documents
    (meetings, read through ``regulations.reviews``), in the user's scope."""
    ids = [regulation.pk, *Regulation.objects.filter(amendment_of=regulation).values_list("pk", flat=True)]
    meetings = reviews.of(ids)
    return [] if meetings is None else list(access.restrict(user, meetings).order_by("starts_at"))


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@dataclass
class Event:
    day: datetime.date
    label: str
    url: str = ""
    link_text: str = ""


def timeline(user: User, regulation: Regulation, reviews: list[Any]) -> list[Event]:
    events = [Event(regulation.signed_on, _("Ký ban hành"))]
    events.append(Event(regulation.in_force_from, _("Có hiệu lực")))
    for meeting in reviews:
        events.append(
            Event(
                timezone.localtime(meeting.starts_at).date(),
                meeting.get_kind_display(),
                _url("meetings:detail", meeting.pk),
                meeting.title,
            )
        )
    visible_ids = set(visible(user).values_list("pk", flat=True))
    for rel in regulation.outgoing_relations.all():
        target = rel.target
        url = target.get_absolute_url() if target.pk in visible_ids else ""
        label = _("Văn bản này %(kind)s văn bản") % {"kind": rel.get_kind_display().lower()}
        events.append(Event(rel.effective_on, label, url, target.number))
    for rel in regulation.incoming_relations.all():
        source = rel.source
        url = source.get_absolute_url() if source.pk in visible_ids else ""
        label = {
            "amends": _("Được sửa đổi, bổ sung bởi"),
            "supersedes": _("Bị thay thế bởi"),
            "repeals": _("Bị bãi bỏ bởi"),
        }[rel.kind]
        events.append(Event(rel.effective_on, label, url, source.number))
    if regulation.expires_on:
        events.append(Event(regulation.expires_on, _("Hết hiệu lực")))
    if regulation.next_review_due:
        events.append(Event(regulation.next_review_due, _("Hạn sơ kết tiếp theo")))
    return sorted(events, key=lambda e: e.day)


HISTORY_HIDDEN = ["created_by", "created_at", "locality"]


@dataclass
class Change:
    when: datetime.datetime
    who: str
    kind: str
    changes: list[tuple[str, str, str]]
    reason: str = ""  # why, when a bulk path said so ("Nhập từ tệp …")


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _field_name(value: object, fields_by_id: dict[int, str]) -> str:
    return value.name if isinstance(value, Field) else str(fields_by_id.get(value, value))  # type: ignore[call-overload]


def history(regulation: Regulation) -> list[Change]:
    """The regulation's change records, newest first, with field-by-field old and new values."""
    records = list(regulation.history.select_related("history_user").order_by("-history_date", "-history_id"))
    field_names = {f.name: str(f.verbose_name) for f in Regulation._meta.get_fields() if hasattr(f, "verbose_name")}
    fields_by_id = {f.pk: f.name for f in Field.objects.all()}
    result = []
    # Records created by bulk paths, imports or migrations may have no history rows at all.
    for record, previous in zip(records, [*records[1:], None][: len(records)], strict=True):
        who = record.history_user.display_name if record.history_user else _("Hệ thống")
        kind = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}.get(record.history_type, "")
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN, foreign_keys_are_objs=True)
            for change in delta.changes:
                old, new = change.old, change.new
                if change.field == "fields":
                    old = sorted(_field_name(row["field"], fields_by_id) for row in old or [])
                    new = sorted(_field_name(row["field"], fields_by_id) for row in new or [])
                    if old == new:
                        continue
                changes.append((field_names.get(change.field, change.field), _show(old), _show(new)))
            if not changes and record.history_type == "~":
                continue
        result.append(Change(record.history_date, who, kind, changes, record.history_change_reason or ""))
    result += _related_history(regulation)
    return sorted(result, key=lambda c: c.when, reverse=True)


def _describe(record: Any, describe: Callable[[Any], str]) -> str:
    try:
        return str(describe(record))
    except Exception:  # the related row (e.g. a deleted regulation) may be gone
        return "—"


RELATED_HISTORY = [
    (
        RegulationParty,
        "regulation_id",
        _("bên ký kết"),
        lambda r: f"{r.agency.name} ({r.get_role_display()}{', ' + r.signatory_name if r.signatory_name else ''})",
    ),
    (Article, "regulation_id", _("điều"), lambda r: f"Điều {r.number}. {r.heading}".strip()),
    (
        RegulationRelation,
        "source_id",
        _("quan hệ văn bản"),
        lambda r: f"{r.get_kind_display()} {r.target.number} từ {r.effective_on:%d/%m/%Y}",
    ),
    (Original, "regulation_id", _("tệp văn bản gốc"), lambda r: r.original_name),
]
VERBS = {"+": _("Thêm"), "~": _("Sửa"), "-": _("Xóa")}


def _related_history(regulation: Regulation) -> list[Change]:
    result = []
    for model, fk, noun, describe in RELATED_HISTORY:
        history = model.history  # type: ignore[attr-defined]  # added by simple-history
        for record in history.filter(**{fk: regulation.pk}).select_related("history_user"):
            who = record.history_user.display_name if record.history_user else _("Hệ thống")
            kind = f"{VERBS.get(record.history_type, '')} {noun}"
            after = _describe(record, describe)
            before = "—"
            if record.history_type == "~" and record.prev_record is not None:
                before = _describe(record.prev_record, describe)
                if before == after:
                    continue
            elif record.history_type == "-":
                before, after = after, "—"
            result.append(Change(record.history_date, who, kind, [(str(noun), before, after)]))
    return result


def agency_section(user: User, agency: Agency) -> dict:
    """Context for the agency page's section listing the agency's regulations (first 50)."""
    return {
        "agency_regulations": list(for_agency(user, agency)[:50]),
        "agency_regulations_today": today(),
    }
