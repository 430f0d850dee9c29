"""Shared form helpers."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.widgets import DATE_FORMAT, DATETIME_FORMAT, DateInput, DateTimeInput

FIRST_YEAR, LAST_YEAR = 1900, 2199


def sane_year(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse dates no record of this portal can have: they also overflow time-zone arithmetic."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Năm phải trong khoảng %(first)s–%(last)s."),
            code="year_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


MSG_BAD_DATE = _(
    "Ngày không hợp lệ: không có thật hoặc không đúng dạng ngày/tháng/năm. Nhập ví dụ 15/09/2025 hoặc 15092025."
)
MSG_BAD_DATETIME = _(
    "Thời gian không hợp lệ: không có thật hoặc không đúng dạng ngày/tháng/năm giờ:phút. Nhập ví dụ 15/09/2025 08:30."
)


def use_vietnamese_dates(field: forms.Field) -> None:
    """Give a date or date-time field the dd/mm/yyyy text input, its strict parser and a Vietnamese
    error. ISO dates stay accepted (links and bookmarks carry them)."""
    if isinstance(field, forms.DateTimeField):
        field.widget = DateTimeInput(attrs={k: v for k, v in field.widget.attrs.items() if k != "type"})
        formats = [DATETIME_FORMAT, "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        field.error_messages["invalid"] = MSG_BAD_DATETIME
    elif isinstance(field, forms.DateField):
        field.widget = DateInput(attrs={k: v for k, v in field.widget.attrs.items() if k != "type"})
        formats = [DATE_FORMAT, "%Y-%m-%d"]
        field.error_messages["invalid"] = MSG_BAD_DATE
    else:
        return
    field.input_formats = [*formats, *(f for f in getattr(field, "input_formats", []) if f not in formats)]
    if sane_year not in field.validators:
        field.validators.append(sane_year)


class BoundedDatesMixin:
    """Every date and date-time field of the form is typed dd/mm/yyyy (``use_vietnamese_dates``) and
    checked with ``sane_year``. A field that fails is left out of model validation, so the database
    constraints are never checked with an impossible date."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            use_vietnamese_dates(field)


class OverflowSafeChoiceMixin:
    """An id too large for the database is just an invalid choice, not a server error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class SafeModelChoiceField(OverflowSafeChoiceMixin, forms.ModelChoiceField):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"] % {"value": "?"}, code="invalid_choice"
            ) from None
