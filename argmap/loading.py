"""The one bridge from the database to whole-map consumers (the map document of the API,
the interchange formats, the evaluation in graph.py, the public topic page).

A topic's whole map is read in ONE query, whatever its size: the database builds one
JSON array per part of the map (positions, claims, links, …) and orjson parses them.
No model instances are built and no row passes through Python one field at a time,
which is what keeps a 10,000-claim map close to raw-SQL speed.

Each row is a plain dict of the columns in MAP_COLUMNS; foreign keys are ids
(`claim_id`, `target_position_id`…), uids are strings with dashes, dates are
"YYYY-MM-DD" strings. Rows come ordered by id. The output is the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import orjson
from django.db import connection

Row = dict[str, Any]

# part of the map -> (table, columns). The order of parts is the order of the document.
MAP_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "positions": ("argmap_position", ("id", "uid", "title", "summary", "order")),
    "claims": ("argmap_claim", ("id", "uid", "text", "base_score")),
    "links": ("argmap_link", ("id", "uid", "claim_id", "target_position_id", "target_claim_id", "polarity")),
    "stakeholders": ("argmap_stakeholder", ("id", "slug", "name", "kind", "summary", "url", "parent_id")),
    "stances": (
        "argmap_stance",
        ("id", "uid", "stakeholder_id", "position_id", "claim_id", "stance", "basis", "quote", "source_id", "held_on",
         "note"),
    ),
    "sources": ("argmap_source", ("id", "uid", "title", "url", "publisher", "author", "published_on", "kind")),
    "citations": ("argmap_citation", ("id", "uid", "claim_id", "source_id", "quote", "locator")),
    "relationships": (
        "argmap_relationship",
        ("id", "uid", "from_stakeholder_id", "to_stakeholder_id", "kind", "description", "amount", "started_on",
         "ended_on", "source_id"),
    ),
    "salience": ("argmap_salience", ("id", "uid", "stakeholder_id", "power", "interest", "rationale")),
}  # fmt: skip

# Which rows belong to a topic's map: its own, the stakeholders involved (by a stance or a
# salience estimate, and their parents), the relationships among them and every source
# that its citations, stances or relationships cite.
SELECTIONS = """
    positions AS (SELECT * FROM argmap_position WHERE topic_id = %s),
    claims AS (SELECT * FROM argmap_claim WHERE topic_id = %s),
    links AS (SELECT * FROM argmap_link WHERE claim_id IN (SELECT id FROM claims)),
    citations AS (SELECT * FROM argmap_citation WHERE claim_id IN (SELECT id FROM claims)),
    stances AS (
        SELECT * FROM argmap_stance
        WHERE position_id IN (SELECT id FROM positions) OR claim_id IN (SELECT id FROM claims)
    ),
    salience AS (SELECT * FROM argmap_salience WHERE topic_id = %s),
    involved AS (SELECT stakeholder_id AS id FROM stances UNION SELECT stakeholder_id FROM salience),
    stakeholders AS (
        SELECT * FROM argmap_stakeholder
        WHERE id IN (SELECT id FROM involved)
           OR id IN (SELECT parent_id FROM argmap_stakeholder WHERE id IN (SELECT id FROM involved))
    ),
    relationships AS (
        SELECT * FROM argmap_relationship
        WHERE from_stakeholder_id IN (SELECT id FROM stakeholders)
          AND to_stakeholder_id IN (SELECT id FROM stakeholders)
    ),
    sources AS (
        SELECT * FROM argmap_source WHERE id IN (
            SELECT source_id FROM citations UNION SELECT source_id FROM stances
            UNION SELECT source_id FROM relationships
        )
    )
"""
TOPIC_PARAMETERS = 3  # the %s placeholders above


def _aggregate(part: str, columns: tuple[str, ...], vendor: str) -> str:
    selected = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        # row_to_json + string_agg: the fastest of PostgreSQL's ways (json_agg of
        # json_build_object takes half as long again).
        return (
            f"(SELECT '[' || COALESCE(string_agg(row_to_json(r)::text, ',' ORDER BY r.id), '') || ']'"
            f" FROM (SELECT {selected} FROM {part}) r)"
        )
    pairs = ", ".join(f"'{c}', r.\"{c}\"" for c in columns)
    # SQLite aggregates in the order its subquery yields rows.
    return f"(SELECT json_group_array(json_object({pairs})) FROM (SELECT * FROM {part} ORDER BY id) r)"


def map_query(vendor: str) -> str:
    """The one SQL statement that reads a topic's whole map on `vendor`."""
    aggregates = ",\n".join(
        f"{_aggregate(part, columns, vendor)} AS {part}" for part, (_table, columns) in MAP_COLUMNS.items()
    )
    return f"WITH {SELECTIONS}\nSELECT {aggregates}"


@dataclass(frozen=True, slots=True)
class MapData:
    """A topic's whole map as plain rows (see MAP_COLUMNS)."""

    positions: list[Row]
    claims: list[Row]
    links: list[Row]
    stakeholders: list[Row]
    stances: list[Row]
    sources: list[Row]
    citations: list[Row]
    relationships: list[Row]
    salience: list[Row]


def load_map_json(topic_id: int) -> dict[str, bytes]:
    """Each part of a topic's map as a JSON array (UTF-8 bytes), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(map_query(connection.vendor), [topic_id] * TOPIC_PARAMETERS)
        row = cursor.fetchone()
    return {part: value.encode() for part, value in zip(MAP_COLUMNS, row, strict=True)}


def load_map(topic_id: int) -> MapData:
    """A topic's whole map as lists of dicts, in one query."""
    parts = load_map_json(topic_id)
    return MapData(**{f.name: orjson.loads(parts[f.name]) for f in fields(MapData)})
