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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argmap.loading import MapData

Row = dict[str, Any]
Key = tuple[str, int]  # ("position", id) or ("claim", id)

SUPPORTS = "supports"
OPPOSES = "opposes"


def claim_key(claim_id: int) -> Key:
    return ("claim", claim_id)


def position_key(position_id: int) -> Key:
    return ("position", position_id)


@dataclass(slots=True)
class Also:
    """One of a claim's other links: what else it supports or opposes."""

    polarity: str
    kind: str  # "position" or "claim"
    target_id: int
    text: str


@dataclass(slots=True)
class Node:
    """A claim, or a reference to a claim placed elsewhere, under the thing it argues about."""

    claim_id: int
    text: str
    polarity: str  # of the link that puts it here
    is_reference: bool = False
    depth: int = 1
    arguments: list[Node] = field(default_factory=list)  # claims for and against this one
    also: list[Also] = field(default_factory=list)
    citations: list[tuple[int, Row]] = field(default_factory=list)  # (source number, citation)
    stances: list[Row] = field(default_factory=list)
    supporters: int = 0
    opponents: int = 0
    descendants: int = 0  # claims placed below this one

    @property
    def supports(self) -> bool:
        return self.polarity == SUPPORTS

    @property
    def placed_arguments(self) -> list[Node]:
        return [node for node in self.arguments if not node.is_reference]


@dataclass(slots=True)
class PositionNode:
    """A position with the stakeholders who hold it and the claims for and against it."""

    position_id: int
    title: str
    summary: str
    arguments: list[Node] = field(default_factory=list)
    stances: list[Row] = field(default_factory=list)
    supporters: int = 0
    opponents: int = 0
    descendants: int = 0


@dataclass(slots=True)
class Tree:
    positions: list[PositionNode]
    unattached: list[Node]  # claims that argue about nothing placed, with their own arguments
    claims: dict[int, Node]  # claim id -> its placed node
    parents: dict[int, Key | None]  # claim id -> where it is placed (None for unattached roots)
    sources: list[Row]  # cited sources, numbered in order of first citation (number = index + 1)
    stakeholders: dict[int, Row]

    def path_to(self, claim_id: int) -> list[int]:
        """The claims from the top of the tree down to `claim_id` (included)."""
        path: list[int] = []
        key: Key | None = claim_key(claim_id)
        while key is not None and key[0] == "claim" and key[1] in self.parents:
            path.append(key[1])
            key = self.parents[key[1]]
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
            if not node.arguments:
                continue
            if shown + len(node.arguments) > budget:
                break
            shown += len(node.arguments)
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


def _argument_order(link: Row) -> tuple[bool, int]:
    return (link["polarity"] != SUPPORTS, link["id"])


def build_tree(data: MapData) -> Tree:
    """Place every claim of the map once; see the module's docstring."""
    claims_by_id = {claim["id"]: claim for claim in data.claims}
    positions_by_id = {position["id"]: position for position in data.positions}
    stakeholders = {stakeholder["id"]: stakeholder for stakeholder in data.stakeholders}

    inbound: dict[Key, list[Row]] = defaultdict(list)
    outbound: dict[int, list[Row]] = defaultdict(list)
    for link in data.links:
        target = (
            position_key(link["target_position_id"])
            if link["target_position_id"] is not None
            else claim_key(link["target_claim_id"])
        )
        inbound[target].append(link)
        outbound[link["claim_id"]].append(link)
    for links in inbound.values():
        links.sort(key=_argument_order)

    stances_on: dict[Key, list[Row]] = defaultdict(list)
    for stance in data.stances:
        holder = stakeholders.get(stance["stakeholder_id"], {})
        row = {**stance, "stakeholder_name": holder.get("name", ""), "stakeholder_slug": holder.get("slug", "")}
        if stance["position_id"] is not None:
            stances_on[position_key(stance["position_id"])].append(row)
        else:
            stances_on[claim_key(stance["claim_id"])].append(row)

    def also_of(claim_id: int, placed_by: int | None) -> list[Also]:
        """The claim's links other than the one that places it."""
        also = []
        for link in outbound[claim_id]:
            if link["id"] == placed_by:
                continue
            if link["target_position_id"] is not None:
                target = link["target_position_id"]
                also.append(Also(link["polarity"], "position", target, positions_by_id[target]["title"]))
            else:
                target = link["target_claim_id"]
                also.append(Also(link["polarity"], "claim", target, claims_by_id[target]["text"]))
        return also

    positions = [
        PositionNode(
            position_id=row["id"],
            title=row["title"],
            summary=row["summary"],
            stances=stances_on[position_key(row["id"])],
        )
        for row in sorted(data.positions, key=lambda row: (row["order"], row["id"]))
    ]
    nodes: dict[int, Node] = {}
    parents: dict[int, Key | None] = {}
    order: list[int] = []  # claims in placement (breadth-first) order
    holders: dict[Key, PositionNode | Node] = {position_key(p.position_id): p for p in positions}

    def place_arguments(key: Key, holder: PositionNode | Node, depth: int, queue: deque) -> None:
        for link in inbound.get(key, ()):
            claim_id = link["claim_id"]
            if claim_id in nodes:
                holder.arguments.append(
                    Node(claim_id, claims_by_id[claim_id]["text"], link["polarity"], is_reference=True, depth=depth)
                )
                continue
            node = Node(claim_id, claims_by_id[claim_id]["text"], link["polarity"], depth=depth)
            node.also = also_of(claim_id, placed_by=link["id"])
            nodes[claim_id] = node
            parents[claim_id] = key
            order.append(claim_id)
            holder.arguments.append(node)
            holders[claim_key(claim_id)] = node
            queue.append((claim_key(claim_id), node, depth + 1))

    def breadth_first(queue: deque) -> None:
        while queue:
            key, holder, depth = queue.popleft()
            place_arguments(key, holder, depth, queue)

    breadth_first(deque((position_key(p.position_id), p, 1) for p in positions))
    unattached: list[Node] = []
    for claim in data.claims:  # by id: claims no position reaches
        if claim["id"] in nodes:
            continue
        root = Node(claim["id"], claim["text"], polarity="", depth=1)
        root.also = also_of(claim["id"], placed_by=None)
        nodes[claim["id"]] = root
        parents[claim["id"]] = None
        order.append(claim["id"])
        unattached.append(root)
        holders[claim_key(claim["id"])] = root
        breadth_first(deque([(claim_key(claim["id"]), root, 2)]))

    # Counts of direct arguments, and of everything placed below (bottom-up).
    for key, links in inbound.items():
        holder = holders.get(key)
        if holder is not None:
            holder.supporters = sum(1 for link in links if link["polarity"] == SUPPORTS)
            holder.opponents = len(links) - holder.supporters
    for claim_id in reversed(order):
        node = nodes[claim_id]
        node.descendants = sum(1 + child.descendants for child in node.placed_arguments)
    for position in positions:
        position.descendants = sum(1 + child.descendants for child in position.arguments if not child.is_reference)

    # Sources numbered in order of first citation along the tree.
    citations_of: dict[int, list[Row]] = defaultdict(list)
    for citation in data.citations:
        citations_of[citation["claim_id"]].append(citation)
    sources_by_id = {source["id"]: source for source in data.sources}
    numbers: dict[int, int] = {}
    sources: list[Row] = []
    for claim_id in order:
        node = nodes[claim_id]
        node.stances = stances_on[claim_key(claim_id)]
        for citation in citations_of.get(claim_id, ()):
            source_id = citation["source_id"]
            if source_id not in numbers:
                sources.append(sources_by_id[source_id])
                numbers[source_id] = len(sources)
            node.citations.append((numbers[source_id], citation))

    return Tree(
        positions=positions,
        unattached=unattached,
        claims=nodes,
        parents=parents,
        sources=sources,
        stakeholders=stakeholders,
    )


def power_interest_grid(data: MapData) -> list[tuple[int, list[list[Row]]]]:
    """Mendelow's grid: rows of power from 5 down to 1, each with five cells of interest
    1 to 5 holding the stakeholders placed there (by name)."""
    stakeholders = {stakeholder["id"]: stakeholder for stakeholder in data.stakeholders}
    cells: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for estimate in data.salience:
        holder = stakeholders[estimate["stakeholder_id"]]
        cells[(estimate["power"], estimate["interest"])].append(
            {**estimate, "name": holder["name"], "slug": holder["slug"]}
        )
    return [
        (power, [sorted(cells[(power, interest)], key=lambda row: row["name"]) for interest in range(1, 6)])
        for power in range(5, 0, -1)
    ]


def graph_elements(tree: Tree, data: MapData, claims: list[Node]) -> dict[str, list[dict[str, Any]]]:
    """The graph view's nodes and edges: the positions, the given claims, and every link
    between them (Cytoscape.js element data)."""
    shown = {node.claim_id for node in claims}
    nodes: list[dict[str, Any]] = [
        {"id": f"p{position.position_id}", "label": position.title, "kind": "position"} for position in tree.positions
    ]
    nodes += [
        {"id": f"c{node.claim_id}", "label": node.text, "kind": "claim", "claim": node.claim_id} for node in claims
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
        edges.append(
            {"id": f"l{link['id']}", "source": f"c{link['claim_id']}", "target": target, "polarity": link["polarity"]}
        )
    return {"nodes": nodes, "edges": edges}
