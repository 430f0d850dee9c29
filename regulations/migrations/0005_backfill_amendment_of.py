"""Point every existing amending document at the regulation it amends (the root of its chain), drop its
own review cycle, and move the amended regulation's dates (last amendment, reviews of its amendments)."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

from regulations.rules import compute_next_review_due


def backfill(apps, schema_editor):
    Regulation = apps.get_model("regulations", "Regulation")
    Relation = apps.get_model("regulations", "RegulationRelation")
    Meeting = apps.get_model("meetings", "Meeting")
    targets: dict[int, int] = {}
    for source_id, target_id in Relation.objects.filter(kind="amends").order_by("effective_on", "id").values_list(
        "source_id", "target_id"
    ):
        targets.setdefault(source_id, target_id)
    if not targets:
        return
    groups: dict[int, set[int]] = {}
    for pk in targets:
        current, seen = pk, {pk}
        while current in targets and targets[current] not in seen:
            current = targets[current]
            seen.add(current)
        Regulation.objects.filter(pk=pk).update(amendment_of_id=current, next_review_due=None, amended_on=None)
        groups.setdefault(current, {current}).add(pk)
    for root in Regulation.objects.filter(pk__in=list(groups)):
        group = groups[root.pk]
        root.amended_on = Relation.objects.filter(kind="amends", target_id__in=group).aggregate(
            last=Max("effective_on"))["last"]
        last = Meeting.objects.filter(
            regulations__in=group, kind__in=("interim_review", "final_review"),
            state__in=("held", "minutes_finalised"),
        ).aggregate(last=Max("starts_at"))["last"]
        root.last_review_on = timezone.localtime(last).date() if last else None
        root.next_review_due = compute_next_review_due(root)
        Regulation.objects.filter(pk=root.pk).update(
            amended_on=root.amended_on, last_review_on=root.last_review_on, next_review_due=root.next_review_due
        )


class Migration(migrations.Migration):

    dependencies = [
        ("regulations", "0004_regulation_amendment_of"),
        ("meetings", "0004_search_trigram"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
