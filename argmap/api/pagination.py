"""Lists come in pages by keyset (DRF's CursorPagination): each page is found by an index
from the last row of the page before, so the thousandth page costs what the first does.

- A page holds 50 rows; `?page_size=` asks for 1 to 500 (anything else is a 400).
- `next` and `previous` are links carrying an opaque `cursor`; a cursor that was not
  handed out by the API (forged, truncated, of another list) is a 400 naming `cursor`.
- Rows come in the resource's order (`ArgmapViewSet.ordering`, backed by an index).
- No page counts its rows. `?count=true` adds `count` and `count_is_exact`: the exact
  number up to COUNT_EXACT_UP_TO rows (counting stops there, so it stays cheap), beyond
  that the PostgreSQL planner's estimate (SQLite counts exactly).
"""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from argmap.counting import COUNT_EXACT_UP_TO, count_rows

MAX_PAGE_SIZE = 500
MAX_CURSOR_CHARS = 1000  # a cursor the API writes holds one value of a bounded column
BIGINT = 2**63


def flag(value: str, name: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no", ""):
        return False
    raise ValidationError({name: ["Must be true or false."]})


class KeysetPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    count_query_param = "count"
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page of this list."

    def get_ordering(self, request, queryset, view):
        # (a list read from publication records is in their columns' names: public_records.py)
        return tuple(getattr(view, "page_ordering", None) or view.ordering)

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(value)

    def paginate_queryset(self, queryset, request, view=None):
        self.wants_count = flag(request.query_params.get(self.count_query_param, "false"), self.count_query_param)
        self.count = self.count_is_exact = None
        if self.wants_count:
            counter = getattr(queryset, "count_rows", None)  # (two lists merged: public_records.Merged)
            self.count, self.count_is_exact = counter() if counter else count_rows(queryset)
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None and len(encoded) > MAX_CURSOR_CHARS:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if cursor is None or cursor.position is None:
            return cursor
        return cursor._replace(position=self.checked_position(cursor.position))

    def checked_position(self, position: str):
        """The cursor's position as a value of the ordering's first column: a forged one
        of the wrong kind is a 400 here, not a database error later."""
        name = self.ordering[0].lstrip("-")
        try:
            field = self.model._meta.get_field(name)
            value = field.to_python(position)
        except (FieldDoesNotExist, DjangoValidationError, TypeError, ValueError):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if (isinstance(value, int) and not -BIGINT <= value < BIGINT) or (isinstance(value, str) and "\x00" in value):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return position

    def get_paginated_response(self, data):
        body = {"next": self.get_next_link(), "previous": self.get_previous_link()}
        if self.wants_count:
            body.update(count=self.count, count_is_exact=self.count_is_exact)
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"].update(
            count={
                "type": "integer",
                "description": "With `?count=true` only: the rows of the whole list "
                f"(exact up to {COUNT_EXACT_UP_TO:,}).",
            },
            count_is_exact={
                "type": "boolean",
                "description": "With `?count=true` only: false when `count` is PostgreSQL's estimate.",
            },
        )
        return described

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The opaque cursor of a page: follow the `next` and `previous` links.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "true to add `count` (exact up to "
                f"{COUNT_EXACT_UP_TO:,} rows, else estimated) and `count_is_exact`.",
                "schema": {"type": "boolean"},
            },
        ]
