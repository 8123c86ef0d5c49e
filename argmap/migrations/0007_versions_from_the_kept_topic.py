"""On PostgreSQL, a change to links, citations or stances moves the version of the topics
named by their own `topic_id` (kept by the database since migration 0005) instead of
looking each row's claim or position up: a 10,000-claim import spent 20–45 ms on those
lookups.

Why the kept topic is right here: a row that was inserted, updated or deleted carries its
topic as the database derived it (a BEFORE trigger fills it on insert and recomputes it
on update). A bulk insert may give a wrong one, which the statement-level check of 0005
then corrects with an UPDATE; that UPDATE moves the version of the right topic, and the
insert moved that of the wrong one as well, which costs a cached page, never a stale one.
SQLite keeps its row-by-row triggers of 0002.
"""

import importlib

from django.db import migrations

RULES = importlib.import_module("argmap.migrations.0002_database_rules")
TABLES = ("argmap_link", "argmap_citation", "argmap_stance")


def from_the_kept_topic(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                RULES.postgresql_version_function(table, "r.topic_id", create="CREATE OR REPLACE"), params=None
            )


def from_the_claim_or_position(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                RULES.postgresql_version_function(table, RULES.TOPIC_OF_ROW[table], create="CREATE OR REPLACE"),
                params=None,
            )


class Migration(migrations.Migration):
    dependencies = [("argmap", "0006_history_indexes_and_derived_topic")]

    operations = [migrations.RunPython(from_the_kept_topic, from_the_claim_or_position)]
