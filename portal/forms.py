"""Shared form helpers."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 1900, 2199


def sane_year(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse dates no record of this portal can have: they also overflow time-zone arithmetic."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Năm phải trong khoảng %(first)s–%(last)s."), code="year_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class BoundedDatesMixin:
    """Adds ``sane_year`` to every date and date-time field of a form. A field that fails is left out
    of model validation, so the database constraints are never checked with an impossible date."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField) and sane_year not in field.validators:
                field.validators.append(sane_year)


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
            raise ValidationError(self.error_messages["invalid_choice"] % {"value": "?"}, code="invalid_choice") \
                from None
