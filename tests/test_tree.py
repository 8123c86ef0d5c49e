"""tree.py lays a map out as the topic page's tree, in pure Python: no database needed."""

from argmap.analysis import grid_rows
from argmap.loading import MapData
from argmap.tree import build_tree, graph_elements


def map_data(*, positions=(1,), claims=(), links=(), citations=(), stances=(), salience=(), alternatives=False):
    """A MapData from short tuples: links are (id, claim, "p"/"c", target, polarity)."""
    return MapData(
        positions=[{"id": p, "uid": "", "title": f"Position {p}", "summary": "", "order": p} for p in positions],
        # Base scores set by an editor (with a reason), so that the figures do not depend on evidence.
        claims=[{"id": c, "uid": "", "text": f"Claim {c}", "base_score": 0.5, "kind": "interpretation",
                 "fact_check": "unchecked", "settled_by_id": None, "score_reason": "set by the test"}
                for c in claims],
        links=[
            {
                "id": link_id,
                "uid": "",
                "claim_id": claim,
                "target_position_id": target if kind == "p" else None,
                "target_claim_id": target if kind == "c" else None,
                "polarity": polarity,
                "basis": "stated",
            }
            for link_id, claim, kind, target, polarity in links
        ],
        stakeholders=[{"id": 1, "slug": "body", "name": "A body", "kind": "company", "summary": "", "url": "",
                       "parent_id": None}],
        stances=[
            {"id": i, "uid": "", "stakeholder_id": 1, "position_id": p, "claim_id": c, "stance": "supports",
             "basis": "inferred", "quote": "", "source_id": None, "held_on": None, "note": ""}
            for i, (p, c) in enumerate(stances, start=1)
        ],
        sources=[{"id": s, "uid": "", "title": f"Source {s}", "url": "", "publisher": "", "author": "",
                  "published_on": None, "kind": "news_report"} for s in {s for _claim, s in citations}],
        citations=[{"id": i, "uid": "", "claim_id": c, "source_id": s, "quote": "", "locator": ""}
                   for i, (c, s) in enumerate(citations, start=1)],
        relationships=[],
        salience=[{"id": i, "uid": "", "stakeholder_id": 1, "power": p, "interest": n, "rationale": ""}
                  for i, (p, n) in enumerate(salience, start=1)],
        topic=[{"id": 1, "alternatives": alternatives}],
    )  # fmt: skip


def ids(nodes):
    return [(node.claim_id, node.polarity, node.is_reference) for node in nodes]


def test_supporters_come_before_opponents_under_each_position():
    tree = build_tree(
        map_data(
            claims=(10, 11, 12),
            links=[(1, 10, "p", 1, "opposes"), (2, 11, "p", 1, "supports"), (3, 12, "p", 1, "supports")],
        )
    )
    assert ids(tree.positions[0].arguments) == [
        (11, "supports", False),
        (12, "supports", False),
        (10, "opposes", False),
    ]
    assert tree.positions[0].counts == "2 for · 1 against"


def test_a_claim_used_twice_is_placed_once_at_its_shallowest_use():
    data = map_data(
        positions=(1, 2),
        claims=(10, 11, 12),
        links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "supports"), (3, 11, "p", 2, "opposes"),
               (4, 12, "c", 11, "supports")],
    )  # fmt: skip
    tree = build_tree(data)
    # Claim 11 is one step from position 2 but two from position 1: placed under position 2.
    assert ids(tree.positions[1].arguments) == [(11, "opposes", False)]
    assert ids(tree.node(10).arguments) == [(11, "supports", True)]
    assert [(also.polarity, also.kind, also.target_id) for also in tree.node(11).also] == [("supports", "claim", "10")]
    assert tree.path_to(12) == [11, 12]
    assert tree.node(10).descendants == 0
    assert tree.positions[1].descendants == 2


def test_mutual_opposition_unreachable_from_a_position_still_shows_every_claim_once():
    data = map_data(
        claims=(10, 20, 21, 30),
        links=[(1, 10, "p", 1, "supports"), (2, 20, "c", 21, "opposes"), (3, 21, "c", 20, "opposes")],
    )
    tree = build_tree(data)
    assert [node.claim_id for node in tree.unattached] == [20, 30]  # 21 sits under 20; 30 has no link
    assert ids(tree.node(20).arguments) == [(21, "opposes", False)]
    assert ids(tree.node(21).arguments) == [(20, "opposes", True)]
    placed = [node.claim_id for node in tree.shown_claims(tree.roots(), set(tree.parents))]
    assert sorted(placed) == [10, 20, 21, 30]


def test_expansion_stops_at_the_budget_without_cutting_a_branch():
    # Position 1 <- 10 <- (11, 12, 13); 11 <- 14.
    data = map_data(
        claims=(10, 11, 12, 13, 14),
        links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "supports"), (3, 12, "c", 10, "supports"),
               (4, 13, "c", 10, "opposes"), (5, 14, "c", 11, "supports")],
    )  # fmt: skip
    tree = build_tree(data)
    roots = tree.roots()
    assert tree.expanded(roots, budget=3) == set()  # 10 and its three arguments would be 4
    assert tree.expanded(roots, budget=4) == {10}
    assert tree.expanded(roots, budget=5) == {10, 11}
    assert [node.claim_id for node in tree.shown_claims(roots, {10})] == [10, 11, 12, 13]


def test_sources_are_numbered_in_order_of_first_citation_along_the_tree():
    data = map_data(
        claims=(10, 11, 12),
        links=[(1, 12, "p", 1, "supports"), (2, 10, "c", 12, "supports"), (3, 11, "c", 12, "opposes")],
        citations=[(10, 7), (11, 5), (12, 5)],
    )
    tree = build_tree(data)
    assert [source["id"] for source in tree.sources] == [5, 7]
    assert [(number, source) for number, _label, source in tree.node(10).citations] == [(2, "7")]


def test_stances_and_the_grid_name_their_stakeholders():
    tree = build_tree(map_data(claims=(10,), links=[(1, 10, "p", 1, "supports")], stances=[(1, None), (None, 10)]))
    assert tree.positions[0].stances[0]["stakeholder_name"] == "A body"
    assert tree.node(10).stances[0]["stakeholder_slug"] == "body"
    grid = grid_rows(map_data(salience=[(5, 1)]))
    assert grid[0][0] == 5
    assert [row["name"] for row in grid[0][1][0].stakeholders] == ["A body"]
    assert (grid[0][1][0].quadrant, grid[0][1][0].names_quadrant) == ("keep satisfied", True)


def test_graph_holds_the_positions_the_shown_claims_and_the_links_between_them():
    data = map_data(claims=(10, 11), links=[(1, 10, "p", 1, "supports"), (2, 11, "c", 10, "opposes")])
    tree = build_tree(data)
    graph = graph_elements(tree, data, [tree.node(10)])
    assert [node["id"] for node in graph["nodes"]] == ["p1", "c10"]
    assert graph["edges"] == [{"id": "l1", "source": "c10", "target": "p1", "polarity": "supports", "basis": "stated"}]


def test_an_unknown_claim_has_no_node_and_no_path():
    tree = build_tree(map_data(claims=(10,)))
    assert tree.node(99) is None
    assert tree.path_to(99) == []
