"""The database refuses a circle of stakeholders (A part of B, part of C, part of A), as
it refuses a circle of support (migration 0002): validation alone let two concurrent
parent edits store one (15 of 40 trials), and a map with a circle no longer imports.

On PostgreSQL a statement-level trigger walks up from every changed row. Two
transactions could each add one tie of a circle while neither sees the other's, so
writers that set a parent take turns on an advisory lock first; under READ COMMITTED
each statement of the function then reads afresh, and sees what the other committed.
The trigger is named to fire before the version trigger of 0002 (triggers fire in name
order), so that the lock is taken before any topic row's.

On SQLite (one writer at a time) a row-level trigger walks up from the new parent.
"""

from django.db import migrations

MESSAGE = "argmap_stakeholder_acyclic: a stakeholder cannot be part of itself, directly or through others"

POSTGRESQL = [
    f"""
    CREATE FUNCTION argmap_stakeholder_acyclic() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM new_rows WHERE parent_id IS NOT NULL) THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('argmap_stakeholder_tree'));
        IF EXISTS (
            WITH RECURSIVE up(start_id, ancestor_id) AS (
                SELECT r.id, r.parent_id FROM new_rows r WHERE r.parent_id IS NOT NULL
                UNION
                SELECT up.start_id, s.parent_id FROM up
                JOIN argmap_stakeholder s ON s.id = up.ancestor_id
                WHERE s.parent_id IS NOT NULL
            )
            SELECT 1 FROM up WHERE up.ancestor_id = up.start_id
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    *(
        f"""
        CREATE TRIGGER argmap_stakeholder_acyclic_{event.lower()} AFTER {event} ON argmap_stakeholder
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION argmap_stakeholder_acyclic()"""
        for event in ("INSERT", "UPDATE")
    ),
]
POSTGRESQL_REVERSE = ["DROP FUNCTION argmap_stakeholder_acyclic() CASCADE"]

SQLITE = [
    f"""
    CREATE TRIGGER argmap_stakeholder_acyclic_{name} AFTER {event} ON argmap_stakeholder
    FOR EACH ROW WHEN NEW.parent_id IS NOT NULL AND EXISTS (
        WITH RECURSIVE up(id) AS (
            SELECT NEW.parent_id
            UNION
            SELECT s.parent_id FROM up JOIN argmap_stakeholder s ON s.id = up.id WHERE s.parent_id IS NOT NULL
        )
        SELECT 1 FROM up WHERE up.id = NEW.id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for name, event in [("insert", "INSERT"), ("update", "UPDATE OF parent_id")]
]
SQLITE_REVERSE = [
    "DROP TRIGGER argmap_stakeholder_acyclic_insert",
    "DROP TRIGGER argmap_stakeholder_acyclic_update",
]


def run(statements: dict[str, list[str]]):
    def operation(apps, schema_editor):
        for statement in statements[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("argmap", "0010_publications")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
