"""Widgets for long choice lists. Django renders a template per <option>; a select of the two
thousand agencies of the country took a fifth of a second that way. These render the options with
one ``format_html_join`` and behave the same otherwise (attributes, selection, empty choice)."""

from __future__ import annotations

import datetime
import re
from typing import cast

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class FastSelect(forms.Select):
    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                ("" if key is None else str(key), SELECTED if str("" if key is None else key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    allow_multiple_selected = True


class DateTextInput(forms.TextInput):
    """A date typed as dd/mm/yyyy (the portal's own format, also what links carry): a link's
    ``date_from=01/01/2023`` shows as typed, and an ISO date (2023-01-01) is shown as 01/01/2023."""

    input_formats = ("%d/%m/%Y", "%Y-%m-%d")

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "size": 10,
                "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, str):
            for fmt in self.input_formats:
                try:
                    return datetime.datetime.strptime(value.strip(), fmt).strftime("%d/%m/%Y")
                except ValueError:
                    continue
            return value or None
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


# Dates are typed as text, never ``type=date``: a date input follows the browser's language (an
# English Chromium shows mm/dd/yyyy and silently turns 15092025 into 12/09/2025). A text input
# keeps dd/mm/yyyy for everybody; the field's strict parser then refuses 31/02/2025 instead of
# moving it. ``normalize_date_text`` only adds the slashes a user may leave out.
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
_DIGITS_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_SEPARATED_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2})[:hg.]?(\d{2})?$")


def normalize_date_text(text: str) -> str:
    """'15092025', '15-09-2025', '15.9.2025' → '15/09/2025'; anything else is returned unchanged,
    so the parser reports it."""
    text = text.strip()
    match = _DIGITS_DATE.match(text) or _SEPARATED_DATE.match(text)
    if match is None:
        return text
    day, month, year = match.groups()
    return f"{int(day):02d}/{int(month):02d}/{year}"


def normalize_datetime_text(text: str) -> str:
    """'15092025 0830', '15/09/2025 8:30', '15/09/2025 8h30' → '15/09/2025 08:30'."""
    parts = text.split()
    if not parts:
        return text.strip()
    day = normalize_date_text(parts[0])
    if len(parts) == 1:
        return day
    time = _TIME.match("".join(parts[1:]).lower()) if len(parts) <= 2 else None
    if time is None:
        return " ".join([day, *parts[1:]])
    hour, minute = time.groups()
    return f"{day} {int(hour):02d}:{int(minute or 0):02d}"


class DateInput(forms.DateInput):
    """dd/mm/yyyy in a text input, whatever the browser's language."""

    input_type = "text"
    placeholder = "dd/mm/yyyy"
    normalize = staticmethod(normalize_date_text)

    def __init__(self, attrs: dict | None = None, format: str | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": self.placeholder,
            "data-date-input": "",
            "size": len(self.placeholder) + 6,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or self.default_format)

    default_format = DATE_FORMAT

    def value_from_datadict(self, data, files, name: str):
        value = super().value_from_datadict(data, files, name)
        return self.normalize(value) if isinstance(value, str) else value

    def format_value(self, value):
        # An ISO date from an old link (2023-01-01) is shown in the form's own format.
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        return super().format_value(value)


class DateTimeInput(DateInput):
    """dd/mm/yyyy hh:mm (24 h) in a text input."""

    placeholder = "dd/mm/yyyy hh:mm"
    default_format = DATETIME_FORMAT
    normalize = staticmethod(normalize_datetime_text)


class AutocompleteSelect(FastSelect):
    """A select of a long list (the agencies of the whole country) that renders only its chosen
    options; the page's script (Tom Select) loads the others on demand from ``url``, a JSON endpoint
    that scopes them through ``portal.access``. Validation is the field's, on its scoped queryset."""

    def __init__(self, url: str, attrs: dict | None = None, choices=()) -> None:
        super().__init__(attrs=attrs, choices=choices)
        self.url = url

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete-url"] = str(self.url)
        return attrs

    def visible_choices(self, chosen: set[str]) -> list[tuple]:
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return [(k, v) for k, v in self.choices if k in ("", None) or str(k) in chosen]
        field = self.choices.field
        visible: list[tuple] = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            visible.append(("", field.empty_label))
        from portal.params import int_param

        ids = [pk for v in chosen if (pk := int_param(v)) is not None]
        if ids:
            visible += [(obj.pk, field.label_from_instance(obj)) for obj in queryset.filter(pk__in=ids)]
        return visible

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        original = self.choices
        self.choices = self.visible_choices(chosen)
        try:
            return super().render(name, value, attrs, renderer)
        finally:
            self.choices = original


class AutocompleteSelectMultiple(AutocompleteSelect):
    allow_multiple_selected = True


def agency_autocomplete(multiple: bool = False, partner_dated_by: str = "") -> AutocompleteSelect:
    """The widget for any choice among the agencies in the user's scope. ``partner_dated_by`` names
    the form's date field: the picker then offers the partners the 2025 map allows for a record of
    that date (``agencies.selectors.partner_picker``)."""
    from django.urls import reverse_lazy
    from django.utils.text import format_lazy

    url = cast(str, reverse_lazy("agencies:autocomplete"))  # resolved when rendered, after the URLconf loads
    if partner_dated_by:
        url = cast(str, format_lazy("{}?doi_tac=1", url))
        attrs = {"data-autocomplete-date": partner_dated_by}
        return AutocompleteSelectMultiple(url, attrs) if multiple else AutocompleteSelect(url, attrs)
    return AutocompleteSelectMultiple(url) if multiple else AutocompleteSelect(url)
