"""The admin's speed for an editor (logged in, through the test client): the claims
changelist's first page, its last page and a search, timed alternately with the raw
baseline's list page (benchmarks.raw).

Bars (issue 17, QUALITY.md): a changelist ≤ 500 ms at 1M claims; any page ≤ 3× the first.
"""

from __future__ import annotations

from benchmarks.bench import Bench
from benchmarks.handlers import admin_pages, editor_client, get

AREA = "admin"
CHANGELIST_MS = 500
DEEP_RATIO = 3


def run(bench: Bench) -> None:
    for size in bench.sizes:
        bench.topic(size)
        runs = bench.runs(size)
        first, last, search = admin_pages()
        with editor_client() as client:
            times = {}
            for request in (first, last, search):
                took, raw_ms = bench.paired_ms(lambda url=request.url: get(client, url), runs)
                times[request] = took
                bench.report(AREA, request.what, size, took, "ms", bar=f"≤ {CHANGELIST_MS} ms at 1M",
                             ok=took <= CHANGELIST_MS, raw_ms=raw_ms)  # fmt: skip
            ratio = 100 * times[last] / times[first]
            bench.report(AREA, "  last page / first page", size, ratio, "%", bar=f"≤ {100 * DEEP_RATIO}%",
                         ok=ratio <= 100 * DEEP_RATIO)  # fmt: skip
