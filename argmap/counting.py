"""Counting the rows of a list that may hold a million: exactly while that is cheap, and
by PostgreSQL's estimate beyond. The API's `?count=true` (api/pagination.py) and the
admin's changelists (admin.py, EditorPaginator) count this way."""

import json

from django.db import connections

COUNT_EXACT_UP_TO = 10_000


def count_rows(queryset) -> tuple[int, bool]:
    """How many rows `queryset` has, and whether that is exact: counting stops after
    COUNT_EXACT_UP_TO rows, and beyond them PostgreSQL's planner gives its estimate
    (SQLite counts them all)."""
    counted = queryset.order_by()[: COUNT_EXACT_UP_TO + 1].count()
    if counted <= COUNT_EXACT_UP_TO:
        return counted, True
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.order_by().count(), True
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # The estimate never says fewer rows than were just counted.
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), False
