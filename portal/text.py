"""Text typed by people, cleaned in one place: bidirectional controls are dropped everywhere (a U+202E
"right-to-left override" in a name spoofs what the audit log and the lists display), and single-line
text also loses its line breaks (a title that breaks a list row or a log line).

Installed once (``PortalConfig.ready`` calls ``install``) on the two paths every write takes:

* every Django form ``CharField`` (the portal's forms, the Django admin's, the import's; its
  subclasses too): a ``Textarea`` keeps its line breaks, a ``PasswordInput`` is left alone, anything
  else is one line;
* every model save (``pre_save``): a model ``CharField`` is one line, a ``TextField`` may have line
  breaks. This also covers the imports (their rows are saved through the services) and the shell.

The read-only API serves what is stored, so it serves it clean. ``manage.py clean_stored_text`` cleans
rows stored before this existed.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from django.db.models.signals import pre_save

# U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, U+200E/U+200F marks, U+061C Arabic mark
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# \r, \n and the other characters Python's splitlines() breaks on, with the spaces around them
_BREAKS = re.compile(r"[ \t]*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")


def clean_multiline(value: str) -> str:
    """Multi-line text: no bidirectional controls; line breaks stay."""
    return _BIDI.sub("", value)


def clean_line(value: str) -> str:
    """Single-line text: no bidirectional controls, and each run of line breaks becomes one space."""
    return _BREAKS.sub(" ", _BIDI.sub("", value))


def clean(value: Any, multiline: bool) -> Any:
    if not isinstance(value, str) or not value:
        return value
    return clean_multiline(value) if multiline else clean_line(value)


# ---------------------------------------------------------------------------------------- forms

_original_to_python = forms.CharField.to_python


def _char_field_to_python(self: forms.CharField, value: Any) -> Any:
    value = _original_to_python(self, value)
    if isinstance(self.widget, forms.PasswordInput):
        return value  # a password is what was typed, character for character
    return clean(value, multiline=isinstance(self.widget, forms.Textarea))


# ---------------------------------------------------------------------------------------- models

_text_fields: dict[type, list[tuple[str, bool]]] = {}


def text_fields(model: type[models.Model]) -> list[tuple[str, bool]]:
    """(attname, multi-line) of the model's text columns."""
    found = _text_fields.get(model)
    if found is None:
        found = [
            (field.attname, isinstance(field, models.TextField))
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        _text_fields[model] = found
    return found


def clean_instance(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: fixtures are stored as they are
        return
    for attname, multiline in text_fields(sender):
        value = instance.__dict__.get(attname)
        if isinstance(value, str) and value:
            cleaned = clean(value, multiline)
            if cleaned is not value and cleaned != value:
                setattr(instance, attname, cleaned)


def install() -> None:
    forms.CharField.to_python = _char_field_to_python  # type: ignore[method-assign]
    pre_save.connect(clean_instance, dispatch_uid="portal.text.clean_instance")
