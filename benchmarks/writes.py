"""Bulk writes (issue 17): the import of a whole map beside a raw COPY of the same rows,
timed alternately in the same run, and generate_map, at each size; the growth of each
from one size to the next, per claim.

Bars (QUALITY.md, issue 17): the import at 100,000 claims within 5× the raw COPY
(benchmarks.raw.raw_copy_import: the same rows, COPY and nothing else); growth from
100,000 to 1,000,000 linear or better; `generate_map --claims 1000000` ≤ 10 minutes
(and ≤ 2 GB RSS, which only a process of its own can show: see docs/performance.md).

Every write is rolled back after the checks PostgreSQL defers to COMMIT have run (and
been timed), and the tables are vacuumed between runs (not timed), so that each run
starts from the same database. The raw baseline is PostgreSQL's only: on SQLite the
import and generate_map are timed alone.
"""

from __future__ import annotations

import io
import statistics
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings

from argmap.interchange import export_map, import_map
from argmap.synthetic import generate_map
from benchmarks import raw
from benchmarks.bench import Bench, database_target
from benchmarks.interchange import fresh_copy

AREA = "writes"
IMPORT_BAR = 5.0  # × the raw COPY, at 100,000 claims
LARGE = 100_000  # from here on, one timed run per figure (a run takes minutes)


def run(bench: Bench) -> None:
    raw_connection = raw.connect(connection.vendor, database_target()) if connection.vendor == "postgresql" else None
    per_claim: dict[str, dict[int, float]] = {"import": {}, "generate_map": {}}
    try:
        for size in bench.sizes:
            runs = 1 if size >= LARGE else min(bench.repeat, 3)
            topic = bench.topic(size)
            content = fresh_copy(b"".join(export_map(topic, "json").content), slug=f"bench-writes-{size}")
            took, baseline = _paired(runs, lambda content=content: _import(content), raw_connection, content)
            per_claim["import"][size] = took / size
            bench.report(AREA, "import json (checked, written, history)", size, took, "ms")
            if baseline is not None:
                bench.report(AREA, "raw COPY of the same rows (same run)", size, baseline, "ms")
                bench.report(
                    AREA, "  import / raw COPY", size, 100 * took / baseline, "%", bar=f"≤ {100 * IMPORT_BAR:.0f}%"
                )
            took = _median(runs, lambda size=size: _generate(size))
            per_claim["generate_map"][size] = took / size
            bench.report(AREA, "generate_map (written, history)", size, took, "ms", bar=_generate_bar(size))
        for what, costs in per_claim.items():
            sizes = sorted(costs)
            for smaller, larger in zip(sizes, sizes[1:], strict=False):
                growth = costs[larger] / costs[smaller]
                bench.report(AREA, f"  {what}: cost per claim vs {smaller:,}", larger, growth, "×", bar="≤ 1.0 linear")
    finally:
        if raw_connection is not None:
            raw_connection.close()


def _generate_bar(size: int) -> str:
    return "≤ 600,000 ms at 1M" if size == 1_000_000 else ""


def _paired(runs: int, function, raw_connection, content: bytes) -> tuple[float, float | None]:
    """Median times of `function` and of the raw COPY of `content`, run alternately."""
    times: list[float] = []
    baseline: list[float] = []
    for _ in range(runs):
        _vacuum()
        times.append(_timed(function))
        if raw_connection is not None:
            _vacuum()
            baseline.append(_timed(lambda: raw.raw_copy_import(raw_connection, content)))
    _vacuum()
    return statistics.median(times), statistics.median(baseline) if baseline else None


def _median(runs: int, function) -> float:
    times = []
    for _ in range(runs):
        _vacuum()
        times.append(_timed(function))
    _vacuum()
    return statistics.median(times)


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _import(content: bytes) -> None:
    # A million-claim file (648 MB) is over the import's default limit, which guards uploads:
    # raised for the benchmark, as an operator raises it to import such a map.
    with override_settings(IMPORT_MAX_BYTES=max(settings.IMPORT_MAX_BYTES, len(content))), transaction.atomic():
        editor = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:12]}")
        report = import_map(io.BytesIO(content), "json", user=editor)
        if not report.ok:
            raise RuntimeError(f"the benchmark's import failed: {report.problems[:3]}")
        _deferred_checks()
        transaction.set_rollback(True)


def _generate(size: int) -> None:
    with transaction.atomic():
        generate_map(claims=size, seed=2, slug=f"bench-writes-generated-{size}")
        _deferred_checks()
        transaction.set_rollback(True)


def _deferred_checks() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check


def _vacuum() -> None:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
