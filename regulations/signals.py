"""Regulations announce their own changes on the event path (``portal.events``).

Every save or delete of a regulation, of its parties and of its fields, whatever the path (services,
imports, the Django admin, a shell), publishes ``regulation.changed`` with the regulation and the
localities whose figures may have changed (its old and its new one). Writes by queryset ``update()``
send no signal: the services announce those themselves (``announce``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from portal import events
from regulations.models import Original, Regulation, RegulationParty


def announce(regulation_ids: Iterable[int], locality_ids: Iterable[int | None] = ()) -> None:
    events.publish(events.REGULATION_CHANGED, regulations=list(regulation_ids), localities=list(locality_ids))


def _remember(sender: type[Regulation], instance: Regulation, **kwargs: Any) -> None:
    instance._announced_locality_id = instance.__dict__.get("locality_id")  # type: ignore[attr-defined]


def _changed(sender: type[Regulation], instance: Regulation, **kwargs: Any) -> None:
    announce([instance.pk], {getattr(instance, "_announced_locality_id", None), instance.locality_id})
    instance._announced_locality_id = instance.locality_id  # type: ignore[attr-defined]


def _party_changed(sender: type[RegulationParty], instance: RegulationParty, **kwargs: Any) -> None:
    announce([instance.regulation_id])


def _fields_changed(sender: type, instance: object, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Regulation):
        announce([instance.pk], [instance.locality_id])


def _original_added(sender: type[Original], instance: Original, created: bool = False, **kwargs: Any) -> None:
    if created:
        events.publish(events.ORIGINAL_ADDED, originals=[instance.pk], regulations=[instance.regulation_id])


def connect() -> None:
    post_init.connect(_remember, sender=Regulation, dispatch_uid="announce-regulation-init")
    post_save.connect(_changed, sender=Regulation, dispatch_uid="announce-regulation-save")
    post_delete.connect(_changed, sender=Regulation, dispatch_uid="announce-regulation-delete")
    post_save.connect(_party_changed, sender=RegulationParty, dispatch_uid="announce-party-save")
    post_delete.connect(_party_changed, sender=RegulationParty, dispatch_uid="announce-party-delete")
    post_save.connect(_original_added, sender=Original, dispatch_uid="announce-original-added")
    m2m_changed.connect(_fields_changed, sender=Regulation.fields.through, dispatch_uid="announce-fields")
