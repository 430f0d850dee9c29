"""FastSelect renders like Django's Select: attributes, the empty choice, selection, escaping."""

from django import forms

from portal.widgets import FastSelect, FastSelectMultiple


class ChoiceForm(forms.Form):
    one = forms.ChoiceField(
        choices=[("", "Tất cả"), ("1", "Viện kiểm sát <nhân dân>"), ("2", "Tòa án")], widget=FastSelect, required=False
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "Hình sự"), ("2", "Dân sự"), ("3", "Hành chính")], widget=FastSelectMultiple, required=True
    )


def test_single_select_marks_the_chosen_option_and_escapes_labels() -> None:
    html = str(ChoiceForm({"one": "1", "many": ["2"]})["one"])
    assert html.startswith('<select id="id_one" name="one">')
    assert '<option value="">Tất cả</option>' in html
    assert '<option value="1" selected>Viện kiểm sát &lt;nhân dân&gt;</option>' in html
    assert '<option value="2">Tòa án</option>' in html


def test_multiple_select_marks_every_chosen_option() -> None:
    html = str(ChoiceForm({"many": ["1", "3"]})["many"])
    assert "multiple" in html and "required" in html
    assert '<option value="1" selected>' in html and '<option value="3" selected>' in html
    assert '<option value="2">' in html
