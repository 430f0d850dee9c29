"""List filters (django-filter) of meetings and directives."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Locality
from agencies.pickers import UnitChoiceFilter, set_units
from meetings.models import Directive, DirectiveState, Meeting, MeetingKind, MeetingState
from portal import access
from portal.filters import DateRangeFilterForm, PortalFilterSet
from portal.forms import use_vietnamese_dates
from portal.search import matches_all_words
from portal.widgets import DateInput, agency_autocomplete

DATE_WIDGET = DateInput()
# Both kinds of review at once: what the dashboard's "Sơ kết, tổng kết" figures count.
REVIEWS = "reviews"
KIND_CHOICES = [*MeetingKind.choices, (REVIEWS, _("Sơ kết và tổng kết"))]


class MeetingFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=_("Loại"), choices=KIND_CHOICES, method="filter_kind", empty_label=_("Tất cả")
    )
    state = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=MeetingState.choices, empty_label=_("Tất cả"))
    agency = UnitChoiceFilter(
        label=_("Cơ quan (gồm cấp dưới)"),
        queryset=Agency.objects.none(),
        method="filter_agency",
        empty_label=_("Tất cả"),
        widget=agency_autocomplete(),
    )
    date_from = django_filters.DateFilter(label=_("Từ ngày"), method="filter_from", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label=_("Đến ngày"), method="filter_to", widget=DATE_WIDGET)
    # Bounded like a database id: a 20-digit value must be a form error, not a bigint overflow.
    regulation = django_filters.NumberFilter(
        label=_("Quy chế (mã số)"),
        field_name="regulations",
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
    )
    held = django_filters.BooleanFilter(
        label=_("Chỉ cuộc họp đã tổ chức"), method="filter_held", widget=forms.CheckboxInput
    )

    class Meta:
        model = Meeting
        fields: list[str] = []
        form = DateRangeFilterForm

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        set_units(self, "agency", access.agencies(user))
        for name in ("date_from", "date_to"):
            use_vietnamese_dates(self.filters[name].field)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(matches_all_words("search_text", value[:200])) if value.strip() else qs

    def filter_agency(self, qs: QuerySet, name: str, value: Agency) -> QuerySet:
        # The unit and everything below it, as on the dashboard and in access scoping.
        return qs.filter(locality__in=Locality.objects.subtree(value.locality))

    def filter_kind(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == REVIEWS:
            return qs.filter(kind__in=(MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW))
        return qs.filter(kind=value)

    def filter_held(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        held = (MeetingState.HELD, MeetingState.MINUTES_FINALISED)
        return qs.filter(state__in=held) if value else qs

    def filter_from(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        start = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
        return qs.filter(starts_at__gte=start)

    def filter_to(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        end = timezone.make_aware(datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min))
        return qs.filter(starts_at__lt=end)


DIRECTIVE_STATES = [
    ("open", _("Đang thực hiện")),
    ("in_time", _("Đang thực hiện, trong hạn")),
    ("done", _("Đã hoàn thành")),
    ("overdue", _("Quá hạn")),
]


class DirectiveFilter(PortalFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=DIRECTIVE_STATES, method="filter_state", empty_label=_("Tất cả")
    )
    agency = UnitChoiceFilter(
        label=_("Đơn vị (gồm cấp dưới)"),
        queryset=Agency.objects.none(),
        method="filter_agency",
        empty_label=_("Tất cả"),
        widget=agency_autocomplete(),
    )
    deadline_from = django_filters.DateFilter(
        label=_("Hạn từ ngày"), field_name="deadline", lookup_expr="gte", widget=DATE_WIDGET
    )
    deadline_to = django_filters.DateFilter(
        label=_("Hạn đến ngày"), field_name="deadline", lookup_expr="lte", widget=DATE_WIDGET
    )

    class Meta:
        model = Directive
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        set_units(self, "agency", access.agencies(user))
        for name in ("deadline_from", "deadline_to"):
            use_vietnamese_dates(self.filters[name].field)

    def filter_agency(self, qs: QuerySet, name: str, value: Agency) -> QuerySet:
        return qs.filter(locality__in=Locality.objects.subtree(value.locality))

    def filter_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "overdue":
            return qs.overdue(timezone.localdate())
        if value == "in_time":  # open and not overdue: the dashboard's "đang thực hiện (trong hạn)"
            return qs.filter(state=DirectiveState.OPEN).exclude(deadline__lt=timezone.localdate())
        if value in DirectiveState.values:
            return qs.filter(state=value)
        return qs
