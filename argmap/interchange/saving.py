"""The saving stage of an import: `save` writes a checked map (a Plan, checking.py) in one
transaction.

The database enforces the same rules (constraints and triggers): a race with another
writer ends in an IntegrityError and a rolled-back transaction, never in half a map.

On PostgreSQL each part goes through COPY into a staging table and then into its table
in one INSERT … SELECT (bulk.copy_rows); on SQLite, one INSERT … SELECT per table from a
JSON array that the database expands. History is copied from the new rows the same way
(history.record_history_for). The support rule was checked for the whole map
(checking.py); the database checks it again once, when every link is written
(bulk.support_checked_at_the_end), instead of walking the link table per statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

import orjson
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from argmap.bulk import BATCH, copy_rows, support_checked_at_the_end
from argmap.history import record_history_for
from argmap.interchange.checking import Plan, among
from argmap.interchange.document import KEYS, MODELS, PARTS, TOPIC_PARTS
from argmap.models import Stakeholder, Topic


def save(
    plan: Plan,
    *,
    user: AbstractBaseUser | None = None,
    reason: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Topic:
    """Write a checked map in one transaction: the topic, then each part in one statement,
    then the history of everything written (as `user`). Returns the new topic. The plan's
    rows of a topic's part are let go once written (the plan is spent), so that memory
    falls as the map goes in."""
    steps = len(PARTS) + 2
    step = iter(range(1, steps + 1))

    def advance() -> None:
        if progress:
            progress(next(step), steps)

    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = plan.rows
    written = {part: bool(rows[part]) for part in PARTS}
    with transaction.atomic():
        topic = Topic(**plan.topic)
        topic.skip_history_when_saving = True
        topic.save()
        record_history_for(Topic.objects.filter(pk=topic.pk), user=user, reason=reason)
        advance()
        created: dict[str, list[int]] = {}
        ids: dict[str, dict[str, int]] = {part: dict(plan.existing.get(part, {})) for part in PARTS}

        def write(part: str, values: Iterable[dict[str, Any]], fixed: dict[str, Any], *, lookup: Any = None) -> None:
            """Insert a part; `lookup` gives the (key, id) pairs of the new rows when others refer to them."""
            _insert(MODELS[part], values, {**fixed, "created_at": stamp, "updated_at": stamp})
            if lookup is not None:
                found = ids[part]
                created[part] = []
                for key, pk in lookup:  # read in chunks, not held twice
                    found[str(key)] = pk
                    created[part].append(pk)
            if part in TOPIC_PARTS:
                rows[part] = []  # written: no longer needed
            advance()

        def ref(target: str, value: str | None) -> int | None:
            return None if value is None else ids[target][value]

        def new_keys(part: str) -> list[str]:
            return [row[KEYS[part]] for row in rows[part]]

        write(
            "stakeholders",
            ({**row, "parent": None} for row in rows["stakeholders"]),
            {},
            lookup=_ids(Stakeholder, "slug", new_keys("stakeholders")),
        )
        children = [
            Stakeholder(pk=ids["stakeholders"][row["slug"]], parent_id=ids["stakeholders"][row["parent"]])
            for row in rows["stakeholders"]
            if row["parent"] is not None
        ]
        Stakeholder.objects.bulk_update(children, ["parent"], batch_size=1000)
        write("sources", rows["sources"], {}, lookup=_ids(MODELS["sources"], "uid", new_keys("sources")))
        write(
            "relationships",
            (
                {
                    **row,
                    "from_stakeholder": ref("stakeholders", row["from_stakeholder"]),
                    "to_stakeholder": ref("stakeholders", row["to_stakeholder"]),
                    "source": ref("sources", row["source"]),
                }
                for row in rows["relationships"]
            ),
            {},
            lookup=_ids(MODELS["relationships"], "uid", new_keys("relationships")),
        )
        on_topic = {"topic": topic.pk}
        for part in ("positions", "claims"):
            saved = MODELS[part].objects.filter(topic=topic).order_by().values_list("uid", "id").iterator(BATCH)
            values = rows[part]
            if part == "claims":  # the source that settles a fact's check, by its uid
                values = ({**row, "settled_by": ref("sources", row["settled_by"])} for row in values)
            write(part, values, on_topic, lookup=saved)
        with support_checked_at_the_end(topic.pk):
            write(
                "links",
                (
                    {
                        **row,
                        "claim": ref("claims", row["claim"]),
                        "target_position": ref("positions", row["target_position"]),
                        "target_claim": ref("claims", row["target_claim"]),
                    }
                    for row in rows["links"]
                ),
                on_topic,  # given here, not looked up row by row by the database (migration 0005)
            )
        write(
            "citations",
            (
                {**row, "claim": ref("claims", row["claim"]), "source": ref("sources", row["source"])}
                for row in rows["citations"]
            ),
            on_topic,
        )
        write(
            "stances",
            (
                {
                    **row,
                    "stakeholder": ref("stakeholders", row["stakeholder"]),
                    "position": ref("positions", row["position"]),
                    "claim": ref("claims", row["claim"]),
                    "source": ref("sources", row["source"]),
                }
                for row in rows["stances"]
            ),
            on_topic,
        )
        write(
            "salience",
            ({**row, "stakeholder": ref("stakeholders", row["stakeholder"])} for row in rows["salience"]),
            on_topic,
        )
        in_topic = {
            "positions": Q(topic=topic),
            "claims": Q(topic=topic),
            "links": Q(topic=topic),
            "citations": Q(topic=topic),
            "stances": Q(topic=topic),
            "salience": Q(topic=topic),
        }
        for part in PARTS:
            if part in in_topic:
                if written[part]:
                    record_history_for(MODELS[part].objects.filter(in_topic[part]), user=user, reason=reason)
            else:
                if created.get(part):
                    record_history_for(
                        MODELS[part].objects.filter(among("id", created[part])), user=user, reason=reason
                    )
        advance()
    topic.refresh_from_db(fields=["version", "changed_at"])
    return topic


def _ids(model: type[models.Model], key: str, values: list[str]) -> Iterator[tuple[Any, int]]:
    """(key, id) of the rows whose `key` is in `values`, in one query."""
    if values:
        yield from model.objects.filter(among(key, values)).order_by().values_list(key, "id").iterator(BATCH)


def _insert(model: type[models.Model], rows: Iterable[dict[str, Any]], fixed: dict[str, Any]) -> None:
    """Insert `rows` (portable column names), in their order, so that ids follow the file.
    `fixed` holds the values every row shares (topic, timestamps)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, list(first), (tuple(row.values()) for row in chain([first], rows)), fixed=fixed)
        return
    rows = [first, *rows]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in first]
    payload = orjson.dumps([dict(zip(columns, row.values(), strict=True)) for row in rows]).decode()
    fixed_columns = [model._meta.get_field(name).column for name in fixed]
    targets = ", ".join(quote(column) for column in [*columns, *fixed_columns])
    shared = "".join(", %s" for _ in fixed)
    table = quote(model._meta.db_table)
    selected = ", ".join(f"json_extract(r.value, '$.{quote(column)}')" for column in columns)
    source = "json_each(%s) AS r ORDER BY r.key"
    sql = f"INSERT INTO {table} ({targets}) SELECT {selected}{shared} FROM {source}"  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed.values(), payload])
