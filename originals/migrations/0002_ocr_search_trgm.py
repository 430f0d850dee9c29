from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS original_text_search_trgm ON originals_originaltext "
        "USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS original_text_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("originals", "0001_ocr_original_text")]

    operations = [migrations.RunPython(forwards, backwards)]
