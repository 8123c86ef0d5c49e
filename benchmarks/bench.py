"""What every benchmark module gets (Bench), the areas, and the command line.

`python -m benchmarks` measures each size in a process of its own (so that one size's
peak memory does not show in the next), on a database of its own (so that a map is
generated once and reused by every later run): the database of DATABASE_URL with
`_<size>` added to its name (argmap_bench_1000, argmap_bench_1000000…), or on SQLite the
file of SQLITE_PATH with `-<size>` added to its stem. `main()` called from Python (the
tests) measures in its own process and database.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, connections
from django.test import override_settings

import benchmarks
from argmap.models import Topic
from argmap.publishing import publish
from argmap.synthetic import generate_map
from config.garbage import collect_less_often

LARGE = 20_000  # from this size on, the slow figures get at most 3 timed runs
FIGURE_SECONDS = 60  # and a figure whose first call takes longer than 60 s / runs, fewer


@dataclass
class Bench:
    """What a benchmark module gets: the map sizes to measure, maps of those sizes, timers
    (alone, or alternately with the raw baseline), a fork to measure a request's peak
    memory, and a report line per figure."""

    sizes: list[int]
    write: Callable[[str], None] = print
    repeat: int = 15
    results: list[dict] = field(default_factory=list)

    def topic(self, claims: int) -> Topic:
        """A published synthetic topic of `claims` claims, generated once and then reused."""
        slug = f"bench-{claims}"
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            self.write(f"  (generating a {claims:,}-claim map for the benchmarks…)")
            started = time.perf_counter()
            # Read back: the database's triggers gave it its version and changed_at.
            topic = Topic.objects.get(pk=generate_map(claims=claims, seed=1, slug=slug, publish=True).topic.pk)
            self.write(f"  (generated in {time.perf_counter() - started:.1f} s)")
            if connection.vendor == "postgresql":
                # Bulk-loaded tables need statistics, or the planner scans where an index would do.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        if not topic.publications.exists():
            # The public reads a topic's latest publication (its stored rows), not the live map.
            self.write(f"  (publishing the {claims:,}-claim map…)")
            started = time.perf_counter()
            # Kept with the map it published (a publication names its publisher), unlike the
            # editors a measurement makes for itself ("bench-<hex>"), which are rolled back.
            publisher, _ = get_user_model().objects.get_or_create(
                username="benchmark-publisher", defaults={"is_superuser": True, "is_staff": True}
            )
            publish(topic, user=publisher, note="benchmark")
            self.write(f"  (published in {time.perf_counter() - started:.1f} s)")
            topic = Topic.objects.get(pk=topic.pk)
        return topic

    def runs(self, size: int) -> int:
        """Timed runs for a figure at `size`: fewer for the large maps, whose slow figures
        take seconds each."""
        return min(self.repeat, 3) if size >= LARGE else self.repeat

    def median_ms(self, function: Callable[[], object], repeat: int | None = None) -> float:
        """The median wall time of `function` in milliseconds, after one warm-up call."""
        return self.timed_ms([function], repeat)[0]

    def paired_ms(self, function: Callable[[], object], repeat: int | None = None) -> tuple[float, float]:
        """The median times of `function` and of the raw baseline's list page (psycopg +
        orjson, one small query: what the database answers at best), timed alternately
        after a warm-up of each, so that both see the same moment of a shared machine."""
        took, raw_ms = self.timed_ms([function, self.raw_page], repeat)
        return took, raw_ms

    def timed_ms(self, functions: list[Callable[[], object]], repeat: int | None = None) -> list[float]:
        """The median wall time of each function in ms, timed in turns after a warm-up call
        of each. A figure whose warm-up takes long gets fewer runs (at least one), so that
        no figure takes much more than FIGURE_SECONDS."""
        times: list[list[float]] = [[] for _ in functions]
        started = time.perf_counter()
        for function in functions:
            function()
        warm_up = time.perf_counter() - started
        runs = max(1, min(repeat or self.repeat, int(FIGURE_SECONDS / max(warm_up, 1e-9))))
        for _ in range(runs):
            for function, timings in zip(functions, times, strict=True):
                started = time.perf_counter()
                function()
                timings.append((time.perf_counter() - started) * 1000)
        return [statistics.median(timings) for timings in times]

    @cached_property
    def raw(self) -> Any:
        """A connection of the raw baseline's own (benchmarks.raw) to the same database."""
        from benchmarks import raw  # noqa: PLC0415 - only the runs that time against it connect

        return raw.connect(connection.vendor, database_target())

    def raw_page(self) -> bytes:
        """The raw baseline's first list page of the smallest map measured."""
        from benchmarks import raw  # noqa: PLC0415

        return raw.raw_claim_page(self.raw, connection.vendor, f"bench-{min(self.sizes)}", "http://localhost")

    def peak(self, function: Callable[[], tuple[int, int]]) -> tuple[float, int, int] | None:
        """The peak resident memory (MB) of a process like a web server's worker (Django
        loaded, the caches empty) while it runs `function` once, and what `function`
        returns: the size of a response's body and a count of queries. Measured
        in a child forked for the purpose, so that each figure starts from the same memory. None where processes
        cannot fork. Not inside a transaction: on PostgreSQL the connections are closed
        first (a socket shared with the child would mix their conversations)."""
        if not hasattr(os, "fork"):
            return None
        if connection.vendor == "postgresql":
            connections.close_all()
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.close(reader)
                for alias in settings.CACHES:
                    caches[alias].clear()
                size, queries = function()
                peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                os.write(writer, orjson.dumps([peak_kb, size, queries]))
            finally:
                os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            answer = pipe.read()
        os.waitpid(pid, 0)
        if not answer:
            raise RuntimeError("the forked measurement failed (see above)")
        peak_kb, size, queries = orjson.loads(answer)
        return peak_kb / 1024, size, queries

    def report(
        self,
        area: str,
        what: str,
        size: int | None,
        value: float,
        unit: str,
        *,
        bar: str = "",
        ok: bool | None = None,
        raw_ms: float | None = None,
    ) -> None:
        """One figure: printed beside its bar (✔ or ✘ where the bar is a number to meet)
        and, when timed against it, the raw baseline's time in the same run."""
        self.results.append(
            {"area": area, "what": what, "size": size, "value": value, "unit": unit, "bar": bar, "ok": ok}
            | ({"raw_ms": raw_ms} if raw_ms is not None else {})
        )
        size_text = f"{size:>9,}" if size else " " * 9
        verdict = {True: " ✔", False: " ✘", None: ""}[ok]
        raw_text = f"  [raw page {raw_ms:.1f} ms]" if raw_ms is not None else ""
        self.write(f"  {area:<12} {what:<58} {size_text}  {value:>10.1f} {unit:<6} {bar}{verdict}{raw_text}")


def database_target() -> str:
    """Where the raw baseline connects: the database argmap uses now (a test database too)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(database["NAME"])
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "localhost"
    port = database["PORT"] or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{database['NAME']}"


def areas() -> dict[str, ModuleType]:
    """The modules of the package that measure an area, by name, in the order they run:
    by their ORDER (memory first, from a fresh process), then by name."""
    found = {}
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if hasattr(module, "AREA") and hasattr(module, "run"):
            found[module.AREA] = module
    return dict(sorted(found.items(), key=lambda item: (getattr(item[1], "ORDER", 50), item[0])))


def parser(available: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Generate maps of 1k and 10k claims and print speed figures beside their bars.",
    )
    parser.add_argument("--large", action="store_true", help="Also measure a 100,000-claim map.")
    parser.add_argument("--huge", action="store_true", help="Also measure a 1,000,000-claim map (slow to generate).")
    parser.add_argument("--sizes", help="Comma-separated claim counts, e.g. 1000,10000 (overrides --large, --huge).")
    parser.add_argument("--only", help=f"Comma-separated areas: {', '.join(available)}.")
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs per figure (median reported).")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="Measure every size in this process and this database (the default is a process and a database per size).",
    )
    parser.add_argument("--results", help=argparse.SUPPRESS)  # where a size's process writes its figures (JSON)
    return parser


def main(argv: list[str] | None = None, write: Callable[[str], None] = print, *, separate: bool = False) -> list[dict]:
    """Parse the command line, then measure each chosen area at each size: in this process
    (the default from Python), or with `separate` (the command line) in a process and a
    database per size. Returns the figures."""
    available = areas()
    arguments = parser(available)
    options = arguments.parse_args(argv)
    if options.sizes:
        try:
            sizes = [int(size) for size in options.sizes.split(",")]
        except ValueError:
            arguments.error("--sizes takes whole numbers, e.g. 1000,10000")
    else:
        sizes = [1000, 10000] + [100_000] * options.large + [1_000_000] * options.huge
    chosen = options.only.split(",") if options.only else list(available)
    unknown = set(chosen) - set(available)
    if unknown:
        arguments.error(f"unknown area(s): {', '.join(sorted(unknown))}; known: {', '.join(available)}")
    chosen = [area for area in available if area in chosen]  # in the order they run
    if separate and not options.in_process:
        return measure_separately(sizes, chosen, options.repeat, write)
    database = settings.DATABASES["default"]
    write(f"argmap benchmark on {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})")
    bench = Bench(sizes=sizes, write=write, repeat=options.repeat)
    started = time.perf_counter()
    # As in production: the web server's and the worker's garbage collection, no query log,
    # no template debugging (the static files stay those of development, which need no
    # collectstatic).
    collect_less_often()
    with override_settings(DEBUG=False):
        for area in chosen:
            write(f"\n{area}")
            available[area].run(bench)
    if "raw" in bench.__dict__:  # the raw baseline's connection, if a figure opened it
        bench.raw.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bench.report("process", "peak RSS of the benchmark process", None, peak_mb, "MB")
    bench.report("process", "wall time of the measurements", None, time.perf_counter() - started, "s")
    if options.results:
        Path(options.results).write_bytes(orjson.dumps(bench.results))
    return bench.results


# A process and a database per size


def size_database(size: int) -> dict[str, str]:
    """The environment of the database that keeps the map of `size` claims between runs."""
    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor == "postgresql":
        parts = urlsplit(url)
        return {"DATABASE_URL": urlunsplit(parts._replace(path=f"{parts.path}_{size}"))}
    path = Path(settings.DATABASES["default"]["NAME"])
    return {"DATABASE_URL": "", "SQLITE_PATH": str(path.with_name(f"{path.stem}-{size}{path.suffix}"))}


def create_database(environment: dict[str, str]) -> None:
    """The PostgreSQL database of `environment`, created if it does not exist yet."""
    if not environment.get("DATABASE_URL"):
        return  # SQLite creates its file
    import psycopg  # noqa: PLC0415
    from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: PLC0415

    url = environment["DATABASE_URL"]
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(f'CREATE DATABASE "{name}"')


def measure_separately(sizes: list[int], chosen: list[str], repeat: int, write: Callable[[str], None]) -> list[dict]:
    """Each size in a child process (`--in-process`) on its own database, migrated first;
    then one table of every figure, sizes side by side."""
    results: list[dict] = []
    root = Path(settings.BASE_DIR)
    for size in sizes:
        # Each request's log line would drown the figures.
        environment = {**os.environ, "LOG_LEVEL": "WARNING", **size_database(size)}
        create_database(environment)
        where = environment["DATABASE_URL"] or environment["SQLITE_PATH"]
        write(f"\n=== {size:,} claims: {where}")
        command = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
        subprocess.run(command, cwd=root, env=environment, check=True)  # noqa: S603
        with tempfile.NamedTemporaryFile(suffix=".json") as figures:
            command = [
                sys.executable, "-m", "benchmarks", "--in-process", "--sizes", str(size), "--only", ",".join(chosen),
                "--repeat", str(repeat), "--results", figures.name,
            ]  # fmt: skip
            process = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.PIPE, text=True)  # noqa: S603
            for line in process.stdout:
                write(line.rstrip("\n"))
            if process.wait() != 0:
                write(f"  (the {size:,}-claim run failed: exit status {process.returncode})")
                continue
            for figure in orjson.loads(Path(figures.name).read_bytes()):
                results.append(figure | {"size": figure["size"] or size})
    write_table(results, sizes, write)
    return results


def write_table(results: list[dict], sizes: list[int], write: Callable[[str], None]) -> None:
    """Every figure in one row, its value at each size side by side, then its bar."""
    rows: dict[tuple[str, str, str], dict[int, dict]] = {}
    for figure in results:
        rows.setdefault((figure["area"], figure["what"], figure["unit"]), {})[figure["size"]] = figure
    write("\nSummary (medians; ✔/✘ against the bar where it is a number)")
    header = "".join(f"{size:>14,}" for size in sizes)
    write(f"  {'area':<12} {'figure':<58} {'unit':<6}{header}  bar")
    for (area, what, unit), by_size in rows.items():
        cells = ""
        for size in sizes:
            figure = by_size.get(size)
            mark = {True: "✔", False: "✘", None: " "}[figure["ok"]] if figure else " "
            cells += f"{figure['value']:>12.1f} {mark}" if figure else f"{'—':>12}  "
        bar = next((figure["bar"] for figure in by_size.values() if figure["bar"]), "")
        write(f"  {area:<12} {what:<58} {unit:<6}{cells}  {bar}")
