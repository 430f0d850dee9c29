"""Unit pickers of the list filters: active units first, dissolved ones marked with who carries them now."""

from __future__ import annotations

import django_filters

from agencies.models import Agency
from agencies.selectors import display_with_carrier, picker_order
from portal.forms import SafeModelChoiceField


class UnitChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return display_with_carrier(obj, short=False)


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """Pass the readable agencies as ``queryset``; ``set_units`` orders them for the picker."""

    field_class = UnitChoiceField


def set_units(filterset: django_filters.FilterSet, name: str, queryset) -> None:
    filterset.filters[name].queryset = picker_order(queryset)
