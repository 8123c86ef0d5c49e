"""Search of what was published (issue 16): the public search reads `PublicRecord`s, the
topics, claims, stakeholders and sources as their latest publication holds them, not the
live rows editors are changing (argmap/search.py).

A record's document is the text of its searched fields, read from its `facts` (which keep
them: api/public_records.PARTS), the same fields as migration 0012 indexes on the live
tables (argmap.search.KINDS):

- on PostgreSQL, a generated `search_document` tsvector column (NULL for the parts not
  searched: links, stances…), with one GIN index per searched part (partial, `WHERE part =
  …`), so that a word common among claims costs nothing to the search for topics;
- on SQLite with FTS5, an FTS5 table `argmap_publicrecord_fts` (the document, and the part
  unindexed) kept in step by triggers. A later migration that remakes the records' table
  on SQLite drops the triggers with it and must create them again.
"""

from django.db import migrations

# The searched parts and their fields, as in argmap.search.KINDS.
SEARCHED = {
    "topic": ("title", "question", "summary"),
    "claim": ("text",),
    "stakeholder": ("name", "summary"),
    "source": ("title", "publisher", "author"),
}
TABLE = "argmap_publicrecord"
FTS = f"{TABLE}_fts"


def postgresql_document() -> str:
    cases = " ".join(
        f"WHEN '{part}' THEN to_tsvector('english'::regconfig, "
        + " || ' ' || ".join(f"COALESCE(facts ->> '{field}', '')" for field in fields)
        + ")"
        for part, fields in SEARCHED.items()
    )
    return f"CASE part {cases} END"


def sqlite_document(row: str) -> str:
    cases = " ".join(
        f"WHEN '{part}' THEN "
        + " || ' ' || ".join(f"COALESCE(json_extract({row}.facts, '$.{field}'), '')" for field in fields)
        for part, fields in SEARCHED.items()
    )
    return f"CASE {row}.part {cases} END"


def sqlite_has_fts5(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return "ENABLE_FTS5" in {row[0] for row in cursor.fetchall()}


def fts5_statements() -> list[str]:
    parts = ", ".join(f"'{part}'" for part in SEARCHED)
    return [
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(document, part UNINDEXED, tokenize='porter unicode61')",
        f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} WHEN new.part IN ({parts}) BEGIN "
        f"INSERT INTO {FTS}(rowid, document, part) VALUES (new.id, {sqlite_document('new')}, new.part); END",
        f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN DELETE FROM {FTS} WHERE rowid = old.id; END",
        f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF part, facts ON {TABLE} BEGIN "
        f"DELETE FROM {FTS} WHERE rowid = old.id; "
        f"INSERT INTO {FTS}(rowid, document, part) SELECT new.id, {sqlite_document('new')}, new.part "
        f"WHERE new.part IN ({parts}); END",
        f"INSERT INTO {FTS}(rowid, document, part) SELECT id, {sqlite_document(TABLE)}, part FROM {TABLE} "
        f"WHERE part IN ({parts})",
    ]


def add_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite" and sqlite_has_fts5(schema_editor.connection):
        for statement in fts5_statements():
            schema_editor.execute(statement)
    if vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({postgresql_document()}) STORED"
    )
    for part in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX {TABLE}_{part}_document ON {TABLE} USING gin (search_document) WHERE part = '{part}'"
        )
    # The new column's statistics: without them the planner takes "public" (in every claim)
    # for a rare word and ANDs the index with the topic's: 570-740 ms at 1,000,000 claims, 64 ms after.
    schema_editor.execute(f"ANALYZE {TABLE} (part, topic_id, search_document)")


def remove_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{event}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("argmap", "0022_publication_analysis_plan"),
    ]

    operations = [
        migrations.RunPython(add_search, remove_search, elidable=False),
    ]
