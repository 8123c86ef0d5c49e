"""The portable map: what every export reads and every import produces.

A map is read from the database by `loading.load_map_columns` (one query), in columns
whose references are database ids. Ids differ from one database to the next, so whatever
leaves argmap refers to objects by their stable identity instead: the `uid` of
positions, claims, links, sources, citations, stances, relationships and salience, and
the `slug` of stakeholders. A portable row is a map row with `id` left out and each
`x_id` column replaced by `x`, holding the uid (or slug) of the row it points at.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from django.db import models

from argmap.loading import MAP_COLUMNS, MapColumns, Row, as_dicts, load_map_columns
from argmap.models import (
    Citation,
    Claim,
    Link,
    Position,
    Relationship,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
)

PARTS: tuple[str, ...] = tuple(MAP_COLUMNS)
MODELS: dict[str, type[models.Model]] = {
    "positions": Position,
    "claims": Claim,
    "links": Link,
    "stakeholders": Stakeholder,
    "stances": Stance,
    "sources": Source,
    "citations": Citation,
    "relationships": Relationship,
    "salience": Salience,
}
PART_OF_MODEL: dict[type[models.Model], str] = {model: part for part, model in MODELS.items()}
# What identifies a row across databases.
KEYS: dict[str, str] = {part: "slug" if part == "stakeholders" else "uid" for part in PARTS}
# Parts that belong to one topic (their rows are created by an import) and parts shared
# by every map (an import reuses the rows a database already has).
TOPIC_PARTS: tuple[str, ...] = ("positions", "claims", "links", "stances", "citations", "salience")
SHARED_PARTS: tuple[str, ...] = ("stakeholders", "sources", "relationships")

# Each part's name in messages, for one row and for several.
SINGULAR = {
    "positions": "position",
    "claims": "claim",
    "links": "link",
    "stakeholders": "stakeholder",
    "stances": "stance",
    "sources": "source",
    "citations": "citation",
    "relationships": "relationship",
    "salience": "salience estimate",
}
PLURAL = {**{part: part for part in PARTS}, "salience": "salience estimates"}

TOPIC_COLUMNS: tuple[str, ...] = ("slug", "title", "question", "summary", "status", "published_at", "alternatives")
# part -> the portable columns, in the order of loading.MAP_COLUMNS.
COLUMNS: dict[str, tuple[str, ...]] = {
    part: tuple(column.removesuffix("_id") for column in columns if column != "id")
    for part, (_table, columns) in MAP_COLUMNS.items()
}
# part -> {portable column: the part it refers to}.
REFERENCES: dict[str, dict[str, str]] = {
    part: {
        column: PART_OF_MODEL[MODELS[part]._meta.get_field(column).related_model]
        for column in COLUMNS[part]
        if MODELS[part]._meta.get_field(column).is_relation
    }
    for part in PARTS
}
STAKEHOLDER_COLUMNS = MAP_COLUMNS["stakeholders"][1]


def topic_fields(topic: Topic) -> dict[str, Any]:
    """The topic's own portable fields."""
    return {name: getattr(topic, name) for name in TOPIC_COLUMNS}


def load_complete_map(topic: Topic, columns: dict[str, tuple[str, tuple[str, ...]]] = MAP_COLUMNS) -> MapColumns:
    """The topic's map, column by column (loading.load_map_columns: one query; `columns`:
    MAP_COLUMNS, or fewer for a format that writes less, with every column of
    stakeholders) with every ancestor of its stakeholders.

    The query brings the stakeholders involved and their parents; a grandparent would be
    a dangling reference in a file, so it is fetched too (one more query per further
    level of "part of", none for the usual two levels).
    """
    if columns["stakeholders"][1] != STAKEHOLDER_COLUMNS:
        raise ValueError("a complete map has every column of its stakeholders")
    data = load_map_columns(topic.pk, columns)
    present = set(data["stakeholders"]["id"])
    missing = set(data["stakeholders"]["parent_id"]) - present - {None}
    if not missing:
        return data
    stakeholders = data.rows("stakeholders")
    while missing:
        found = list(Stakeholder.objects.filter(pk__in=missing).values(*STAKEHOLDER_COLUMNS))
        stakeholders = sorted([*stakeholders, *found], key=lambda row: row["id"])
        present |= missing
        missing = {row["parent_id"] for row in found if row["parent_id"] is not None} - present
    completed = {column: [row[column] for row in stakeholders] for column in STAKEHOLDER_COLUMNS}
    return MapColumns({**data.parts, "stakeholders": completed})


def portable_rows(data: MapColumns, parts: Iterable[str] = PARTS) -> dict[str, list[Row]]:
    """`parts` of `data` (all by default, each with every column of MAP_COLUMNS) as
    portable rows: `id` dropped, `x_id` → `x` (a uid or slug).

    The topic's own rows keep their order (by id: the order they were created in); the
    shared ones (stakeholders, sources, relationships) are sorted by their key, so that a
    file does not depend on the order in which a database happened to create them.
    References are followed a column at a time, and each part's rows made at once.
    """
    parts = tuple(parts)
    keys: dict[str, dict[int, str]] = {
        referenced: dict(zip(data[referenced]["id"], data[referenced][KEYS[referenced]], strict=True))
        for referenced in {target for part in parts for target in REFERENCES[part].values()}
    }
    portable: dict[str, list[Row]] = {}
    for part in parts:
        references = REFERENCES[part]
        columns = data[part]
        values = []
        for name, column in zip(COLUMNS[part], MAP_COLUMNS[part][1][1:], strict=True):
            if name in references:
                key_of = keys[references[name]]
                values.append([None if value is None else key_of[value] for value in columns[column]])
            else:
                values.append(columns[column])
        portable[part] = as_dicts(COLUMNS[part])(zip(*values, strict=True))
    for part in SHARED_PARTS:
        if part in portable:
            portable[part].sort(key=itemgetter(KEYS[part]))
    return portable
