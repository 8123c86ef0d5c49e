"""GIN indexes for the public site's full-text search (argmap/search.py), on PostgreSQL
only: SQLite searches with a plain contains and has no use for them.

Each indexed expression is exactly the SQL that `SearchVector(*fields, config="english")`
produces for the fields of argmap.search.KINDS, so the planner can use the index.
"""

from django.db import migrations

INDEXES = {
    "argmap_topic_search": ("argmap_topic", ("title", "question", "summary")),
    "argmap_claim_search": ("argmap_claim", ("text",)),
    "argmap_stakeholder_search": ("argmap_stakeholder", ("name", "summary")),
    "argmap_source_search": ("argmap_source", ("title", "publisher", "author")),
}


def document(fields):
    return " || ' ' || ".join(f"COALESCE(\"{field}\", '')" for field in fields)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (to_tsvector('english'::regconfig, {document(fields)}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("argmap", "0003_editors_group")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
