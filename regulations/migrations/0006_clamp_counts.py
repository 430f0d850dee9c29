"""Bring typed numbers inside the bounds that 0007 enforces: a review interval outside 1..60 months
becomes the default 12 (below 1) or 60 (above); an impossible chapter or article count becomes unknown."""

from django.db import migrations
from django.db.models import Q

from regulations.rules import compute_next_review_due


def clamp(apps, schema_editor):
    Regulation = apps.get_model("regulations", "Regulation")
    Regulation.objects.filter(Q(chapters_count__lt=1) | Q(chapters_count__gt=200)).update(chapters_count=None)
    Regulation.objects.filter(Q(articles_count__lt=1) | Q(articles_count__gt=2000)).update(articles_count=None)
    for reg in Regulation.objects.filter(Q(review_interval_months__lt=1) | Q(review_interval_months__gt=60)):
        reg.review_interval_months = 12 if reg.review_interval_months < 1 else 60
        reg.next_review_due = compute_next_review_due(reg)
        Regulation.objects.filter(pk=reg.pk).update(review_interval_months=reg.review_interval_months,
                                                    next_review_due=reg.next_review_due)


class Migration(migrations.Migration):

    dependencies = [
        ("regulations", "0005_backfill_amendment_of"),
    ]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
