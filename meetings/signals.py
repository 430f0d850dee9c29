"""Meetings announce their own changes on the event path (``portal.events``).

Every save or delete of a meeting or a directive, whatever the path (services, imports, the Django admin,
a shell), publishes ``meeting.changed`` or ``directive.changed`` with the record and the localities
whose figures may have changed (its old and its new one). Writes by queryset ``update()`` send no
signal: the services announce those themselves (``announce_*``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save

from meetings.models import Directive, Meeting
from portal import events

EVENT = {Meeting: (events.MEETING_CHANGED, "meetings"), Directive: (events.DIRECTIVE_CHANGED, "directives")}


def announce_meetings(meeting_ids: Iterable[int], locality_ids: Iterable[int | None] = ()) -> None:
    events.publish(events.MEETING_CHANGED, meetings=list(meeting_ids), localities=list(locality_ids))


def announce_directives(directive_ids: Iterable[int], locality_ids: Iterable[int | None] = ()) -> None:
    events.publish(events.DIRECTIVE_CHANGED, directives=list(directive_ids), localities=list(locality_ids))


def _remember(sender: type[Model], instance: Meeting | Directive, **kwargs: Any) -> None:
    instance._announced_locality_id = instance.__dict__.get("locality_id")  # type: ignore[union-attr]


def _changed(sender: type[Meeting | Directive], instance: Meeting | Directive, **kwargs: Any) -> None:
    name, key = EVENT[sender]
    old = getattr(instance, "_announced_locality_id", None)
    events.publish(name, **{key: [instance.pk], "localities": [old, instance.locality_id]})
    instance._announced_locality_id = instance.locality_id  # type: ignore[union-attr]


def connect() -> None:
    for model in EVENT:
        post_init.connect(_remember, sender=model, dispatch_uid=f"announce-init-{model.__name__}")
        post_save.connect(_changed, sender=model, dispatch_uid=f"announce-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"announce-delete-{model.__name__}")
