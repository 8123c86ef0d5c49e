"""Interchange speed: each export beside the one query every export starts with, and the
import of a whole map (checked, written in one transaction, with history)."""

from __future__ import annotations

import io

from django.db import transaction

from argmap.benchmarks import Bench
from argmap.interchange import FORMATS, export_map, import_map
from argmap.loading import load_map_json

AREA = "interchange"
IMPORT_SIZES = 10_000  # imports are measured up to this size (the bar's)


def run(bench: Bench) -> None:
    for size in bench.sizes:
        topic = bench.topic(size)
        query = bench.median_ms(lambda topic=topic: load_map_json(topic.pk))
        bench.report(AREA, "the map query alone (loading.load_map_json)", size, query, "ms", bar="the floor")
        for name in FORMATS:
            took = bench.median_ms(lambda name=name, topic=topic: b"".join(export_map(topic, name).content))
            bar = "≤ 50 ms at 10k, ≤ 500 ms at 100k"
            bench.report(AREA, f"export {name}", size, took, "ms", bar=f"{bar} ({took / query:.1f}× the query)")
        if size > IMPORT_SIZES:
            continue
        content = b"".join(export_map(topic, "json").content)
        for dry_run in (True, False):
            took = bench.median_ms(
                lambda content=content, size=size, dry_run=dry_run: _import(content, size, dry_run=dry_run),
                repeat=min(bench.repeat, 5),
            )
            what = "import json, checks only (dry run)" if dry_run else "import json (checked, written, history)"
            bench.report(AREA, what, size, took, "ms", bar="" if dry_run else "≤ 1 s at 10k")


def _import(content: bytes, size: int, *, dry_run: bool) -> None:
    """An import of a copy of the map, rolled back so that every run starts from the same database."""
    with transaction.atomic():
        report = import_map(io.BytesIO(content), "json", slug=f"bench-import-{size}", new_uids=True, dry_run=dry_run)
        if not report.ok:
            raise RuntimeError(f"the benchmark's import failed: {report.problems[:3]}")
        transaction.set_rollback(True)
