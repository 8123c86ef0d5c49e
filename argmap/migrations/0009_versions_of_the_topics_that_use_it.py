"""A change to a stakeholder, a source or a relationship moves the version of the topics
whose map shows it, and no other (0002 moved every topic's version: creating an unrelated
source re-announced every topic in the feed and dropped every cached page).

What a topic's map shows (loading.SELECTIONS): the stakeholders involved in it (a stance
or a salience estimate) and the bodies they are part of; the relationships between two of
those; the sources its citations, stances and relationships cite. So:

- a stakeholder changed: the topics where it, or a part of it, is involved;
- a source changed: the topics citing it, by a citation, a stance, or a relationship
  between two of their stakeholders;
- a relationship created, changed or deleted: the topics where both of its stakeholders
  are (before the change and after).

A stakeholder or source just created is used by no topic yet, and one that is used
cannot be deleted (PROTECT), so only their updates have a trigger now.
"""

import importlib

from django.db import migrations

RULES = importlib.import_module("argmap.migrations.0002_database_rules")
NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"  # as 0002 writes changed_at on SQLite


def topics_of_stakeholders(ids: str) -> str:
    """The topics where the stakeholders `ids` (a SELECT), or their parts, are involved."""
    involved = f"{ids} UNION SELECT part.id FROM argmap_stakeholder part WHERE part.parent_id IN ({ids})"
    return (
        f"SELECT st.topic_id FROM argmap_stance st WHERE st.stakeholder_id IN ({involved}) "
        f"UNION SELECT sa.topic_id FROM argmap_salience sa WHERE sa.stakeholder_id IN ({involved})"
    )


def shows_relationship(from_id: str, to_id: str) -> str:
    """True for a topic whose map shows a relationship between `from_id` and `to_id`."""
    return (
        f"argmap_topic.id IN ({topics_of_stakeholders(f'SELECT {from_id}')}) "
        f"AND argmap_topic.id IN ({topics_of_stakeholders(f'SELECT {to_id}')})"
    )


def cites_sources(ids: str) -> str:
    """True for a topic whose map cites one of the sources `ids` (a SELECT)."""
    return (
        f"(argmap_topic.id IN (SELECT c.topic_id FROM argmap_citation c WHERE c.source_id IN ({ids}) "
        f"UNION SELECT s.topic_id FROM argmap_stance s WHERE s.source_id IN ({ids})) "
        f"OR EXISTS (SELECT 1 FROM argmap_relationship rel WHERE rel.source_id IN ({ids}) "
        f"AND {shows_relationship('rel.from_stakeholder_id', 'rel.to_stakeholder_id')}))"
    )


def uses_stakeholders(ids: str) -> str:
    return f"argmap_topic.id IN ({topics_of_stakeholders(ids)})"


# ---------------------------------------------------------------------------
# PostgreSQL: statement-level functions over the transition tables (as in 0002)
# ---------------------------------------------------------------------------


def postgresql_condition(table: str, rows: str) -> str:
    """Which topics the rows of `rows` (a transition table of `table`) belong to."""
    if table == "argmap_stakeholder":
        return uses_stakeholders(f"SELECT r.id FROM {rows} r")
    if table == "argmap_source":
        return cites_sources(f"SELECT r.id FROM {rows} r")
    return f"EXISTS (SELECT 1 FROM {rows} r WHERE {shows_relationship('r.from_stakeholder_id', 'r.to_stakeholder_id')})"


def postgresql_function(table: str) -> str:
    bump = "UPDATE argmap_topic SET version = version + 1 WHERE"
    return f"""
        CREATE OR REPLACE FUNCTION {table}_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {bump} {postgresql_condition(table, "new_rows")};
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                {bump} {postgresql_condition(table, "old_rows")};
            END IF;
            RETURN NULL;
        END $$"""


def postgresql_forward(schema_editor):
    for table in ("argmap_stakeholder", "argmap_source"):
        for event in ("insert", "delete"):
            schema_editor.execute(f"DROP TRIGGER {table}_version_{event} ON {table}", params=None)
    for table in ("argmap_stakeholder", "argmap_source", "argmap_relationship"):
        schema_editor.execute(postgresql_function(table), params=None)


def postgresql_backward(schema_editor):
    for table in ("argmap_stakeholder", "argmap_source", "argmap_relationship"):
        schema_editor.execute(RULES.postgresql_version_function(table, None, create="CREATE OR REPLACE"), params=None)
    for table in ("argmap_stakeholder", "argmap_source"):
        for event, referencing in [("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows")]:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {table}_version()",
                params=None,
            )


# ---------------------------------------------------------------------------
# SQLite: row-level triggers (as in 0002)
# ---------------------------------------------------------------------------


def sqlite_condition(table: str, row: str) -> str:
    if table == "argmap_stakeholder":
        return uses_stakeholders(f"SELECT {row}.id")
    if table == "argmap_source":
        return cites_sources(f"SELECT {row}.id")
    return f"({shows_relationship(f'{row}.from_stakeholder_id', f'{row}.to_stakeholder_id')})"


SQLITE_EVENTS = {
    "argmap_stakeholder": [("UPDATE", ["OLD", "NEW"])],
    "argmap_source": [("UPDATE", ["OLD", "NEW"])],
    "argmap_relationship": [("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])],
}


def sqlite_forward(schema_editor):
    for table in SQLITE_EVENTS:
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}", params=None)
        for event, rows in SQLITE_EVENTS[table]:
            condition = " OR ".join(sqlite_condition(table, row) for row in dict.fromkeys(rows))
            schema_editor.execute(
                f"""CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table}
                FOR EACH ROW BEGIN
                    UPDATE argmap_topic SET version = version + 1, changed_at = {NOW} WHERE {condition};
                END""",
                params=None,
            )


def sqlite_backward(schema_editor):
    for table in SQLITE_EVENTS:
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}", params=None)
    for statement in RULES.sqlite_statements():
        if any(f"CREATE TRIGGER {table}_version_" in statement for table in SQLITE_EVENTS):
            schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    {"sqlite": sqlite_forward, "postgresql": postgresql_forward}[schema_editor.connection.vendor](schema_editor)


def backward(apps, schema_editor):
    {"sqlite": sqlite_backward, "postgresql": postgresql_backward}[schema_editor.connection.vendor](schema_editor)


class Migration(migrations.Migration):
    dependencies = [("argmap", "0008_verdicts")]

    operations = [migrations.RunPython(forward, backward)]
