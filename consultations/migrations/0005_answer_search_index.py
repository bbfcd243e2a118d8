"""Full-text search of the answers on PostgreSQL: a stored tsvector column kept by the
database itself (generated), with a GIN index. SQLite searches without them."""

from django.db import migrations

CREATE = [
    "ALTER TABLE consultations_answer ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS answer_search_vector ON consultations_answer "
    "USING gin (search_vector)",
]
DROP = [
    "DROP INDEX IF EXISTS answer_search_vector",
    "ALTER TABLE consultations_answer DROP COLUMN IF EXISTS search_vector",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_published_input_indexes")]

    operations = [migrations.RunPython(create, drop)]
