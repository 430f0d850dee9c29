"""Partial covering index for the dashboard's ten-year trend (PostgreSQL only): only held reviews and
inter-agency meetings, so the yearly counts read about half the meetings, from the index alone.
The predicate matches the query in dashboards.selectors.trend_by_year exactly."""

from django.db import migrations

SQL = (
    "CREATE INDEX IF NOT EXISTS dash_meeting_trend ON meetings_meeting (starts_at) INCLUDE (kind, locality_id) "
    "WHERE state IN ('held', 'minutes_finalised') AND kind IN ('interim_review', 'final_review', 'interagency')"
)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dash_meeting_trend")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_dashboard_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
