"""Covering indexes for the leader dashboard's aggregates at national scale (PostgreSQL only).

* meetings by period: range on starts_at, reading state/kind/locality from the index (index-only scan);
* regulations by locality: the status and review columns in the index, so counting needs no heap;
* regulations_regulation_fields by field: the through table read from its (regulation, field) index.
The directives aggregate uses meetings' own index directive_locality_state (locality, state, deadline).
"""

from django.db import migrations

INDEXES = [
    ("dash_meeting_start_cover",
     "CREATE INDEX IF NOT EXISTS dash_meeting_start_cover ON meetings_meeting (starts_at) "
     "INCLUDE (state, kind, locality_id)"),
    ("dash_regulation_locality_cover",
     "CREATE INDEX IF NOT EXISTS dash_regulation_locality_cover ON regulations_regulation (locality_id) "
     "INCLUDE (in_force_from, expires_on, superseded_on, repealed_on, amended_on, next_review_due)"),
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_search_trigram"),
        ("regulations", "0003_search_trgm"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
