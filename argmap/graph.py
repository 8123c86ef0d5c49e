"""The argument graph in pure Python: no Django import, so it runs and is tested anywhere.

Nodes are claim and position ids; edges are links (claim → target, supports or opposes).
`loading.py` is the one bridge from the database to these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable


def support_path_exists(edges: Iterable[tuple[Hashable, Hashable]], *, start: Hashable, goal: Hashable) -> bool:
    """True if `goal` can be reached from `start` by following `edges` (source → target).

    Used to reject a support link that would close a circle: a new link A supports B
    is a cycle exactly when B already supports A through a chain of support links.
    """
    if start == goal:
        return True
    successors: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in successors.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def support_cycles(edges: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """One circle of support per group of nodes that support each other round in a circle
    (each strongly connected component with a cycle), as its nodes in order: [a, b, c]
    means a → b → c → a, starting from the node whose edges came first. Empty when support
    is acyclic. Linear in the size of the graph, so that an import can check a whole map at
    once (support_path_exists checks one link).
    """
    successors: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    # Tarjan's strongly connected components, iteratively (support chains can be deep).
    index: dict[Hashable, int] = {}
    low: dict[Hashable, int] = {}
    on_stack: set[Hashable] = set()
    stack: list[Hashable] = []
    components: list[list[Hashable]] = []
    for root in list(successors):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = successors.get(node, [])
            if child < len(children):
                work.append((node, child + 1))
                nxt = children[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in successors.get(node, ()):
                    components.append(component)
    first_seen = {node: position for position, node in enumerate(successors)}
    return [
        _circle_within(set(component), min(component, key=first_seen.__getitem__), successors)
        for component in components
    ]


def _circle_within(
    members: set[Hashable], start: Hashable, successors: dict[Hashable, list[Hashable]]
) -> list[Hashable]:
    """A circle from `start` back to it within a strongly connected component, by breadth-first search."""
    came_from: dict[Hashable, Hashable] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in successors.get(node, ()):
                if nxt not in members or nxt in came_from:
                    continue
                came_from[nxt] = node
                if nxt == start:
                    circle = [start]
                    step = node
                    while step != start:
                        circle.append(step)
                        step = came_from[step]
                    return [circle[0], *reversed(circle[1:])]
                following.append(nxt)
        frontier = following
    return [start]  # unreachable for a true component
