"""graph.py is pure Python: these tests need no database."""

import ast
from pathlib import Path

from argmap.graph import support_path_exists


def test_path_is_found_through_a_chain():
    edges = [(1, 2), (2, 3), (3, 4)]
    assert support_path_exists(edges, start=1, goal=4)
    assert not support_path_exists(edges, start=4, goal=1)


def test_start_is_its_own_goal():
    assert support_path_exists([], start=5, goal=5)


def test_branches_and_cycles_terminate():
    edges = [(1, 2), (2, 1), (2, 3), (3, 2), (1, 9)]
    assert support_path_exists(edges, start=3, goal=9)
    assert not support_path_exists(edges, start=3, goal=42)


def test_graph_module_imports_no_django():
    tree = ast.parse(Path("argmap/graph.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.split(".")[0] == "django" for name in imported)
