from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Full text (words), not trigrams: matching needs no re-read of the long texts (originals.selectors).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS original_text_search_fts ON originals_originaltext "
        "USING gin (to_tsvector('simple', search_text))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS original_text_search_fts")


class Migration(migrations.Migration):
    dependencies = [("originals", "0001_ocr_original_text")]

    operations = [migrations.RunPython(forwards, backwards)]
