"""The register's filters; the same GET parameters drive the list, the exports and the PDF."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Locality
from agencies.pickers import UnitChoiceFilter, set_units
from portal import access
from portal.filters import PortalFilterSet
from portal.forms import OverflowSafeChoiceMixin
from portal.search import matches_all_words
from portal.widgets import agency_autocomplete
from regulations import rules, texts
from regulations.models import (
    Field,
    PartyRole,
    Regulation,
    RegulationParty,
    RegulationStatus,
    RegulationType,
    ReviewState,
)


class SafeModelChoiceField(OverflowSafeChoiceMixin, django_filters.fields.ModelChoiceField):
    pass


class SafeModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField


# From this many matches (the capped count) a search's page walks the register's order (``walk``).
WALK_FROM = 1_000

SORTS = {
    "-signed_on": (_("Ngày ký (mới nhất)"), ["-signed_on", "-id"]),
    "signed_on": (_("Ngày ký (cũ nhất)"), ["signed_on", "id"]),
    "number": (_("Số, ký hiệu"), ["number", "id"]),
    "next_review_due": (_("Hạn sơ kết gần nhất"), [F("next_review_due").asc(nulls_last=True), "id"]),
}


class RegulationFilter(PortalFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"), method="filter_q", widget=forms.TextInput(attrs={"type": "search"})
    )
    agency = UnitChoiceFilter(
        label=_("Cơ quan (kể cả cấp dưới)"),
        queryset=Agency.objects.none(),
        method="filter_agency",
        empty_label=_("Tất cả"),
        widget=agency_autocomplete(),
    )
    partner_kind = django_filters.ChoiceFilter(
        label=_("Loại cơ quan phối hợp"),
        choices=AgencyKind.choices,
        method="filter_partner_kind",
        empty_label=_("Tất cả"),
    )
    field = SafeModelChoiceFilter(
        label=_("Lĩnh vực"), queryset=Field.objects.filter(is_active=True), field_name="fields", empty_label=_("Tất cả")
    )
    type = django_filters.ChoiceFilter(label=_("Loại văn bản"), choices=RegulationType.choices, empty_label=_("Tất cả"))
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=RegulationStatus.choices, method="filter_status", empty_label=_("Tất cả")
    )
    review_state = django_filters.ChoiceFilter(
        label=_("Sơ kết"), choices=ReviewState.choices, method="filter_review_state", empty_label=_("Tất cả")
    )
    signed_from = django_filters.NumberFilter(
        label=_("Ký từ năm"), method="filter_signed_from", min_value=1945, max_value=2100, decimal_places=0
    )
    signed_to = django_filters.NumberFilter(
        label=_("Ký đến năm"), method="filter_signed_to", min_value=1945, max_value=2100, decimal_places=0
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), choices=[(k, v[0]) for k, v in SORTS.items()], method="filter_sort", empty_label=None
    )

    class Meta:
        model = Regulation
        fields: list[str] = []

    def __init__(self, *args, user, today, walk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.today, self.walk = user, today, walk
        set_units(self, "agency", access.agencies(user))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # An amending document is found through the regulation it amends (it is no row of its own).
        # One id set, each part read through its trigram index (a plain OR with the row's own text made
        # PostgreSQL scan every row; issue 25), then joined to the scoped list.
        words = matches_all_words("search_text", value[:200])
        found = Regulation.objects.filter(words)
        if self.walk:
            return queryset.filter(self._walk_q(value[:200], words, found))
        parts = [found.values("pk"), found.filter(amendment_of__isnull=False).values("amendment_of_id")]
        in_originals = texts.matching(value[:200])
        if in_originals is not None:
            parts.append(in_originals)
            parts.append(
                Regulation.objects.filter(pk__in=in_originals, amendment_of__isnull=False).values("amendment_of_id")
            )
        ids = parts[0].order_by().union(*(p.order_by() for p in parts[1:]))
        return queryset.filter(pk__in=ids)

    @staticmethod
    def _walk_q(text: str, words: Q, found: QuerySet) -> Q:
        """The same rows as the id set, tested row by row: for a search matching many rows
        (``WALK_FROM``), whose page PostgreSQL then finds walking the register's order, stopping at
        the page's rows, instead of joining and sorting every match (issue 23). Never for the count:
        for a rare phrase the walk would read the whole list."""
        amended = found.filter(amendment_of__isnull=False).values("amendment_of_id")
        condition = words | Q(pk__in=amended)
        in_originals = texts.matches_row(text)
        if in_originals is not None:
            by_amendments = texts.matching(text)
            condition |= Q(in_originals) | Q(
                pk__in=Regulation.objects.filter(pk__in=by_amendments, amendment_of__isnull=False).values(
                    "amendment_of_id"
                )
            )
        return condition

    def filter_agency(self, queryset: QuerySet, name: str, value: Agency) -> QuerySet:
        # The unit and everything below it, as on the dashboard and in access scoping.
        return queryset.filter(locality__in=Locality.objects.subtree(value.locality))

    def filter_partner_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        parties = RegulationParty.objects.filter(agency__kind=value).exclude(role=PartyRole.HOST)
        return queryset.filter(pk__in=parties.values("regulation_id"))

    def filter_signed_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(signed_on__year__gte=int(value))

    def filter_signed_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(signed_on__year__lte=int(value))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # "Đang có hiệu lực" keeps the amended ones: they stay in force as amended.
        return queryset.filter(rules.status_q(value, self.today))

    def filter_review_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rules.review_state_q(value, self.today))

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS["-signed_on"])[1])
