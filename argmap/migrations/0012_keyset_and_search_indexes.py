"""Indexes for lists that scale (docs/performance.md):

- keyset pages of the API's lists: (topic, id) on the map's big tables, and the
  orderings of topics, positions and stakeholders (argmap/api/pagination.py);
- on PostgreSQL only, full-text search from a stored document: each searched table gets
  a generated `search_document` tsvector column with a GIN index (argmap/search.py),
  replacing the expression indexes of migration 0004, so that ranking reads the stored
  vector instead of parsing the text again for every row;
- on PostgreSQL only, pg_trgm GIN indexes for the `icontains` filters of the API (`q=`)
  and of the admin's search and autocomplete. Django writes `icontains` as
  `UPPER(column::text) LIKE UPPER(%s)`, so each index is on that expression.

On SQLite, when its library has FTS5, each searched table gets an external-content FTS5
table (`<table>_fts`, Porter stemming) kept in step by triggers; without FTS5 search
falls back to `icontains` (argmap/search.py). A later migration that remakes one of
these tables on SQLite drops its triggers with it and must create them again
(tests/test_search.py checks that the index follows edits).
"""

from django.db import migrations, models

# The searched tables and their fields, as in argmap.search.KINDS (the document is the
# fields joined by spaces, as migration 0004 indexed it).
SEARCHED = {
    "argmap_topic": ("title", "question", "summary"),
    "argmap_claim": ("text",),
    "argmap_stakeholder": ("name", "summary"),
    "argmap_source": ("title", "publisher", "author"),
}
OLD_INDEXES = {
    "argmap_topic": "argmap_topic_search",
    "argmap_claim": "argmap_claim_search",
    "argmap_stakeholder": "argmap_stakeholder_search",
    "argmap_source": "argmap_source_search",
}
# Columns filtered with icontains on tables that grow with the maps (the API's `q`, the
# admin's search_fields). Every column of one OR'ed filter is indexed, or none is used.
CONTAINS = {
    "argmap_claim": ("text",),
    "argmap_position": ("title", "summary"),
    "argmap_stance": ("quote", "note"),
    "argmap_citation": ("quote", "locator"),
    "argmap_source": ("title", "publisher", "author", "url"),
    "argmap_stakeholder": ("name", "slug", "summary"),
}


def document(fields):
    return " || ' ' || ".join(f"COALESCE(\"{field}\", '')" for field in fields)


def sqlite_has_fts5(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return "ENABLE_FTS5" in {row[0] for row in cursor.fetchall()}


def fts5_statements(table, fields):
    """An external-content FTS5 table over `fields` of `table`, and its triggers."""
    fts, columns = f"{table}_fts", ", ".join(fields)
    new, old = ", ".join(f"new.{field}" for field in fields), ", ".join(f"old.{field}" for field in fields)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def add_search(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite" and sqlite_has_fts5(schema_editor.connection):
        for table, fields in SEARCHED.items():
            for statement in fts5_statements(table, fields):
                schema_editor.execute(statement)
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields in SEARCHED.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEXES[table]}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {document(fields)})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_document ON {table} USING gin (search_document)")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in CONTAINS.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX {table}_{column}_trgm ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def remove_search(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in SEARCHED:
            for event in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in CONTAINS.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
    for table, fields in SEARCHED.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {OLD_INDEXES[table]} ON {table} "
            f"USING gin (to_tsvector('english'::regconfig, {document(fields)}))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0011_stakeholder_circles"),
    ]

    operations = [
        migrations.RunPython(add_search, remove_search, elidable=False),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(fields=["topic", "id"], name="citation_keyset"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["topic", "id"], name="claim_keyset"),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(fields=["topic", "id"], name="link_keyset"),
        ),
        migrations.AddIndex(
            model_name="position",
            index=models.Index(fields=["topic", "order", "id"], name="position_keyset"),
        ),
        migrations.AddIndex(
            model_name="stakeholder",
            index=models.Index(fields=["name", "id"], name="stakeholder_keyset"),
        ),
        migrations.AddIndex(
            model_name="stance",
            index=models.Index(fields=["topic", "id"], name="stance_keyset"),
        ),
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(fields=["title", "id"], name="topic_keyset"),
        ),
    ]
