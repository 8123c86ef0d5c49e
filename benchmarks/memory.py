"""Memory, bytes and queries per request: for each request of benchmarks.handlers, the
peak resident memory of a worker serving it once with the caches empty, the size of the
response, and the queries it made (against QUALITY.md's budget: a public page ≤ 3…).

Each request is served by a child forked from this process for the purpose, before the
other areas have run (this area runs first), so every figure starts from the same
memory: a process with Django loaded, like a web server's worker, whose own figure is
the first line. Bars (issue 17, QUALITY.md): no request handler above 1 GB at 1M claims;
the topic page's HTML ≤ 1 MB at every size.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.bench import Bench
from benchmarks.handlers import editor_client, reader, requests_for, unthrottled

AREA = "memory"
ORDER = 0  # first, while the process is still as fresh as a server's worker
HANDLER_MB = 1024
PAGE_BYTES = 1024 * 1024


def run(bench: Bench) -> None:
    for size in bench.sizes:
        topic = bench.topic(size)
        requests = requests_for(topic)
        worker = bench.peak(lambda: (0, 0))
        if worker is None:
            bench.write("  (memory figures skipped: this system cannot fork)")
            return
        bench.report(AREA, "a worker before any request: RSS", size, worker[0], "MB")
        for request in requests:

            def serve(request=request) -> tuple[bytes, int]:
                if not request.editor:
                    return counted(reader(), request.url)
                with editor_client() as client:
                    return counted(client, request.url)

            peak_mb, length, queries = bench.peak(serve)
            bench.report(AREA, f"{request.what}: peak RSS", size, peak_mb, "MB", bar="≤ 1 GB", ok=peak_mb <= HANDLER_MB)
            page = request.what == "topic page"
            bench.report(
                AREA,
                f"{request.what}: bytes",
                size,
                length / 1024,
                "KB",
                bar="≤ 1 MB" if page else "",
                ok=length <= PAGE_BYTES if page else None,
            )
            budget = request.queries
            bench.report(AREA, f"{request.what}: queries", size, queries, "", bar=f"≤ {budget}" if budget else "",
                         ok=queries <= budget if budget else None)  # fmt: skip


def counted(client, url: str) -> tuple[int, int]:
    """The size of a GET's body, read as a client reads it (a streamed body chunk by chunk,
    none kept: the server's memory is measured, not the client's), and the queries it made."""
    with CaptureQueriesContext(connection) as queries, unthrottled():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
    return size, len(queries)
