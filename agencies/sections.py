"""Sections other apps add to an agency's page (its regulations, its meetings …).

Agencies are below those apps (they import agencies, not the other way round), so each registers its
section when Django starts (its ``AppConfig.ready``): a template that receives ``agency`` and the
request, and optionally a function giving that template more context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from agencies.models import Agency

Context = Callable[["User", "Agency"], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    template: str
    context: Context | None = None


_sections: list[Section] = []


def register(template: str, context: Context | None = None) -> None:
    if all(s.template != template for s in _sections):
        _sections.append(Section(template, context))


def for_page(user: User, agency: Agency) -> dict[str, Any]:
    """The template context of every registered section, with ``agency_sections`` (templates, in order)."""
    out: dict[str, Any] = {"agency_sections": [s.template for s in _sections]}
    for section in _sections:
        if section.context is not None:
            out.update(section.context(user, agency))
    return out
