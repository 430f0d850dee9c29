"""Every save or delete of a counted record recounts the tallies of its locality (old and new)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from dashboards import tallies
from meetings.models import Directive, Meeting
from regulations.models import Regulation, RegulationParty

FAMILY = {Meeting: tallies.MEETINGS, Directive: tallies.DIRECTIVES, Regulation: tallies.REGULATIONS}


def _remember(sender, instance, **kwargs) -> None:
    instance._tally_locality_id = instance.__dict__.get("locality_id")


def _changed(sender, instance, **kwargs) -> None:
    tallies.touch({getattr(instance, "_tally_locality_id", None), instance.locality_id}, (FAMILY[sender],))
    instance._tally_locality_id = instance.locality_id


def _party_changed(sender, instance, **kwargs) -> None:
    locality_id = Regulation.objects.filter(pk=instance.regulation_id).values_list("locality_id", flat=True).first()
    tallies.touch({locality_id}, (tallies.REGULATIONS,))


def _fields_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Regulation):
        tallies.touch({instance.locality_id}, (tallies.REGULATIONS,))


def connect() -> None:
    for model in FAMILY:
        post_init.connect(_remember, sender=model, dispatch_uid=f"tally-init-{model.__name__}")
        post_save.connect(_changed, sender=model, dispatch_uid=f"tally-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"tally-delete-{model.__name__}")
    post_save.connect(_party_changed, sender=RegulationParty, dispatch_uid="tally-party-save")
    post_delete.connect(_party_changed, sender=RegulationParty, dispatch_uid="tally-party-delete")
    m2m_changed.connect(_fields_changed, sender=Regulation.fields.through, dispatch_uid="tally-fields")
