"""Publishing (issue 16): `publishing.publish()` of the benchmark's topic again (its second
or later publication, so the diff against the last one is done too), in all and step by
step as the reviewer's progress shows them, wall and CPU time (the CPU time of this
process: less disturbed by a loaded machine, but without the database server's work).

Bar (issue 16): a 10,000-claim topic is published (snapshot plus analysis) in a few
seconds: ≤ 3 s here, on a quiet machine. Each run is rolled back, its after-publishing
task (the documents, run on commit) with it, so that every run starts from the same
database.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import transaction

from argmap.publishing import publish
from benchmarks.bench import Bench

AREA = "publish"
BAR_SECONDS = 3.0  # at 10,000 claims
BAR_SIZE = 10_000


def run(bench: Bench) -> None:
    publisher, _ = get_user_model().objects.get_or_create(
        username="benchmark-publisher", defaults={"is_superuser": True, "is_staff": True}
    )
    for size in bench.sizes:
        measure(bench, size, publisher)


def measure(bench: Bench, size: int, publisher) -> None:
    topic = bench.topic(size)
    runs = [_publish(topic, publisher) for _ in range(min(bench.repeat, 3))]
    wall = statistics.median(run["wall"] for run in runs)
    bar = f"≤ {BAR_SECONDS * 1000:,.0f} ms" if size == BAR_SIZE else ""
    ok = wall <= BAR_SECONDS * 1000 if size == BAR_SIZE else None
    bench.report(AREA, "publish(): snapshot, analysis, diff, rows, records", size, wall, "ms", bar=bar, ok=ok)
    bench.report(AREA, "  its CPU time (this process)", size, statistics.median(run["cpu"] for run in runs), "ms")
    for step in runs[0]["steps"]:
        took = statistics.median(run["steps"][step] for run in runs)
        bench.report(AREA, f"  {step}", size, took, "ms")


def _publish(topic, publisher) -> dict:
    """One publish() in a transaction rolled back: its wall and CPU time (ms) and each
    step's wall time, from the moment the step is reported to the next one's."""
    marks: list[tuple[str, float]] = []
    with transaction.atomic():
        started, cpu = time.perf_counter(), time.process_time()
        publish(
            topic, user=publisher, note="benchmark", progress=lambda step: marks.append((step, time.perf_counter()))
        )
        ended, cpu = time.perf_counter(), time.process_time() - cpu
        transaction.set_rollback(True)
    ends = [at for _step, at in marks[1:]] + [ended]
    steps = {step: (end - at) * 1000 for (step, at), end in zip(marks, ends, strict=True)}
    return {"wall": (ended - started) * 1000, "cpu": cpu * 1000, "steps": steps}
