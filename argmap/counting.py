"""Counting the rows of a list that may hold a million: exactly while that is cheap, and
by PostgreSQL's estimate beyond. The API's `?count=true` (api/pagination.py) and the
admin's changelists (admin.py, EditorPaginator) count this way, in one query."""

from django.core.exceptions import EmptyResultSet
from django.db import connections

COUNT_EXACT_UP_TO = 10_000


def count_rows(queryset) -> tuple[int, bool]:
    """How many rows `queryset` has, and whether that is exact: counting stops after
    COUNT_EXACT_UP_TO rows, and beyond them PostgreSQL's planner gives its estimate
    (SQLite counts them all)."""
    queryset = queryset.order_by()
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), True
    # One query: the count of at most COUNT_EXACT_UP_TO + 1 rows, and the planner's estimate
    # of them all (migration 0024's function, given the query with its parameters bound).
    try:
        limited, limited_params = queryset.values("pk")[: COUNT_EXACT_UP_TO + 1].query.sql_with_params()
        whole = connection.ops.compose_sql(*queryset.values("pk").query.sql_with_params())
    except EmptyResultSet:  # a filter that nothing can match (an `IN` of no values): no SQL
        return 0, True
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({limited}) page), argmap_estimated_rows(%s)",  # noqa: S608 (Django's SQL)
            [*limited_params, whole],
        )
        counted, estimated = cursor.fetchone()
    if counted <= COUNT_EXACT_UP_TO:
        return counted, True
    # The estimate never says fewer rows than were just counted.
    return max(estimated, counted), False
