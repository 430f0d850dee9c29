from django.db import migrations

from regulations.defaults import DEFAULT_FIELDS, ensure_default_fields


def create_fields(apps, schema_editor):
    ensure_default_fields(apps.get_model("regulations", "Field"))


def remove_fields(apps, schema_editor):
    apps.get_model("regulations", "Field").objects.filter(code__in=[c for c, _ in DEFAULT_FIELDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]

    operations = [migrations.RunPython(create_fields, remove_fields)]
