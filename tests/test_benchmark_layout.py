"""The benchmarks stay outside the product: argmap imports nothing of them, and the raw
baseline imports nothing of argmap (its SQL and encoder are its own, so that a
regression in argmap cannot hide in the ratio)."""

import ast
from pathlib import Path

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
