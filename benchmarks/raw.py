"""The physical limit the API is measured against (QUALITY.md): raw psycopg (or sqlite3)
and orjson, no framework. It answers the two requests the API benchmark makes with the
same JSON as the API:

    GET /api/v1/topics/{slug}/map/            the map document (argmap.interchange.native)
    GET /api/v1/claims/?topic={slug}          the first page of 50 claims of a topic (a keyset
                                              page without a count, as the API's since Dec 2026)

`application` is a WSGI app serving them (`gunicorn --pythonpath benchmarks raw:application`,
with DATABASE_URL or SQLITE_PATH as for argmap); the functions serve in-process figures.

It imports nothing of argmap's or Django's: its SQL and its encoding are its own, FROZEN
as they were when argmap's whole-map read was last tuned (December 2026: the database
sends each part's columns as JSON arrays, Python makes the rows and orjson writes them).
Do not change them to follow argmap: a baseline that moves with argmap's code would hide
argmap's regressions in the ratio. Whether argmap and this return the same JSON is
checked separately, by the API benchmark, on every run.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import threading
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg

PAGE_SIZE = 50
TOPIC_COLUMNS = (
    "id", "slug", "title", "question", "summary", "status", "version", "changed_at", "published_at", "alternatives"
)  # fmt: skip
CLAIM_COLUMNS = (
    "id", "uid", "topic", "text", "kind", "fact_check", "settled_by", "base_score", "score_reason", "created_at",
    "updated_at",
)  # fmt: skip
# The map document's parts: the table each is read from, and its columns, in order.
MAP_PARTS = {
    "positions": ("id", "uid", "title", "summary", "order"),
    "claims": ("id", "uid", "text", "base_score", "kind", "fact_check", "settled_by_id", "score_reason"),
    "links": ("id", "uid", "claim_id", "target_position_id", "target_claim_id", "polarity", "basis"),
    "stakeholders": ("id", "slug", "name", "kind", "summary", "url", "parent_id"),
    "stances": ("id", "uid", "stakeholder_id", "position_id", "claim_id", "stance", "basis", "quote", "source_id",
                "held_on", "note"),
    "sources": ("id", "uid", "title", "url", "publisher", "author", "published_on", "kind"),
    "citations": ("id", "uid", "claim_id", "source_id", "quote", "locator"),
    "relationships": ("id", "uid", "from_stakeholder_id", "to_stakeholder_id", "kind", "description", "amount",
                      "started_on", "ended_on", "source_id", "basis"),
    "salience": ("id", "uid", "stakeholder_id", "power", "interest", "rationale"),
}  # fmt: skip
# The rows of a topic's map: its own, the stakeholders involved (and their parents), the
# relationships among them and the sources cited. Each %s is the topic's id.
MAP_SELECTIONS = """
    positions AS (SELECT * FROM argmap_position WHERE topic_id = %s),
    claims AS (SELECT * FROM argmap_claim WHERE topic_id = %s),
    links AS (SELECT * FROM argmap_link WHERE topic_id = %s),
    citations AS (SELECT * FROM argmap_citation WHERE topic_id = %s),
    stances AS (SELECT * FROM argmap_stance WHERE topic_id = %s),
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
            UNION SELECT source_id FROM relationships UNION SELECT settled_by_id FROM claims
        )
    )
"""


def _map_sql(vendor: str) -> str:
    """One statement: each part as a JSON array of its columns' arrays, rows by id."""
    aggregates = []
    for part, columns in MAP_PARTS.items():
        selected = ", ".join(f'"{column}"' for column in columns)
        function = "json_agg" if vendor == "postgresql" else "json_group_array"
        arrays = ", ".join(f'{function}("{column}")' for column in columns)
        built = f"json_build_array({arrays})::text" if vendor == "postgresql" else f"json_array({arrays})"
        aggregates.append(f"(SELECT {built} FROM (SELECT {selected} FROM {part} ORDER BY id) r) AS {part}")  # noqa: S608 - constants
    return _sql(vendor, f"WITH {MAP_SELECTIONS}\nSELECT {', '.join(aggregates)}")


def connect(vendor: str, target: str) -> Any:
    """A connection of our own: `target` is a PostgreSQL URL or an SQLite path (or URI)."""
    if vendor == "postgresql":
        return psycopg.connect(target, autocommit=True, options="-c TimeZone=UTC")
    return sqlite3.connect(target, uri=target.startswith("file:"), check_same_thread=False)


def _sql(vendor: str, sql: str) -> str:
    return sql if vendor == "postgresql" else sql.replace("%s", "?")


def _timestamp(vendor: str, value: Any) -> Any:
    """A timestamp as DRF writes it ("…Z"); SQLite hands back text, PostgreSQL datetimes."""
    if value is None:
        return None
    if vendor == "sqlite":
        value = datetime.fromisoformat(value)
    return value.isoformat().replace("+00:00", "Z") if value.utcoffset() is not None else value.isoformat() + "Z"


_MAP_SQL = {vendor: _map_sql(vendor) for vendor in ("postgresql", "sqlite")}


def raw_map(connection: Any, vendor: str, slug: str) -> bytes | None:
    """The map document of a published topic, as argmap.interchange.native writes it."""
    cursor = connection.cursor()
    cursor.execute(
        _sql(vendor, f"SELECT {', '.join(TOPIC_COLUMNS)} FROM argmap_topic WHERE slug = %s AND status = 'published'"),  # noqa: S608 - constant columns
        [slug],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    topic = dict(zip(TOPIC_COLUMNS, row, strict=True))
    if vendor == "sqlite":  # Django's SQLite columns are text and integers; the document has ISO timestamps
        for name in ("changed_at", "published_at"):
            topic[name] = topic[name] and datetime.fromisoformat(topic[name] + "+00:00")
        topic["alternatives"] = bool(topic["alternatives"])
    cursor.execute(_MAP_SQL[vendor], [topic["id"]] * MAP_SELECTIONS.count("%s"))
    document: dict[str, Any] = {"format": "argmap-map/1", "topic": topic}
    for (part, columns), arrays in zip(MAP_PARTS.items(), cursor.fetchone(), strict=True):
        values = [array or [] for array in orjson.loads(arrays)]  # PostgreSQL: null for no rows
        document[part] = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    return orjson.dumps(document)


def raw_claim_page(connection: Any, vendor: str, slug: str, base_url: str) -> bytes:
    """The first page of GET /api/v1/claims/?topic={slug}, as the API writes it: a keyset
    page (rows after the cursor's id, one more than the page to know whether a next page
    exists, no count), its `next` link carrying the cursor of the API's documented form
    (base64 of `p=<last id>`)."""
    where = "FROM argmap_claim c JOIN argmap_topic t ON t.id = c.topic_id WHERE t.slug = %s AND t.status = 'published'"
    cursor = connection.cursor()
    cursor.execute(
        _sql(
            vendor,
            f"SELECT c.id, c.uid, c.topic_id, c.text, c.kind, c.fact_check, c.settled_by_id, c.base_score,"
            f" c.score_reason, c.created_at, c.updated_at {where} "
            f"ORDER BY c.id LIMIT {PAGE_SIZE + 1}",
        ),
        [slug],
    )
    rows = cursor.fetchall()
    results = [
        {
            "id": id_,
            "uid": uid,
            "topic": topic,
            "text": text,
            "kind": kind,
            "fact_check": check,
            "settled_by": settled_by,
            "base_score": score,
            "score_reason": reason,
            "created_at": _timestamp(vendor, created),
            "updated_at": _timestamp(vendor, updated),
        }
        for id_, uid, topic, text, kind, check, settled_by, score, reason, created, updated in rows[:PAGE_SIZE]
    ]
    next_url = None
    if len(rows) > PAGE_SIZE:
        token = base64.b64encode(f"p={rows[PAGE_SIZE - 1][0]}".encode("ascii")).decode("ascii")
        next_url = f"{base_url}/api/v1/claims/?{urlencode({'cursor': token, 'topic': slug})}"
    return orjson.dumps({"next": next_url, "previous": None, "results": results})


# The WSGI app: one connection per server thread.

_local = threading.local()


def _connection() -> tuple[Any, str]:
    if not hasattr(_local, "connection"):
        url = os.environ.get("DATABASE_URL", "")
        vendor, target = ("postgresql", url) if url else ("sqlite", os.environ["SQLITE_PATH"])
        _local.connection, _local.vendor = connect(vendor, target), vendor
    return _local.connection, _local.vendor


def application(environ, start_response):
    connection, vendor = _connection()
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    body = None
    if path.startswith("/api/v1/topics/") and path.endswith("/map/"):
        body = raw_map(connection, vendor, path.removeprefix("/api/v1/topics/").removesuffix("/map/"))
    elif path == "/api/v1/claims/" and "topic" in query:
        body = raw_claim_page(connection, vendor, query["topic"][0], f"http://{environ['HTTP_HOST']}")
    if body is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail":"Not found."}']
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


# The import baseline: the rows of an export written with COPY, and nothing else (no
# checks, no history). FROZEN as of December 2026, like the rest of this module.

# A part of a topic's map: its table and, for each reference (portable column), the
# part it points at. Parts are written in this order, so that references resolve.
COPY_PARTS = {
    "positions": ("argmap_position", {}),
    "claims": ("argmap_claim", {"settled_by": "sources"}),
    "links": ("argmap_link", {"claim": "claims", "target_position": "positions", "target_claim": "claims"}),
    "citations": ("argmap_citation", {"claim": "claims", "source": "sources"}),
    "stances": ("argmap_stance", {"stakeholder": "stakeholders", "position": "positions", "claim": "claims",
                                  "source": "sources"}),
    "salience": ("argmap_salience", {"stakeholder": "stakeholders"}),
}  # fmt: skip
SHARED_KEYS = {"stakeholders": ("argmap_stakeholder", "slug"), "sources": ("argmap_source", "uid")}
TOPIC_FIELDS = ("slug", "title", "question", "summary", "status", "published_at", "alternatives")


def raw_copy_import(connection: Any, document: bytes) -> int:
    """Write the topic and the map rows of an export ("argmap-export/1", whose shared rows
    the database already has) in one PostgreSQL transaction: ids reserved from each
    table's sequence, references resolved in Python, each part sent with one COPY; the
    checks PostgreSQL defers to COMMIT are run, then everything is rolled back. Returns
    the number of rows written. Like argmap's bulk import, it asks the support trigger
    to skip its walk (argmap.support_checked): the physical limit, not a rule check."""
    data = orjson.loads(document)
    written = 0
    with connection.transaction(force_rollback=True), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('argmap.support_checked', 'on', true)")
        topic = data["topic"]
        cursor.execute(
            f"INSERT INTO argmap_topic (created_at, updated_at, {', '.join(TOPIC_FIELDS)}, version, changed_at) "  # noqa: S608 - constants
            f"VALUES (now(), now(), {', '.join('%s' for _ in TOPIC_FIELDS)}, 1, now()) RETURNING id",
            [topic.get(name) for name in TOPIC_FIELDS],
        )
        topic_id = cursor.fetchone()[0]
        ids: dict[str, dict[str, int]] = {}
        for part, (table, key) in SHARED_KEYS.items():
            keys = list({row[key] for row in data[part]})
            cursor.execute(f"SELECT {key}::text, id FROM {table} WHERE {key}::text = ANY(%s)", [keys])  # noqa: S608 - constants
            ids[part] = dict(cursor.fetchall())
            if len(ids[part]) != len(keys):
                raise RuntimeError(f"raw_copy_import copies maps whose {part} the database has")
        for part, (table, references) in COPY_PARTS.items():
            rows = data[part]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            new_ids = [row[0] for row in cursor.fetchall()]
            ids[part] = {row["uid"]: new_id for row, new_id in zip(rows, new_ids, strict=True)}
            if not rows:
                continue
            names = list(rows[0])
            columns = [f"{name}_id" if name in references else name for name in names]
            lookups = [ids[references[name]] if name in references else None for name in names]
            listed = ", ".join(f'"{column}"' for column in columns)
            copy_sql = f"COPY {table} (id, topic_id, created_at, updated_at, {listed}) FROM STDIN"  # noqa: S608
            with cursor.copy(copy_sql) as copy:
                now = datetime.now().astimezone()
                for new_id, row in zip(new_ids, rows, strict=True):
                    values = [
                        value if lookup is None or value is None else lookup[value]
                        for value, lookup in zip(row.values(), lookups, strict=True)
                    ]
                    copy.write_row([new_id, topic_id, now, now, *values])
            written += len(rows)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
    return written
