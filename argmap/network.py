"""The stakeholders as pictures: the network of their relationships (drawn by Cytoscape.js
in static/argmap/network.js) and the power/interest chart (an SVG the template draws from
`chart_points`). Plain values in, plain values out; the pages put a table beside each
picture, which says the same in text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]

# The chart's geometry, in SVG units (the viewBox): five columns of interest, five rows of power.
CELL_WIDTH, CELL_HEIGHT = 150, 96
LEFT, TOP = 56, 16
LABEL_STEP = 17
LABEL_CHARACTERS = 22


def network_elements(
    stakeholders: Iterable[Row], relationships: Iterable[Row], kinds: Mapping[str, str], centre: Any = None
) -> dict:
    """Cytoscape.js data for stakeholders (`id`, `slug`, `name`, `kind`, `parent_id`) and
    the relationships among them (`from_stakeholder_id`, `to_stakeholder_id`, `kind`,
    `amount`, `started_on`, `ended_on`, optional `basis`); `kinds` gives each relationship
    kind's words; `centre` is the id of the stakeholder a page is about, if any. Being part
    of another stakeholder is drawn as a relationship too."""
    nodes, edges = [], []
    rows = list({row["id"]: row for row in stakeholders}.values())  # each once
    present = {row["id"] for row in rows}
    for row in rows:
        node = {"id": f"s{row['id']}", "label": row["name"], "slug": row["slug"], "kind": row["kind"]}
        if row["id"] == centre:
            node["centre"] = True
        nodes.append(node)
    part_of = set()
    for row in relationships:
        if row["from_stakeholder_id"] not in present or row["to_stakeholder_id"] not in present:
            continue
        words = kinds.get(row["kind"], row["kind"])
        label = f"{words} ({row['amount']})" if row.get("amount") else words
        source, target = f"s{row['from_stakeholder_id']}", f"s{row['to_stakeholder_id']}"
        basis = row.get("basis") or "stated"
        same = next((e for e in edges if (e["source"], e["target"]) == (source, target)), None)
        if same is not None:  # two ties from one to the other: one line, both named
            same["label"] += f"; {label}"
            same["relationships"].append(row["id"])
            same["basis"] = "stated" if "stated" in (same["basis"], basis) else "inferred"
            continue
        edges.append(
            {
                "id": f"r{row['id']}",
                "source": source,
                "target": target,
                "kind": row["kind"],
                "label": label,
                "basis": basis,
                "relationships": [row["id"]],
            }
        )
        if row["kind"] == "part_of":
            part_of.add((row["from_stakeholder_id"], row["to_stakeholder_id"]))
    for row in rows:
        parent = row.get("parent_id")
        if parent in present and (row["id"], parent) not in part_of:
            edges.append(
                {
                    "id": f"p{row['id']}",
                    "source": f"s{row['id']}",
                    "target": f"s{parent}",
                    "kind": "part_of",
                    "label": kinds.get("part_of", "is part of"),
                    "basis": "stated",
                    "relationships": [],
                }
            )
    # Only those tied to another (and the page's own stakeholder): the rest are listed
    # elsewhere on the page, and would float unconnected.
    tied = {edge[end] for edge in edges for end in ("source", "target")}
    return {"nodes": [node for node in nodes if node["id"] in tied or node.get("centre")], "edges": edges}


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """A stakeholder placed on the power/interest chart: the centre of its mark and its label."""

    name: str
    slug: str
    label: str  # the name, shortened to fit its cell (the full name is in the SVG <title>)
    power: int
    interest: int
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of the chart, with its label in its top-left corner."""

    name: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Tick:
    label: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Chart:
    """The power/interest chart: its size, its four quadrants, the axes' ticks and the stakeholders."""

    points: list[ChartPoint]
    width: int
    height: int
    quadrants: list[Box]
    ticks: list[Tick]


def _quadrants() -> list[Box]:
    """Mendelow's four quadrants: 4 and 5 count as high (stakeholders.HIGH_SALIENCE)."""
    low_width, high_width = 3 * CELL_WIDTH, 2 * CELL_WIDTH
    high_height, low_height = 2 * CELL_HEIGHT, 3 * CELL_HEIGHT
    middle_x, middle_y = LEFT + low_width, TOP + high_height
    return [
        Box("keep satisfied", LEFT, TOP, low_width, high_height),
        Box("manage closely", middle_x, TOP, high_width, high_height),
        Box("monitor", LEFT, middle_y, low_width, low_height),
        Box("keep informed", middle_x, middle_y, high_width, low_height),
    ]


def _ticks() -> list[Tick]:
    across = [Tick(str(n), LEFT + (n - 0.5) * CELL_WIDTH, TOP + 5 * CELL_HEIGHT + 18) for n in range(1, 6)]
    up = [Tick(str(n), LEFT - 14, TOP + (5.5 - n) * CELL_HEIGHT + 5) for n in range(1, 6)]
    return across + up


def chart_points(salience: Iterable[Row], names: Mapping[int, Row]) -> Chart:
    """Each stakeholder with a salience estimate placed in its cell of the chart (interest
    across, power up), several in one cell one under another, sorted by name; `names` maps
    a stakeholder id to its row (`name`, `slug`)."""
    cells: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for estimate in salience:
        cells[(estimate["power"], estimate["interest"])].append(estimate)
    points = []
    rows_per_cell = (CELL_HEIGHT - 8) // LABEL_STEP
    for (power, interest), estimates in cells.items():
        ordered = sorted(estimates, key=lambda e: names[e["stakeholder_id"]]["name"].casefold())
        count = min(len(ordered), rows_per_cell)
        first = TOP + (5 - power) * CELL_HEIGHT + (CELL_HEIGHT - (count - 1) * LABEL_STEP) / 2
        for index, estimate in enumerate(ordered):
            stakeholder = names[estimate["stakeholder_id"]]
            name = stakeholder["name"]
            row = index % rows_per_cell  # past the cell's room, overprinted rather than outside it
            points.append(
                ChartPoint(
                    name=name,
                    slug=stakeholder["slug"],
                    label=name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1].rstrip() + "…",
                    power=power,
                    interest=interest,
                    x=LEFT + (interest - 1) * CELL_WIDTH + 10,
                    y=first + row * LABEL_STEP,
                )
            )
    points.sort(key=lambda p: (-p.power, -p.interest, p.name.casefold()))
    return Chart(points, LEFT + 5 * CELL_WIDTH + 8, TOP + 5 * CELL_HEIGHT + 44, _quadrants(), _ticks())


def ego_network(stakeholder: Row, relationships: Iterable[Row], parent: Row | None, children: Iterable[Row],
                kinds: Mapping[str, str]) -> dict:  # fmt: skip
    """One stakeholder's network for its own page: its relationships (rows seen from it:
    `outgoing`, and the other end's `slug` and `name`), its parent and its parts. Nodes are
    keyed by slug, the one key every row has."""
    me = stakeholder["slug"]
    rows = [{**stakeholder, "id": me, "parent_id": parent["slug"] if parent else None}]
    if parent:
        rows.append({**parent, "id": parent["slug"], "parent_id": None})
    rows += [{**child, "id": child["slug"], "parent_id": me} for child in children]
    ties = []
    for row in relationships:
        rows.append({"id": row["slug"], "slug": row["slug"], "name": row["name"], "kind": "", "parent_id": None})
        ends = (me, row["slug"]) if row["outgoing"] else (row["slug"], me)
        ties.append({**row, "from_stakeholder_id": ends[0], "to_stakeholder_id": ends[1]})
    return network_elements(rows, ties, kinds, centre=me)
