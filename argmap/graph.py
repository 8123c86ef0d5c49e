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
