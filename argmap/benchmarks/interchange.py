"""Interchange speed: each export beside the one query every export starts with, and the
import of a whole map (checked, written in one transaction, with history)."""

from __future__ import annotations

import io
import uuid

import orjson
from django.db import connection, transaction

from argmap.benchmarks import Bench
from argmap.interchange import FORMATS, export_map, import_map
from argmap.interchange.document import REFERENCES, TOPIC_PARTS
from argmap.loading import load_map_json

AREA = "interchange"
IMPORT_SIZES = 10_000  # imports are measured up to this size (the bar's)


def run(bench: Bench) -> None:
    for size in bench.sizes:
        topic = bench.topic(size)
        if connection.vendor == "postgresql":
            # The maps are bulk-loaded: without statistics the planner scans whole tables where
            # an index would do (in the support-cycle trigger, above all). Autovacuum analyzes
            # them soon enough in production; it may be off on a development server.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        query = bench.median_ms(lambda topic=topic: load_map_json(topic.pk))
        bench.report(AREA, "the map query alone (loading.load_map_json)", size, query, "ms", bar="the floor")
        for name in FORMATS:
            took = bench.median_ms(lambda name=name, topic=topic: b"".join(export_map(topic, name).content))
            bar = "≤ 50 ms at 10k, ≤ 500 ms at 100k"
            bench.report(AREA, f"export {name}", size, took, "ms", bar=f"{bar} ({took / query:.1f}× the query)")
        if size > IMPORT_SIZES:
            continue
        content = _new_map(b"".join(export_map(topic, "json").content), slug=f"bench-import-{size}")
        for dry_run in (True, False):
            took = bench.median_ms(
                lambda content=content, dry_run=dry_run: _import(content, dry_run=dry_run),
                repeat=min(bench.repeat, 5),
            )
            what = "import json, checks only (dry run)" if dry_run else "import json (checked, written, history)"
            bench.report(AREA, what, size, took, "ms", bar="" if dry_run else "≤ 1 s at 10k")


def _new_map(content: bytes, *, slug: str) -> bytes:
    """The exported map as another map: new slug and uids, as if it came from another database."""
    document = orjson.loads(content)
    document["topic"]["slug"] = slug
    renamed = {part: {row["uid"]: str(uuid.uuid4()) for row in document[part]} for part in TOPIC_PARTS}
    for part in TOPIC_PARTS:
        for row in document[part]:
            row["uid"] = renamed[part][row["uid"]]
    for part, references in REFERENCES.items():
        for column, target in references.items():
            if target in renamed:
                for row in document[part]:
                    row[column] = renamed[target].get(row[column], row[column])
    return orjson.dumps(document)


def _import(content: bytes, *, dry_run: bool) -> None:
    """One import, rolled back so that every run starts from the same database."""
    with transaction.atomic():
        report = import_map(io.BytesIO(content), "json", dry_run=dry_run)
        if not report.ok:
            raise RuntimeError(f"the benchmark's import failed: {report.problems[:3]}")
        transaction.set_rollback(True)
