"""A full-text index of the answers, on PostgreSQL only (SQLite searches without one)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS answer_text_search ON consultations_answer "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(text, '')))"
)
DROP = "DROP INDEX IF EXISTS answer_text_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_published_input_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
