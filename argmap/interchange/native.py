"""argmap's own JSON, in two shapes.

The map document (`map_document`, "argmap-map/1") is what the API serves at
/api/v1/topics/{slug}/map/: rows as the database has them, with database ids. It is
assembled from the JSON arrays the database builds (loading.py) without parsing them
again: its bytes go out as the database wrote them.

The export (`write`, "argmap-export/1") is the lossless file: the same parts
and columns in the same order, but portable (document.py): no database ids, each `x_id`
column replaced by `x` holding the uid (the slug for stakeholders) of what it points at,
the shared rows (stakeholders, sources, relationships) sorted by that key, stakeholders'
grandparents included, and the topic without its id, version and change time, which
belong to a database. Export → import into an empty database → export gives the same
bytes.

Both shapes can be imported (`read`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import orjson

from argmap.interchange.document import (
    KEYS,
    PARTS,
    REFERENCES,
    TOPIC_COLUMNS,
    portable_rows,
    topic_fields,
)
from argmap.interchange.files import Progress, read_json
from argmap.interchange.reading import IncomingMap, Unreadable
from argmap.loading import MAP_COLUMNS, MapColumns, load_map
from argmap.models import Topic

FORMAT = "argmap-map/1"
EXPORT_FORMAT = "argmap-export/1"
TOPIC_FIELDS = (
    "id", "slug", "title", "question", "summary", "status", "version", "changed_at", "published_at", "alternatives"
)  # fmt: skip


def topic_row(topic: Topic) -> dict:
    return {name: getattr(topic, name) for name in TOPIC_FIELDS}


def map_document(topic: Topic) -> bytes:
    """The whole map of `topic` as one JSON document (UTF-8 bytes), in one query:

    {"format": "argmap-map/1", "topic": {...}, "positions": [...], "claims": [...],
     "links": [...], "stakeholders": [...], "stances": [...], "sources": [...],
     "citations": [...], "relationships": [...], "salience": [...]}

    Rows have the columns of loading.MAP_COLUMNS, in that order. They are read column by
    column (loading.load_map) and written by orjson: at 10,000 claims a quarter quicker
    than the database writing each row as a JSON object.
    """
    data = load_map(topic.pk)
    return orjson.dumps(
        {"format": FORMAT, "topic": topic_row(topic), **{part: getattr(data, part) for part in MAP_COLUMNS}}
    )


def write(topic: Topic, data: MapColumns) -> Iterator[bytes]:
    """The lossless export of `topic`, whose map is `data` (UTF-8 JSON, one chunk):

    {"format": "argmap-export/1", "topic": {"slug", "title", "question", "summary",
     "status", "published_at"}, "positions": [...], …, "salience": [...]}
    """
    document = {"format": EXPORT_FORMAT, "topic": topic_fields(topic), **portable_rows(data)}
    return iter([orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE)])


def read(stream: IO[bytes], *, name: str = "", limit: int, progress: Progress | None = None) -> IncomingMap:
    """A native file (either shape) as an IncomingMap; rows are located as `claims[12]`."""
    document = read_json(stream, limit=limit, progress=progress)
    if not isinstance(document, dict):
        raise Unreadable("", "an argmap map is a JSON object with a “format” field")
    incoming = IncomingMap()
    shape = document.get("format")
    if shape == FORMAT:
        document = _portable(document, incoming)
    elif shape != EXPORT_FORMAT:
        raise Unreadable("format", f"expected “{EXPORT_FORMAT}” or “{FORMAT}”, not “{str(shape)[:40]}”")
    unknown = set(document) - {"format", "topic", *PARTS}
    if unknown:
        incoming.problem("", f"unknown part{'s' if len(unknown) > 1 else ''}: {', '.join(sorted(unknown))}")
    incoming.topic = document.get("topic")
    for part in PARTS:
        rows = document.get(part, [])
        if not isinstance(rows, list):
            incoming.problem(part, "must be a list of rows")
            continue
        for index, row in enumerate(rows):
            incoming.add(part, row, f"{part}[{index}]")
    return incoming


def _portable(document: dict[str, Any], incoming: IncomingMap) -> dict[str, Any]:
    """A map document ("argmap-map/1") in the export's shape: ids followed to uids and slugs."""
    topic = document.get("topic")
    portable: dict[str, Any] = {
        "topic": {name: topic[name] for name in TOPIC_COLUMNS if name in topic} if isinstance(topic, dict) else topic
    }
    keys: dict[str, dict[Any, Any]] = {}
    for part in PARTS:
        rows = document.get(part, [])
        rows = rows if isinstance(rows, list) else []
        keys[part] = {
            row["id"]: row.get(KEYS[part]) for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int)
        }
    for part in PARTS:
        rows = document.get(part, [])
        if not isinstance(rows, list):
            portable[part] = rows
            continue
        converted = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                converted.append(row)
                continue
            new = {}
            for column, value in row.items():
                name = column.removesuffix("_id")
                if column == "id":
                    continue
                if name in REFERENCES[part] and column != name:
                    target = REFERENCES[part][name]
                    if value is not None and (not isinstance(value, int) or value not in keys[target]):
                        if column == "parent_id":
                            # The map document lists the stakeholders involved and their parents,
                            # not their parents' parents (the export does).
                            incoming.note(f"{part}[{index}]", f"{column}: {value} is not in the document; no parent")
                        else:
                            incoming.problem(f"{part}[{index}]", f"{column}: no {target} row with the id {value}")
                    value = keys[target].get(value) if isinstance(value, int) else None
                new[name] = value
            converted.append(new)
        portable[part] = converted
    return portable
