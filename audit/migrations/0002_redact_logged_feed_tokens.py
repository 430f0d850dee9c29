"""Calendar feed tokens were written into the audit trail with the request path. Redact those paths
and give every user whose token was logged a new one (the old address stops working)."""

import re
import secrets

from django.db import migrations

FEED_PATH = re.compile(r"/hoi-nghi/lich/(?!dang-ky/)([^/?#\s]+)\.ics")
MASK = "[đã-ẩn]"


def redact_and_rotate(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    User = apps.get_model("accounts", "User")
    logged: set[str] = set()
    for event in AuditEvent.objects.filter(path__contains="/hoi-nghi/lich/").only("pk", "path").iterator():
        tokens = [t for t in FEED_PATH.findall(event.path) if t != MASK]
        if not tokens:
            continue
        logged.update(tokens)
        AuditEvent.objects.filter(pk=event.pk).update(path=FEED_PATH.sub(f"/hoi-nghi/lich/{MASK}.ics", event.path))
    for user in User.objects.filter(feed_token__in=logged).only("pk"):
        User.objects.filter(pk=user.pk).update(feed_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(redact_and_rotate, migrations.RunPython.noop)]
