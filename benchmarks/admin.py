"""The admin's speed for an editor (logged in, through the test client): the claims
changelist's first page, its last page, a search and its last page, and a topic's page (the map editor)
loaded first after a change (the caches emptied) and again, each timed alternately with
the raw baseline's list page (benchmarks.raw).

Bars (issue 17, QUALITY.md): a changelist ≤ 500 ms at 1M claims; any page ≤ 3× the first.
Issue 15: the map editor opens in under a second on a topic of 10,000 claims.
"""

from __future__ import annotations

from django.core.cache import cache

from benchmarks.bench import Bench
from benchmarks.handlers import admin_pages, editor_client, get, map_editor_page

AREA = "admin"
CHANGELIST_MS = 500
DEEP_RATIO = 3
MAP_EDITOR_MS = 1000


def run(bench: Bench) -> None:
    for size in bench.sizes:
        topic = bench.topic(size)
        runs = bench.runs(size)
        first, last, search, search_last = admin_pages()
        with editor_client() as client:
            times = {}
            for request in (first, last, search, search_last):
                took, raw_ms = bench.paired_ms(lambda url=request.url: get(client, url), runs)
                times[request] = took
                bench.report(AREA, request.what, size, took, "ms", bar=f"≤ {CHANGELIST_MS} ms at 1M",
                             ok=took <= CHANGELIST_MS, raw_ms=raw_ms)  # fmt: skip
            for deep, shallow, what in ((last, first, "last page / first page"),
                                        (search_last, search, "search: last page / first page")):  # fmt: skip
                ratio = 100 * times[deep] / times[shallow]
                bench.report(AREA, f"  {what}", size, ratio, "%", bar=f"≤ {100 * DEEP_RATIO}%",
                             ok=ratio <= 100 * DEEP_RATIO)  # fmt: skip
            map_editor(bench, client, topic, size, runs)


def map_editor(bench: Bench, client, topic, size: int, runs: int) -> None:
    """The topic's admin page: first after a change (argmap's caches emptied, so whatever
    is kept per version of the map is built again), then again as it is kept."""
    url = map_editor_page(topic).url

    def first_load() -> None:
        cache.clear()
        get(client, url)

    bar = f"≤ {MAP_EDITOR_MS} ms at 10k"
    for what, function in (("first load (caches emptied)", first_load), ("again", lambda: get(client, url))):
        took, raw_ms = bench.paired_ms(function, runs)
        bench.report(AREA, f"admin map editor (topic page), {what}", size, took, "ms", bar=bar,
                     ok=took <= MAP_EDITOR_MS, raw_ms=raw_ms)  # fmt: skip
