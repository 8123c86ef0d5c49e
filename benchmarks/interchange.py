"""Interchange speed: each export beside the one query every export starts with, split
into the map's loading (the query, and parsing its JSON: loading.py, not this module's
to speed up) and the writing of the format (the time spent outside the query); the
export endpoint as a whole request; and the import of a whole map (checked, written in
one transaction, with history), from Python and through the API.

Bars (QUALITY.md): AIF, Argdown and GraphML exports ≤ 50 ms at 10,000 claims and
≤ 500 ms at 100,000, in a constant number of queries; the import of 10,000 claims ≤ 1 s.

QUALITY.md sets those times on a box where the raw baseline (psycopg + orjson, the
whole 10,000-claim map: benchmarks.raw) takes 38 ms, and asks for ratios
measured in one run, "since absolute times are noisy here". So each export and the
import are also timed against that baseline, alternately in the same run, and their
ratio is printed beside the bar's: 50 / 38 = 132% for an export (at 100,000 claims too:
500 ms against the raw map of the same size), 1000 / 38 = 2632% for the import.
"""

from __future__ import annotations

import io
import statistics
import time
import uuid
from functools import partial
from unittest import mock

import orjson
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from argmap.interchange import FORMATS, export_map, import_map
from argmap.interchange.document import REFERENCES, TOPIC_PARTS, load_complete_map
from benchmarks import raw
from benchmarks.bench import Bench, database_target

AREA = "interchange"
REFERENCE_RAW_MS = 38  # QUALITY.md: raw psycopg + orjson, the whole 10,000-claim map, on its box
EXPORT_RATIO = 50 / REFERENCE_RAW_MS
IMPORT_RATIO = 1000 / REFERENCE_RAW_MS
IMPORT_SIZES = 10_000  # imports are measured up to this size (the bar's)
BARS = {
    "json": "",
    "aif": "≤ 50 ms at 10k, ≤ 500 ms at 100k",
    "argdown": "≤ 50 ms at 10k, ≤ 500 ms at 100k",
    "graphml": "≤ 50 ms at 10k, ≤ 500 ms at 100k",
    "csv": "",
}
UNTHROTTLED = "1000000/second"


def run(bench: Bench) -> None:
    client = Client(HTTP_HOST="localhost")
    raw_connection = raw.connect(connection.vendor, database_target())
    try:
        _run(bench, client, raw_connection)
    finally:
        raw_connection.close()


def _run(bench: Bench, client: Client, raw_connection) -> None:
    for size in bench.sizes:
        topic = bench.topic(size)
        if connection.vendor == "postgresql":
            # The maps are bulk-loaded: without statistics the planner scans whole tables where
            # an index would do (in the support-cycle trigger, above all). Autovacuum analyzes
            # them soon enough in production; it may be off on a development server.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        raw_map = partial(raw.raw_map, raw_connection, connection.vendor, topic.slug)
        bench.report(
            AREA,
            "raw psycopg + orjson, the whole map",
            size,
            bench.median_ms(raw_map, bench.runs(size)),
            "ms",
            bar="38 ms",
        )
        loading = bench.median_ms(lambda topic=topic: _read(topic), bench.runs(size))
        bench.report(
            AREA, "the map read: one query, columns (load_complete_map)", size, loading, "ms", bar="every export's"
        )
        data = load_complete_map(topic)
        for name, spec in FORMATS.items():
            took, baseline = _paired_ms(bench, lambda name=name, topic=topic: _exported(topic, name), raw_map, size)
            bench.report(AREA, f"export {name}", size, took, "ms", bar=BARS[name])
            bench.report(
                AREA, f"  export {name} / raw (same run)", size, 100 * took / baseline, "%", bar=_ratio_bar(name, size)
            )
            writing = bench.median_ms(
                lambda spec=spec, topic=topic, data=data: _write(spec, topic, data), bench.runs(size)
            )
            bench.report(AREA, f"  of which writing {name} (outside the map read)", size, writing, "ms")
        with unthrottled():
            for name in FORMATS:
                url = f"/api/v1/topics/{topic.slug}/export/{name}/"
                key = topic.cache_key("export", name)
                took = bench.median_ms(lambda url=url, key=key: _download(client, url, forget=key), bench.runs(size))
                bench.report(AREA, f"GET …/export/{name}/ first after a change", size, took, "ms", bar=BARS[name])
                took = bench.median_ms(lambda url=url: _download(client, url), bench.runs(size))
                bench.report(AREA, f"GET …/export/{name}/ again (cached)", size, took, "ms", bar=BARS[name])
        if size > IMPORT_SIZES:
            continue
        content = fresh_copy(b"".join(export_map(topic, "json").content), slug=f"bench-import-{size}")
        for dry_run in (True, False):
            took, baseline = _median_import_ms(bench, content, dry_run=dry_run, raw_map=raw_map)
            what = "import json, checks only (dry run)" if dry_run else "import json (checked, written, history)"
            bench.report(AREA, what, size, took, "ms", bar="" if dry_run else "≤ 1 s at 10k")
            if not dry_run:
                bar = f"≤ {100 * IMPORT_RATIO:.0f}% at 10k (1 s / 38 ms)" if size == IMPORT_SIZES else ""
                bench.report(AREA, "  import / raw (same run)", size, 100 * took / baseline, "%", bar=bar)
        with unthrottled():
            took = _upload(bench, client, content)
        bench.report(AREA, "POST …/imports/ json, dry run (whole request)", size, took, "ms")


def _read(topic) -> None:
    load_complete_map(topic)


def _write(spec, topic, data) -> bytes:
    return b"".join(spec.write(topic, data))


def _exported(topic, format: str) -> bytes:
    return b"".join(export_map(topic, format).content)


def _ratio_bar(format: str, size: int) -> str:
    if not BARS[format]:
        return ""
    reference_ms = {10_000: 50, 100_000: 500}.get(size)
    if not reference_ms:
        return ""
    # At 100,000 claims the raw map grows tenfold, linearly as QUALITY.md asks of everything.
    return f"≤ {100 * EXPORT_RATIO:.0f}% ({reference_ms} ms / {REFERENCE_RAW_MS * size // 10_000} ms)"


def _paired_ms(bench: Bench, function, baseline, size: int) -> tuple[float, float]:
    """The median times of `function` and `baseline`, run alternately (after a warm-up of
    each), so that both see the same machine: a virtual machine's speed drifts."""
    function()
    baseline()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(bench.runs(size)):
        for timed, measured in zip(times, (function, baseline), strict=True):
            started = time.perf_counter()
            measured()
            timed.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def unthrottled():
    """The API's limits lifted: the benchmark is one client making many requests."""
    return mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": UNTHROTTLED, "import": UNTHROTTLED})


def _download(client: Client, url: str, *, forget: str | None = None) -> bytes:
    """A download; with `forget`, the cache key of its file, as if the map had just changed."""
    if forget:
        caches["exports"].delete(forget)
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"the benchmark's download of {url} failed: {response.status_code}")
    return b"".join(response.streaming_content)


def fresh_copy(content: bytes, *, slug: str) -> bytes:
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


def _median_import_ms(bench: Bench, content: bytes, *, dry_run: bool, raw_map) -> tuple[float, float]:
    """The median time of an import, each rolled back so that every run starts from the
    same database.

    A commit would also run the checks PostgreSQL defers to the end of the transaction
    (every foreign key, row by row): they are run, and timed, before the rollback. And a
    rolled-back import leaves its rows behind as dead tuples until a vacuum: the tables
    are vacuumed between runs (not timed), as autovacuum would in production, so that
    each run starts from clean tables and indexes.

    Returns the median import and, timed between the imports, the median of `raw_map`.
    """
    times, baseline = [], []
    for _ in range(1 + min(bench.repeat, 5)):  # a warm-up, then the runs
        _vacuum()
        started = time.perf_counter()
        _import(content, dry_run=dry_run)
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        raw_map()
        baseline.append((time.perf_counter() - started) * 1000)
    # Leave no dead rows behind: the claims' full-text index keeps the rolled-back ones in
    # its pending list until a vacuum, and a search benchmarked next took 3× as long.
    _vacuum()
    return statistics.median(times[1:]), statistics.median(baseline[1:])


def _import(content: bytes, *, dry_run: bool) -> None:
    with transaction.atomic():
        # As an editor, as through the API or the admin: history records who imported.
        editor = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:12]}")
        report = import_map(io.BytesIO(content), "json", dry_run=dry_run, user=editor)
        if not report.ok:
            raise RuntimeError(f"the benchmark's import failed: {report.problems[:3]}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
        transaction.set_rollback(True)


def _vacuum() -> None:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def _upload(bench: Bench, client: Client, content: bytes) -> float:
    """The median time of a dry-run import through the API, as an editor made for the
    occasion (and rolled back with everything else)."""
    with transaction.atomic():
        editor = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:12]}", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        client.force_login(editor)

        def upload() -> None:
            file = io.BytesIO(content)
            file.name = "bench.json"
            response = client.post("/api/v1/imports/", {"file": file, "format": "json"})
            if response.status_code != 200:
                raise RuntimeError(f"the benchmark's upload failed: {response.status_code} {response.content[:300]}")

        took = bench.median_ms(upload, repeat=min(bench.repeat, 5))
        client.logout()
        transaction.set_rollback(True)
    return took
