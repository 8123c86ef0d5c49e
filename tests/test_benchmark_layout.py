"""The benchmarks stay outside the product: argmap imports nothing of them, and the raw
baseline imports nothing of argmap (its SQL and encoder are its own, so that a
regression in argmap cannot hide in the ratio)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench import main

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_argmap_imports_nothing_of_the_benchmarks():
    importers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "argmap").rglob("*.py")
        if any(module.split(".")[0] == "benchmarks" for module in imported_modules(path))
    ]
    assert importers == []


def test_the_raw_baseline_imports_nothing_of_argmap_or_django():
    modules = imported_modules(ROOT / "benchmarks" / "raw.py")
    assert {module.split(".")[0] for module in modules} & {"argmap", "django", "rest_framework", "config"} == set()


# The benchmark as a whole, at a tiny size: every figure issue 17 asks for is printed (the
# times are not asserted: they are figures, not checks).

REQUESTS = [
    "topic page",
    "branch fragment",
    "analysis page",
    "API evaluation",
    "search, common word",
    "search, rare word",
    "API claims list, first page",
    "API claims list, page",  # keyset pages: the page some `next` links on ("…, page N (cursor)")
    "API map",
    "export json",
    "admin claims changelist, first page",
    "admin claims changelist, last page",
]
FIGURES = {
    "memory": ["a worker before any request: RSS"],
    "site": [
        "topic page, uncached (whole request)",
        "topic page, from the page cache",
        "topic page, conditional GET (304)",
        "branch fragment",
        "analysis page (cruxes, coalitions), uncached",
        "search, common word",
        "search, rare word",
        "[raw page",  # timed alternately with the raw baseline
    ],
    "analysis": ["API evaluation (whole request)"],
    "api": [
        "map, in process: argmap time / raw",
        "API claims list, first page, in process",
        "(cursor), in process",
        "deep page / first page",
    ],
    "admin": [
        "admin claims changelist, first page",
        "admin claims changelist, last page",
        "last page / first page",
        "search “public”, last page",
        "search: last page / first page",
    ],
    "interchange": ["export json", "import json (checked, written, history)", "import / raw (same run)"],
    "process": ["peak RSS of the benchmark process"],
}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the raw baseline reads through a connection of its own
def test_the_benchmark_prints_every_figure_of_issue_17_at_a_tiny_size():
    lines = []
    figures = main(["--sizes", "30", "--repeat", "1"], write=lines.append)
    weighed = [figure["what"] for figure in figures if figure["area"] == "memory"]
    for request in REQUESTS:
        for measure in ["peak RSS", "bytes", "queries"]:
            assert any(what.startswith(request) and what.endswith(f": {measure}") for what in weighed), request
    for area, whats in FIGURES.items():
        printed = [line for line in lines if line.split() and line.split()[0] == area]
        for what in whats:
            assert any(what in line for line in printed), f"{area}: {what}"
    assert {figure["area"] for figure in figures} >= set(FIGURES)
    topic_page = next(f for f in figures if f["what"] == "topic page: bytes")
    assert topic_page["ok"] is not None  # weighed against its bar (1 MB)


@pytest.mark.slow
def test_the_command_measures_each_size_in_a_process_and_a_database_of_its_own(tmp_path):
    environment = {**os.environ, "DATABASE_URL": "", "SQLITE_PATH": str(tmp_path / "bench.sqlite3")}
    command = [sys.executable, "-m", "benchmarks", "--sizes", "20,30", "--only", "site", "--repeat", "1"]
    run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "bench-20.sqlite3").exists()
    assert (tmp_path / "bench-30.sqlite3").exists()  # the maps stay for the next run
    assert "peak RSS of the benchmark process" in run.stdout
    summary = run.stdout.split("Summary", 1)[1]
    assert "topic page, uncached (whole request)" in summary


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the raw baseline reads through a connection of its own
def test_the_memory_and_api_benchmarks_run_at_a_tiny_size_and_read_streamed_bodies_whole():
    """The API map and the exports are streamed: the benchmarks read each body to its end
    (a streamed response has no .content), and size it without keeping it."""
    results = main(["--sizes", "30", "--only", "memory,api", "--repeat", "1"], write=lambda line: None)
    figures = {(figure["area"], figure["what"]): figure["value"] for figure in results}
    assert figures[("memory", "API map: bytes")] > 1  # KB: the whole map, not its first chunk
    assert figures[("memory", "API map: queries")] <= 3
    assert figures[("api", "map, in process: argmap")] > 0
