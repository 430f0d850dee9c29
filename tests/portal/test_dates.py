"""Dates are typed dd/mm/yyyy in a text input, with or without slashes; an impossible date is an error
in Vietnamese, never moved to another day."""

import datetime

import pytest
from django import forms

from portal.forms import BoundedDatesMixin
from portal.widgets import normalize_date_text, normalize_datetime_text


class DatesForm(BoundedDatesMixin, forms.Form):
    day = forms.DateField(required=False)
    moment = forms.DateTimeField(required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/09/2025", "15/09/2025"),
        ("15092025", "15/09/2025"),
        (" 5/9/2025 ", "05/09/2025"),
        ("15-09-2025", "15/09/2025"),
        ("15.09.2025", "15/09/2025"),
        ("2025-09-15", "2025-09-15"),
        ("abc", "abc"),
    ],
)
def test_normalize_date_text(typed: str, expected: str) -> None:
    assert normalize_date_text(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15092025 0830", "15/09/2025 08:30"),
        ("15/09/2025 8:30", "15/09/2025 08:30"),
        ("15/09/2025 8h30", "15/09/2025 08:30"),
        ("15/09/2025", "15/09/2025"),
    ],
)
def test_normalize_datetime_text(typed: str, expected: str) -> None:
    assert normalize_datetime_text(typed) == expected


@pytest.mark.parametrize("typed", ["15/09/2025", "15092025", "2025-09-15"])
def test_both_ways_of_typing_mean_the_same_day(typed: str) -> None:
    form = DatesForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2025, 9, 15)


@pytest.mark.parametrize("typed", ["31/02/2025", "31022025", "09/15/2025", "15/9"])
def test_an_impossible_date_is_a_vietnamese_error_not_another_day(typed: str) -> None:
    form = DatesForm({"day": typed})
    assert not form.is_valid()
    assert "không đúng dạng ngày/tháng/năm" in form.errors["day"][0]


def test_the_input_is_text_with_the_date_as_dd_mm_yyyy() -> None:
    html = str(DatesForm(initial={"day": datetime.date(2025, 9, 5)})["day"])
    assert 'type="text"' in html and 'value="05/09/2025"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html


def test_date_time_typed_without_separators() -> None:
    form = DatesForm({"moment": "15092025 1430"})
    assert form.is_valid(), form.errors
    moment = form.cleaned_data["moment"]
    assert (moment.day, moment.month, moment.year, moment.hour, moment.minute) == (15, 9, 2025, 14, 30)


def test_a_wrong_date_keeps_what_was_typed_on_the_page() -> None:
    html = str(DatesForm({"day": "31/02/2025"})["day"])
    assert 'value="31/02/2025"' in html and 'aria-invalid="true"' in html
