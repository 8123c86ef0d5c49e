"""The planner's estimate of a query's rows, as a function that a query can call
(argmap/counting.py), so that a long list's count is one query: the exact count up to
COUNT_EXACT_UP_TO and the estimate beside it. PostgreSQL only: SQLite counts exactly.

The query is a SELECT that Django wrote, its parameters bound by psycopg on the client
(`connection.ops.compose_sql`); EXPLAIN without ANALYZE plans it and runs nothing, and
EXECUTE refuses more than one statement. (The function is volatile, PostgreSQL's default:
EXPLAIN is refused in a STABLE one.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION argmap_estimated_rows(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS argmap_estimated_rows(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("argmap", "0023_public_record_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
