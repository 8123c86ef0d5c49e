"""Bulk writes (imports and generate_map): many rows into one table at COPY speed, and the
support rule checked once for the whole set instead of once per statement.

On PostgreSQL, `copy_rows` streams the rows through COPY (psycopg's `cursor.copy()`) into
a staging table that lives for the transaction, then moves them into the real table with
one INSERT … SELECT, in the order they came (so ids follow the file). The real table's
statement-level triggers (versions, derived topics, the same-topic rule of links) fire
once for the move. On SQLite, which has no COPY, the rows go in with plain bulk inserts.

The support rule (migration 0002) is kept by a statement-level trigger on links that
walks up from every new link through the whole link table: right for an edit, but at
1,000,000 claims each batch of links paid seconds for it. A bulk writer of a new topic
wraps its writes in `support_checked_at_the_end(topic)` instead: the trigger skips its
walk for this transaction (the transaction-local setting `argmap.support_checked`,
migration 0013), and the topic's support links are read back once at the end and
checked in the application (graph.support_cycles, linear in the map). That is safe
because a support circle can only run through links of one topic (a link joins a claim
to a position or claim of its own topic, a rule the trigger still checks on every row),
the topic is new, and no other transaction can see, so link to, its claims before this
one commits. The setting is cleared when the block ends, so any later write of the
same transaction is checked by the trigger again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, models
from django.utils import timezone

from argmap.graph import support_cycles

BATCH = 5000  # rows per bulk INSERT on SQLite, per progress report on PostgreSQL
SUPPORT_CHECKED = "argmap.support_checked"


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fixed: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `rows` (sequences of values for `columns`, fields or attnames of `model`),
    each with the `fixed` values (a field name -> the value every row shares), into the
    table of `model`, in their order, inside the current transaction. Returns how many;
    `progress(count)` is called after every BATCH rows."""
    if not connection.in_atomic_block:
        raise RuntimeError("copy_rows writes inside a transaction (all or nothing)")
    fixed = fixed or {}
    if connection.vendor != "postgresql":
        return _bulk_create(model, columns, rows, fixed=fixed, progress=progress)
    quote = connection.ops.quote_name
    meta = model._meta
    given = {meta.get_field(name).attname for name in [*columns, *fixed]}
    # What bulk_create would give the fields left out (a database default aside): a new
    # uid per row (made by the database), or one value for all (timestamps, "").
    made, shared_defaults = {}, {}
    for field in meta.concrete_fields:
        if field.primary_key or field.attname in given or field.db_default is not models.NOT_PROVIDED:
            continue
        if field.default is uuid.uuid4:
            made[field.column] = "gen_random_uuid()"
        elif field.has_default() and callable(field.default):
            raise ValueError(f"copy_rows cannot make {meta.label}.{field.name}: give it")
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            shared_defaults[field.attname] = timezone.now()
        else:
            shared_defaults[field.attname] = field.get_default()
    fixed = {**shared_defaults, **fixed}
    names = [meta.get_field(name).column for name in columns]
    fixed_names = [meta.get_field(name).column for name in fixed]
    table = quote(meta.db_table)
    staging = quote(f"staging_{meta.db_table}")
    listed = ", ".join(quote(name) for name in names)
    targets = ", ".join(quote(name) for name in [*names, *fixed_names, *made])
    shared = "".join(", %s" for _ in fixed) + "".join(f", {expression}" for expression in made.values())
    count = 0
    with connection.cursor() as cursor:
        # The staging table has the real columns' types and no constraint; `staged_order`
        # numbers the rows as COPY brings them.
        cursor.execute(f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {listed} FROM {table} WITH NO DATA")  # noqa: S608 - names from the models
        cursor.execute(f"ALTER TABLE {staging} ADD COLUMN staged_order bigserial")
        with cursor.copy(f"COPY {staging} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if progress and count % BATCH == 0:
                    progress(count)
        cursor.execute(
            f"INSERT INTO {table} ({targets}) SELECT {listed}{shared} FROM {staging} ORDER BY staged_order",  # noqa: S608 - names from the models
            list(fixed.values()),
        )
        cursor.execute(f"DROP TABLE {staging}")
    if progress:
        progress(count)
    return count


def _bulk_create(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fixed: dict[str, Any],
    progress: Callable[[int], None] | None,
) -> int:
    attnames = [model._meta.get_field(name).attname for name in columns]
    fixed = {model._meta.get_field(name).attname: value for name, value in fixed.items()}
    count = 0
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True)), **fixed) for row in batch])
        count += len(batch)
        if progress:
            progress(count)
    return count


def ids_in_order(queryset: models.QuerySet) -> Iterator[int]:
    """The ids of `queryset` in the order they were written, read in chunks."""
    return queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH * 4)


@contextmanager
def support_checked_at_the_end(topic_id: int) -> Iterator[None]:
    """Write the links of the new topic `topic_id` inside this block without the trigger's
    walk per statement; at the end, check every support link of the topic at once (one
    query, then graph.support_cycles) and raise IntegrityError, rolling the whole write
    back, if any closes a circle. See the module's docstring for why this is safe."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [SUPPORT_CHECKED])
    # On an exception the transaction (or savepoint) is rolled back, and the setting with it.
    yield
    check_support(topic_id)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [SUPPORT_CHECKED])


def check_support(topic_id: int) -> None:
    """Raise IntegrityError if the support links of the topic form a circle."""
    from argmap.models import Link, Polarity

    edges = (
        Link.objects.filter(topic_id=topic_id, polarity=Polarity.SUPPORTS, target_claim__isnull=False)
        .order_by()
        .values_list("claim_id", "target_claim_id")
        .iterator(chunk_size=BATCH * 4)
    )
    circles = support_cycles(edges)
    if circles:
        shown = " → ".join(str(claim) for claim in [*circles[0], circles[0][0]])
        raise IntegrityError(f"argmap_link_support_acyclic: support links may not form a cycle (claims {shown})")
