"""The shape of the code, read from its imports (with `ast`, so nothing is run): no module
of argmap imports another that imports it back, however far round; the pure core needs
nothing but the standard library; and the product never imports the benchmarks.

Every import counts: at the top of a module, inside a function, or under
`if TYPE_CHECKING:`."""

import ast
import functools
import sys
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "argmap"
PURE_CORE = ("argmap/graph.py", "argmap/stakeholders.py")
# The benchmarks' entry point: it runs them, and nothing imports it (checked below).
BENCHMARK_COMMAND = "argmap.management.commands.benchmark"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def imported_names(path: Path) -> frozenset[str]:
    """Every module name `path` imports, absolute: for `from a import b`, a.b if that is a
    module of ours, else a. Read once per file for all the tests."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in MODULES else source)
    return frozenset(found)


def ours(name: str) -> str | None:
    """The module of argmap that importing `name` runs (a.b.c may name a thing in a.b), if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    """Which modules of argmap each module of argmap imports. Read when a test asks, not
    at collection: every test process collects this file, most run none of its tests."""
    return {
        name: {target for imported in imported_names(path) if (target := ours(imported)) and target != name}
        for name, path in MODULES.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a → … → a) in each strongly connected part of `graph` with more than one
    module (Tarjan's algorithm, then the shortest way round from its first module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.add(member)
                if member == node:
                    break
            if len(part) > 1:
                parts.append(part)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    found = []
    for part in parts:
        start = min(part)
        came_from: dict[str, str] = {}
        frontier = deque([start])
        while frontier:  # breadth first, inside the part, to the shortest way back to start
            node = frontier.popleft()
            if start in graph[node]:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                found.append([*reversed(path), start])
                break
            for target in sorted(graph[node] & part):
                if target not in came_from:
                    came_from[target] = node
                    frontier.append(target)
    return found


def test_no_module_of_argmap_imports_itself_round_a_circle(imports):
    found = cycles(imports)
    assert not found, "Import circles: " + "; ".join(" → ".join(cycle) for cycle in found)


def test_a_circle_is_found_and_named():
    """The check above can fail: a small graph with a circle and a tail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_wherever_they_are(imports):
    """Function-level and TYPE_CHECKING imports count, relative ones are resolved."""
    assert "argmap.loading" in imports["argmap.tree"]  # under `if TYPE_CHECKING:`
    assert "argmap.models" in imports["argmap.conditional"]
    assert "argmap.interchange.reading" in imports["argmap.interchange.files"]


@pytest.mark.parametrize("path", PURE_CORE)
def test_the_pure_core_imports_only_the_standard_library(path):
    imported = imported_names(ROOT / path)
    assert imported, "no imports read: is the file there?"
    foreign = sorted(name for name in imported if name.split(".")[0] not in sys.stdlib_module_names)
    assert not foreign, f"{path} imports {', '.join(foreign)}: the pure core needs no Django and nothing of argmap"


def test_the_product_never_imports_the_benchmarks(imports):
    def benchmarks(name: str) -> bool:
        return name.split(".")[0] == "benchmarks" or name.startswith("argmap.benchmarks")

    importers = sorted(
        name
        for name, path in MODULES.items()
        if not name.startswith("argmap.benchmarks")
        and name != BENCHMARK_COMMAND
        and any(benchmarks(imported) for imported in imported_names(path))
    )
    assert not importers, f"{', '.join(importers)} import the benchmarks"
    # The command that runs them is a leaf too: nothing imports it.
    assert not [name for name, targets in imports.items() if BENCHMARK_COMMAND in targets]


def test_the_product_never_imports_the_drills():
    importers = sorted(
        name
        for name, path in MODULES.items()
        if any(imported.split(".")[0] == "drills" for imported in imported_names(path))
    )
    assert not importers, f"{', '.join(importers)} import the drills"
