"""argmap's own JSON: the map document. The API serves it at /api/v1/topics/{slug}/map/.

The document is assembled from the JSON arrays the database builds (loading.py) without
parsing them again: its bytes go out as the database wrote them.
"""

from __future__ import annotations

import orjson

from argmap.loading import MAP_COLUMNS, load_map_json
from argmap.models import Topic

FORMAT = "argmap-map/1"
TOPIC_FIELDS = ("id", "slug", "title", "question", "summary", "status", "version", "changed_at", "published_at")


def topic_row(topic: Topic) -> dict:
    return {name: getattr(topic, name) for name in TOPIC_FIELDS}


def map_document(topic: Topic) -> bytes:
    """The whole map of `topic` as one JSON document (UTF-8 bytes), in one query:

    {"format": "argmap-map/1", "topic": {...}, "positions": [...], "claims": [...],
     "links": [...], "stakeholders": [...], "stances": [...], "sources": [...],
     "citations": [...], "relationships": [...], "salience": [...]}

    Rows have the columns of loading.MAP_COLUMNS, in that order.
    """
    parts = load_map_json(topic.pk)
    head = orjson.dumps({"format": FORMAT, "topic": topic_row(topic)})
    pieces = [head[:-1]]
    for part in MAP_COLUMNS:
        pieces += [b',"', part.encode(), b'":', parts[part]]
    pieces.append(b"}")
    return b"".join(pieces)
