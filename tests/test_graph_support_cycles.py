"""graph.support_cycles finds every circle of support in one pass (no database)."""

import random

from argmap.graph import support_cycles, support_path_exists


def test_acyclic_support_has_no_circle():
    assert support_cycles([(1, 2), (2, 3), (1, 3)]) == []


def test_each_group_of_claims_supporting_each_other_gives_one_circle():
    circles = support_cycles([(1, 2), (2, 3), (3, 1), (4, 5), (5, 4), (6, 7)])
    assert circles == [[1, 2, 3], [4, 5]]


def test_a_claim_supporting_itself_is_a_circle():
    assert support_cycles([(1, 1), (1, 2)]) == [[1]]


def test_a_circle_starts_from_the_node_whose_links_came_first():
    assert support_cycles([("b", "a"), ("a", "b")]) == [["b", "a"]]


def test_every_reported_circle_is_a_real_one_and_agrees_with_support_path_exists():
    rng = random.Random(7)
    edges = [(rng.randrange(60), rng.randrange(60)) for _ in range(90)]
    for circle in support_cycles(edges):
        steps = list(zip(circle, [*circle[1:], circle[0]], strict=True))
        assert all(step in edges for step in steps)
    acyclic = [(source, target) for source, target in edges if source < target]
    assert support_cycles(acyclic) == []
    closing = next(
        (target, source) for source, target in acyclic if support_path_exists(acyclic, start=source, goal=target)
    )
    assert support_cycles([*acyclic, closing]) != []


def test_a_long_chain_does_not_exhaust_the_stack():
    chain = [(node, node + 1) for node in range(50_000)]
    assert support_cycles([*chain, (50_000, 0)])[0][:3] == [0, 1, 2]
