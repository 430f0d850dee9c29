"""The base of every list filter: the same GET parameters drive a list, its exports and its PDF."""

from __future__ import annotations

import django_filters
from django import forms

from portal.widgets import FastSelect


def use_fast_selects(form: forms.Form) -> None:
    """Swap Django's plain ``Select`` (a template per ``<option>``) for ``FastSelect`` (one join):
    a list's filter form is drawn on every page load."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            fast = FastSelect(attrs=widget.attrs, choices=widget.choices)
            fast.is_required = widget.is_required
            field.widget = fast


MSG_DATES_REVERSED = "Ngày kết thúc phải sau ngày bắt đầu."


class DateRangeFilterForm(forms.Form):
    """A filter form with ``date_from`` and ``date_to``: a reversed range is an error on ``date_to``
    (the list then filters by ``date_from`` alone and says why), not a silently empty list."""

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", MSG_DATES_REVERSED)
        return data


class PortalFilterSet(django_filters.FilterSet):
    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            use_fast_selects(super().form)
        return self._form
