"""The API's speed beside its physical limit (raw psycopg + orjson, benchmarks.raw):
the map document and a 50-row list page, in process (median ms) and over HTTP
(requests/s, two gunicorn servers on this machine, one for argmap and one for the raw
app, configured alike, driven by the same keep-alive load generator).

Bars (QUALITY.md): the map within 1.3× of raw in process and ≥ 0.8× its requests/s; the
list page ≥ 0.25× raw requests/s. Requests/s are not measured for a document whose raw
answer takes over HTTP_REQUEST_MS (the map at 1,000,000 claims): the run says so.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import orjson
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from rest_framework.throttling import AnonRateThrottle

from benchmarks import raw
from benchmarks.bench import database_target
from benchmarks.handlers import get, list_pages, unthrottled

AREA = "api"
BASE_DIR = Path(settings.BASE_DIR)
CONNECTIONS = 4  # keep-alive connections of the load generator
SERVER = ["--workers", "1", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30"]
UNTHROTTLED = "1000000/second"  # the benchmark is one client making many requests
HTTP_REQUEST_MS = 5_000  # requests/s are measured for answers the raw baseline gives faster


def run(bench) -> None:
    vendor = connection.vendor
    target = database_target()
    raw_connection = raw.connect(vendor, target)
    client = Client(HTTP_HOST="localhost")
    with ExitStack() as stack:
        servers = stack.enter_context(http_servers(bench, vendor, target))
        for size in bench.sizes:
            topic = bench.topic(size)
            requests = {
                "map": (
                    f"/api/v1/topics/{topic.slug}/map/",
                    lambda slug=topic.slug: raw.raw_map(raw_connection, vendor, slug),
                ),
                "list page (50 claims)": (
                    f"/api/v1/claims/?topic={topic.slug}",
                    lambda slug=topic.slug: raw.raw_claim_page(raw_connection, vendor, slug, "http://localhost"),
                ),
            }
            for what, (path, raw_body) in requests.items():
                raw_ms = in_process(bench, size, what, path, client, raw_body)
                if servers and raw_ms > HTTP_REQUEST_MS:
                    # (at 1,000,000 claims the raw map takes some 18 s: the load generator's
                    # clients time out, and the in-process ratio says what there is to say)
                    bench.write(f"  ({what}, HTTP: skipped, one raw answer takes {raw_ms / 1000:.1f} s)")
                elif servers:
                    over_http(bench, size, what, path, servers)
            deep_page(bench, size, topic, client)
    raw_connection.close()


def same_json(a: bytes, b: bytes) -> bool:
    """The same document, but for the topic's version stamp: the benchmark's topic is
    published, and the public's map is its publication's snapshot, whose topic row has the
    version and time it was published at (publishing bumps the live row's), where the
    raw baseline reads the live row."""
    first, second = orjson.loads(a), orjson.loads(b)
    for document in (first, second):
        if isinstance(document, dict) and isinstance(document.get("topic"), dict):
            document["topic"] = {k: v for k, v in document["topic"].items() if k not in ("version", "changed_at")}
    return first == second


def in_process(bench, size, what, path, client, raw_body) -> float:
    with override_settings(DEBUG=False), mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": UNTHROTTLED}):
        # (`get` reads the whole body: the map is streamed, and a streamed response's time
        # is its body's, not its first byte's)
        if not same_json(get(client, path), raw_body()):
            raise RuntimeError(f"{path}: argmap and the raw baseline do not return the same JSON")
        argmap_ms, raw_ms = interleaved_ms([lambda: get(client, path), raw_body], bench.runs(size))
    bar = "≤ 130% (1.3×)" if what == "map" else ""
    bench.report(AREA, f"{what}, in process: raw psycopg + orjson", size, raw_ms, "ms")
    bench.report(AREA, f"{what}, in process: argmap", size, argmap_ms, "ms")
    ratio = 100 * argmap_ms / raw_ms
    bench.report(
        AREA, f"{what}, in process: argmap time / raw", size, ratio, "%", bar=bar, ok=ratio <= 130 if bar else None
    )
    return raw_ms


def deep_page(bench, size, topic, client) -> None:
    """The claims list's last page (or, with keyset pages, a deep one) against its first,
    timed alternately: a deep page costs ≤ 3× the first (QUALITY.md)."""
    first, deep = list_pages(topic)
    with unthrottled():
        first_ms, deep_ms = interleaved_ms([lambda: get(client, first.url), lambda: get(client, deep.url)],
                                           bench.runs(size))  # fmt: skip
    bench.report(AREA, f"{first.what}, in process", size, first_ms, "ms")
    bench.report(AREA, f"{deep.what}, in process", size, deep_ms, "ms")
    ratio = 100 * deep_ms / first_ms
    bench.report(AREA, "  deep page / first page", size, ratio, "%", bar="≤ 300% (3×)", ok=ratio <= 300)


def interleaved_ms(functions, repeat: int) -> list[float]:
    """The median wall time of each function in ms, timed in turns (after a warm-up call),
    so that a busy moment on a shared machine weighs on all of them alike."""
    times: list[list[float]] = [[] for _ in functions]
    for function in functions:
        function()
    for _ in range(repeat):
        for function, timings in zip(functions, times, strict=True):
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
    return [statistics.median(timings) for timings in times]


def over_http(bench, size, what, path, servers) -> None:
    for name, port in servers.items():
        status, body = fetch(port, path)
        if status != 200:
            raise RuntimeError(f"{name} server answered {status} to {path}: {body[:300]!r}")
    # The same JSON, but for the address in the `next` link.
    argmap_body, raw_body = (
        fetch(port, path)[1].replace(f"127.0.0.1:{port}".encode(), b"host") for port in servers.values()
    )
    if not same_json(argmap_body, raw_body):
        raise RuntimeError(f"{path}: argmap and the raw baseline do not return the same JSON over HTTP")
    seconds = 1.0 if bench.repeat > 1 else 0.2
    rounds = 7 if bench.repeat > 1 else 1
    rates = {"raw": [], "argmap": []}
    for _ in range(rounds):  # alternate, so that a noisy moment hurts both alike
        for name in rates:
            rates[name].append(requests_per_second(servers[name], path, seconds))
    raw_rate, argmap_rate = statistics.median(rates["raw"]), statistics.median(rates["argmap"])
    bar = "≥ 80% (0.8×)" if what == "map" else "≥ 25% (0.25×)"
    bench.report(AREA, f"{what}, HTTP: raw psycopg + orjson", size, raw_rate, "req/s")
    bench.report(AREA, f"{what}, HTTP: argmap", size, argmap_rate, "req/s")
    ratio = 100 * argmap_rate / raw_rate
    bench.report(
        AREA, f"{what}, HTTP: argmap req/s / raw", size, ratio, "%", bar=bar, ok=ratio >= (80 if what == "map" else 25)
    )


# HTTP: servers and the load generator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def http_servers(bench, vendor: str, target: str):
    """argmap and the raw app, each under gunicorn on a free port: {name: port}, or {}
    when HTTP cannot be measured here (no gunicorn; an in-memory SQLite database)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        bench.write("  (HTTP figures skipped: gunicorn is not installed; pip install -r requirements.txt)")
        yield {}
        return
    if vendor == "sqlite" and ("memory" in target or target == ":memory:"):
        bench.write("  (HTTP figures skipped: an in-memory SQLite database is not shared with servers)")
        yield {}
        return
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_ANON_RATE": UNTHROTTLED,
        "DATABASE_URL": target if vendor == "postgresql" else "",
        "SQLITE_PATH": target if vendor == "sqlite" else "",
        "PYTHONWARNINGS": "ignore",
    }
    # The raw app is loaded as a module of its own: the package would load Django's models.
    apps = {
        "argmap": ["config.wsgi:application"],
        "raw": ["--pythonpath", str(Path(raw.__file__).parent), "raw:application"],
    }
    processes, ports = [], {}
    try:
        for name, app in apps.items():
            ports[name] = free_port()
            command = [gunicorn, *SERVER, "--bind", f"127.0.0.1:{ports[name]}", "--log-level", "warning", *app]
            processes.append(subprocess.Popen(command, cwd=BASE_DIR, env=environment))  # noqa: S603
        for name, port in ports.items():
            wait_for(port, name)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def wait_for(port: int, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the {name} server did not start on port {port}")


def fetch(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def requests_per_second(port: int, path: str, seconds: float, max_requests: int = 200_000) -> float:
    """Requests/s from CONNECTIONS keep-alive connections, each sending the next request as
    soon as the previous answer is read, for `seconds` (and at most max_requests)."""
    fetch(port, path)  # warm the server
    deadline = time.perf_counter() + seconds
    counts: list[int] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        done = 0
        try:
            while time.perf_counter() < deadline and done < max_requests // CONNECTIONS:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{response.status} from port {port}")
                    return
                done += 1
        finally:
            conn.close()
            counts.append(done)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"the load generator got {failures[0]}")
    return sum(counts) / elapsed
