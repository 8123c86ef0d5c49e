"""The topic page's argument tree, built in pure Python from a whole map (loading.MapData).

A map is a graph: a claim may argue about several things, and opposition may be mutual.
The page shows it as a tree under each position, placing every claim ONCE, at its
shallowest use (breadth-first from the positions, in position order, supporters before
opponents); its other uses show as references ("also supports …"). Claims that argue
about nothing placed (a claim with no link, a ring of mutual opposition) become roots of
their own, so that every claim appears exactly once.

Rendering a 10,000-claim tree at once would be slow and useless to a reader, so
`expanded()` picks the nodes whose arguments are shown, breadth-first within a budget;
the page loads the other branches on demand.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from argmap.standing import Standing

if TYPE_CHECKING:
    from argmap.loading import MapData

Row = dict[str, Any]

SUPPORTS = "supports"
OPPOSES = "opposes"


def shorten(text: str, length: int) -> str:
    """`text`, cut to `length` characters with an ellipsis if longer."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass(slots=True)
class Also:
    """One of a claim's other links: what else it supports or opposes."""

    polarity: str
    kind: str  # "position" or "claim"
    target_id: str
    text: str  # shortened


@dataclass
class Layout:
    """Where a slice of a published map sits in its whole tree, as laid out at publish
    (published_map.py), for a Tree of that slice only."""

    children: dict[int, list[tuple[int, int, str]]]  # key -> (link id, claim id, polarity) read, in page order
    counts: dict[int, tuple[int, int]]  # key -> (supporters, opponents) in the whole map
    more: dict[int, int]  # key -> arguments not read ("show more")
    parents: dict[int, int | None]
    placed_by: dict[int, int | None]
    depths: dict[int, int]
    descendants: dict[int, int]
    unattached_ids: list[int]
    source_numbers: dict[int, int]
    sources: list[Row]  # the first sources by number
    named: dict[int, Row]  # claims named (by a why, another link) but not shown: their text


class Node:
    """A claim under the thing it argues about, or a reference to a claim placed elsewhere.

    Made on demand from the tree's indexes: a page shows a few hundred of a map's claims.
    """

    __slots__ = ("claim_id", "ref", "text", "polarity", "is_reference", "depth", "_tree")

    def __init__(self, tree: Tree, claim_id: int, polarity: str, *, is_reference: bool = False, depth: int = 1):
        self._tree = tree
        self.claim_id = claim_id
        # Pages print ids as strings: Django localizes every number a template prints,
        # which costs more than anything else on a page of a few hundred claims.
        self.ref = str(claim_id)
        self.text: str = tree.claim_rows[claim_id]["text"]
        self.polarity = polarity
        self.is_reference = is_reference
        self.depth = depth

    @property
    def short_text(self) -> str:
        return shorten(self.text, 160)

    @property
    def counts(self) -> str:
        return f"{self.supporters} for · {self.opponents} against"

    def __repr__(self) -> str:
        return f"<Node {self.claim_id}{' (reference)' if self.is_reference else ''}>"

    @property
    def arguments(self) -> list[Node]:
        """The claims for and against this one (placed ones and references), supporters first."""
        return [] if self.is_reference else self._tree.arguments_of(self.claim_id)

    @property
    def placed_arguments(self) -> list[Node]:
        return [node for node in self.arguments if not node.is_reference]

    @property
    def supporters(self) -> int:
        return self._tree.count(self.claim_id, SUPPORTS)

    @property
    def opponents(self) -> int:
        return self._tree.count(self.claim_id, OPPOSES)

    @property
    def descendants(self) -> int:
        """How many claims are placed below this one."""
        return self._tree.descendants.get(self.claim_id, 0)

    @property
    def also(self) -> list[Also]:
        return self._tree.also_of(self.claim_id)

    @property
    def citations(self) -> list[tuple[int, str, str]]:
        """(source number, the number as text, the source's id as text) per citation."""
        numbers = self._tree.source_numbers
        return [
            (numbers[row["source_id"]], str(numbers[row["source_id"]]), str(row["source_id"]))
            for row in self._tree.citations.get(self.claim_id, ())
        ]

    @property
    def stances(self) -> list[Row]:
        return self._tree.stances.get(self.claim_id, [])

    @property
    def standing(self) -> Standing | None:
        """Its strength, label and why (analysis.py), if the page evaluated it."""
        return self._tree.standing.get(self.claim_id)


class PositionNode:
    """A position with the stakeholders who hold it and the claims for and against it."""

    __slots__ = ("position_id", "title", "summary", "_tree")

    def __init__(self, tree: Tree, row: Row):
        self._tree = tree
        self.position_id: int = row["id"]
        self.title: str = row["title"]
        self.summary: str = row["summary"]

    @property
    def arguments(self) -> list[Node]:
        return self._tree.arguments_of(-self.position_id)

    @property
    def stances(self) -> list[Row]:
        return self._tree.stances.get(-self.position_id, [])

    @property
    def supporters(self) -> int:
        return self._tree.count(-self.position_id, SUPPORTS)

    @property
    def opponents(self) -> int:
        return self._tree.count(-self.position_id, OPPOSES)

    @property
    def descendants(self) -> int:
        return self._tree.descendants.get(-self.position_id, 0)

    @property
    def counts(self) -> str:
        return f"{self.supporters} for · {self.opponents} against"

    @property
    def standing(self) -> Standing | None:
        return self._tree.standing.get(-self.position_id)

    @property
    def more(self) -> int:
        """How many of its arguments the page leaves to "show more"."""
        return self._tree.more.get(-self.position_id, 0)


class Tree:
    """Where every claim of a map is placed, and the nodes of the page made from it.

    Keys are integers: a claim's id, or a position's id negated. Laying out 10,000 claims
    keeps to plain dicts of numbers (cheap to build and for the garbage collector);
    Node objects are made only for the claims a page shows.
    """

    def __init__(self, data: MapData, layout: Layout | None = None):
        """The whole map laid out here, or (with `layout`) a slice of a publication's map laid
        out when it was published (published_map.py): `data` then holds the rows shown."""
        self.claim_rows: dict[int, Row] = {claim["id"]: claim for claim in data.claims}
        if layout is not None:
            self.claim_rows.update(
                {claim_id: row for claim_id, row in layout.named.items() if claim_id not in self.claim_rows}
            )
        self.position_titles: dict[int, str] = {row["id"]: row["title"] for row in data.positions}
        self.stakeholders: dict[int, Row] = {row["id"]: row for row in data.stakeholders}

        # key -> (link id, claim id, polarity) of the links to it, supporters first.
        inbound: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        self.outbound: dict[int, list[Row]] = defaultdict(list)
        for link in data.links:
            position_id = link["target_position_id"]
            key = -position_id if position_id is not None else link["target_claim_id"]
            inbound[key].append((link["id"], link["claim_id"], link["polarity"]))
            self.outbound[link["claim_id"]].append(link)
        for links in inbound.values():
            links.sort(key=lambda link: (link[2] != SUPPORTS, link[0]))
        self.inbound = inbound
        # key -> (supporters, opponents), for the nodes whose arguments a slice has not read
        self.counts: dict[int, tuple[int, int]] = {}
        self.more: dict[int, int] = {}  # key -> how many of its arguments a slice leaves to "show more"

        self.stances: dict[int, list[Row]] = defaultdict(list)
        for stance in data.stances:
            holder = self.stakeholders.get(stance["stakeholder_id"], {})
            position_id = stance["position_id"]
            self.stances[-position_id if position_id is not None else stance["claim_id"]].append(
                {**stance, "stakeholder_name": holder.get("name", ""), "stakeholder_slug": holder.get("slug", "")}
            )

        self.positions = [
            PositionNode(self, row) for row in sorted(data.positions, key=lambda row: (row["order"], row["id"]))
        ]
        self._arguments: dict[int, list[Node]] = {}
        # Strength, label and why of the nodes a page shows, by the same keys: set by the
        # view from analysis.py (the tree itself knows nothing of the evaluation).
        self.standing: dict[int, Standing] = {}
        if layout is not None:
            self._use(layout, data)
            return
        # claim id -> where it is placed (None for the roots of unattached claims), the
        # link that places it, and its depth (claims under a position are at depth 1).
        self.parents: dict[int, int | None] = {}
        self.placed_by: dict[int, int | None] = {}
        self.depths: dict[int, int] = {}
        order: list[int] = []  # claims in placement (breadth-first) order
        self._place(deque(-position.position_id for position in self.positions), order)
        self.unattached_ids: list[int] = []
        for claim in data.claims:  # by id: claims no position reaches
            claim_id = claim["id"]
            if claim_id not in self.parents:
                self.parents[claim_id] = self.placed_by[claim_id] = None
                self.depths[claim_id] = 1
                order.append(claim_id)
                self.unattached_ids.append(claim_id)
                self._place(deque([claim_id]), order)

        self.descendants: dict[int, int] = defaultdict(int)
        for claim_id in reversed(order):
            parent = self.parents[claim_id]
            if parent is not None:
                self.descendants[parent] += 1 + self.descendants[claim_id]

        # Sources numbered in order of first citation along the tree.
        self.citations: dict[int, list[Row]] = defaultdict(list)
        for citation in data.citations:
            self.citations[citation["claim_id"]].append(citation)
        sources_by_id = {source["id"]: source for source in data.sources}
        self.source_numbers: dict[int, int] = {}
        self.sources: list[Row] = []  # number = index + 1
        for claim_id in order:
            for citation in self.citations.get(claim_id, ()):
                if citation["source_id"] not in self.source_numbers:
                    self.sources.append(sources_by_id[citation["source_id"]])
                    self.source_numbers[citation["source_id"]] = len(self.sources)

    def _use(self, layout: Layout, data: MapData) -> None:
        self.inbound = layout.children
        self.counts = layout.counts
        self.more = layout.more
        self.parents, self.placed_by, self.depths = layout.parents, layout.placed_by, layout.depths
        self.unattached_ids = layout.unattached_ids
        self.descendants = layout.descendants
        self.citations = defaultdict(list)
        for citation in data.citations:
            self.citations[citation["claim_id"]].append(citation)
        self.source_numbers = layout.source_numbers
        self.sources = layout.sources

    def _place(self, queue: deque, order: list[int]) -> None:
        parents, placed_by, depths, inbound = self.parents, self.placed_by, self.depths, self.inbound
        while queue:
            key = queue.popleft()
            depth = depths.get(key, 0) + 1
            for link_id, claim_id, _polarity in inbound.get(key, ()):
                if claim_id not in parents:
                    parents[claim_id] = key
                    placed_by[claim_id] = link_id
                    depths[claim_id] = depth
                    order.append(claim_id)
                    queue.append(claim_id)

    def arguments_of(self, key: int) -> list[Node]:
        if key not in self._arguments:
            depth = self.depths.get(key, 0) + 1
            self._arguments[key] = [
                Node(self, claim_id, polarity, is_reference=self.placed_by.get(claim_id) != link_id, depth=depth)
                for link_id, claim_id, polarity in self.inbound.get(key, ())
            ]
        return self._arguments[key]

    def count(self, key: int, polarity: str) -> int:
        if key in self.counts:
            return self.counts[key][polarity != SUPPORTS]
        return sum(1 for link in self.inbound.get(key, ()) if link[2] == polarity)

    def also_of(self, claim_id: int) -> list[Also]:
        """The claim's links other than the one that places it."""
        also = []
        for link in self.outbound.get(claim_id, ()):
            if link["id"] == self.placed_by.get(claim_id):
                continue
            if link["target_position_id"] is not None:
                target = link["target_position_id"]
                also.append(Also(link["polarity"], "position", str(target), shorten(self.position_titles[target], 80)))
            else:
                target = link["target_claim_id"]
                also.append(Also(link["polarity"], "claim", str(target), shorten(self.claim_rows[target]["text"], 80)))
        return also

    def node(self, claim_id: int) -> Node | None:
        """The claim where it is placed, or None if the map has no such claim."""
        if claim_id not in self.parents:
            return None
        parent = self.parents[claim_id]
        if parent is None:
            return Node(self, claim_id, "", depth=1)
        return next(node for node in self.arguments_of(parent) if node.claim_id == claim_id and not node.is_reference)

    @property
    def unattached(self) -> list[Node]:
        """Claims that argue about nothing placed, each the root of its own arguments."""
        return [Node(self, claim_id, "", depth=1) for claim_id in self.unattached_ids]

    def roots(self) -> list[Node]:
        """The top of the tree: the claims under each position, then the unattached ones."""
        return [node for position in self.positions for node in position.arguments] + self.unattached

    def path_to(self, claim_id: int) -> list[int]:
        """The claims from the top of the tree down to `claim_id` (included)."""
        path: list[int] = []
        key: int | None = claim_id
        while key is not None and key > 0 and key in self.parents:
            path.append(key)
            key = self.parents[key]
        return path[::-1]

    def expanded(self, roots: list[Node], budget: int) -> set[int]:
        """The claims (among `roots` and below) whose arguments are shown: breadth-first,
        while the claims shown stay within `budget`. A claim shows all its arguments or
        none, so no branch is cut halfway."""
        shown = len(roots)
        result: set[int] = set()
        queue = deque(node for node in roots if not node.is_reference)
        while queue:
            node = queue.popleft()
            arguments = node.arguments
            if not arguments:
                continue
            if shown + len(arguments) > budget:
                break
            shown += len(arguments)
            result.add(node.claim_id)
            queue.extend(node.placed_arguments)
        return result

    def shown_claims(self, roots: list[Node], expanded: set[int]) -> list[Node]:
        """The placed claims that a rendering with `expanded` shows, in tree order."""
        found: list[Node] = []
        stack = [node for node in reversed(roots) if not node.is_reference]
        while stack:
            node = stack.pop()
            found.append(node)
            if node.claim_id in expanded:
                stack.extend(reversed(node.placed_arguments))
        return found


def build_tree(data: MapData) -> Tree:
    """Place every claim of the map once; see the module's docstring."""
    return Tree(data)


def graph_elements(tree: Tree, data: MapData, claims: list[Node]) -> dict[str, list[dict[str, Any]]]:
    """The graph view's nodes and edges: the positions, the given claims, and every link
    between them (Cytoscape.js element data); each claim with the stakeholders who hold it
    (supports it, with or without conditions), and those stakeholders, for the graph's filter."""
    shown = {node.claim_id for node in claims}
    holders: dict[int, list[int]] = defaultdict(list)
    for stance in data.stances:
        if stance["claim_id"] in shown and stance["stance"] in ("supports", "conditional"):
            holders[stance["claim_id"]].append(stance["stakeholder_id"])
    nodes: list[dict[str, Any]] = [
        {"id": f"p{position.position_id}", "label": position.title, "kind": "position"} for position in tree.positions
    ]
    nodes += [
        {
            "id": f"c{node.claim_id}",
            "label": node.text,
            "kind": "claim",
            "claim": node.claim_id,
            "holders": [f"s{s}" for s in holders.get(node.claim_id, ())],
        }
        for node in claims
    ]
    edges = []
    for link in data.links:
        if link["claim_id"] not in shown:
            continue
        if link["target_position_id"] is not None:
            target = f"p{link['target_position_id']}"
        elif link["target_claim_id"] in shown:
            target = f"c{link['target_claim_id']}"
        else:
            continue
        edge = {
            "id": f"l{link['id']}",
            "source": f"c{link['claim_id']}",
            "target": target,
            "polarity": link["polarity"],
        }
        if link.get("basis"):
            edge["basis"] = link["basis"]
        edges.append(edge)
    holding = {s for ids in holders.values() for s in ids}
    stakeholders = [
        {"id": f"s{row['id']}", "name": row["name"]}
        for row in sorted(data.stakeholders, key=lambda row: row["name"].casefold())
        if row["id"] in holding
    ]
    return {"nodes": nodes, "edges": edges, "stakeholders": stakeholders}
