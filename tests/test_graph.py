"""graph.py is pure Python: these tests need no database.

The DF-QuAD figures are worked by hand from the definitions of Rago, Toni, Aurisicchio &
Baroni (KR 2016): supporters' (and opponents') strengths combine as 1 − ∏(1 − s); a
base score v0 moves to v0 − v0·(va − vs) when opposition va is stronger and to
v0 + (1 − v0)·(vs − va) when support vs is. The acceptability figures follow Dung (1995).
"""

import ast
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap import graph as graph_module
from argmap.graph import (
    POSITION_BASE_SCORE,
    ArgumentGraph,
    support_path_exists,
)
from tests.properties import examples

SUP, OPP = "supports", "opposes"


def claim_link(source, target, polarity):
    return (source, None, target, polarity)


def position_link(source, position, polarity):
    return (source, position, None, polarity)


def strengths(evaluation):
    return {claim: a.strength for claim, a in evaluation.claims.items()}


def labels(evaluation):
    return {claim: a.label for claim, a in evaluation.claims.items()}


# -- support_path_exists -------------------------------------------------------------


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


# -- strength: DF-QuAD ---------------------------------------------------------------


def worked_example():
    """Claim 1 (base 0.6) is supported by 2 (0.8) and 3 (0.5) and opposed by 4 (0.4),
    which 5 (1.0) opposes; position 10 is supported by 1 and opposed by 6 (0.7)."""
    return ArgumentGraph(
        positions=[10],
        claims=[(1, 0.6), (2, 0.8), (3, 0.5), (4, 0.4), (5, 1.0), (6, 0.7)],
        links=[
            claim_link(2, 1, SUP),
            claim_link(3, 1, SUP),
            claim_link(4, 1, OPP),
            claim_link(5, 4, OPP),
            position_link(1, 10, SUP),
            position_link(6, 10, OPP),
        ],
    )


def test_dfquad_worked_example_by_hand():
    evaluation = worked_example().evaluate()
    # 4: opposed by a certain claim, 0.4 − 0.4·(1 − 0) = 0.
    assert evaluation.claims[4].strength == 0.0
    # 1: support 1 − 0.2·0.5 = 0.9, opposition 0 (its opponent has strength 0): 0.6 + 0.4·0.9 = 0.96.
    assert evaluation.claims[1].strength == pytest.approx(0.96)
    # 10: support 0.96 against opposition 0.7, from even odds: 0.5 + 0.5·0.26 = 0.63.
    assert evaluation.positions[10].strength == pytest.approx(0.63)
    # Leaves keep their base scores.
    assert [evaluation.claims[c].strength for c in (2, 3, 5, 6)] == [0.8, 0.5, 1.0, 0.7]


def test_equal_support_and_opposition_leave_the_base_score():
    graph = ArgumentGraph(
        positions=[],
        claims=[(1, 0.3), (2, 0.6), (3, 0.6)],
        links=[claim_link(2, 1, SUP), claim_link(3, 1, OPP)],
    )
    assert graph.evaluate().claims[1].strength == 0.3


def test_strength_changes_continuously_as_support_overtakes_opposition():
    """DF-QuAD's point ("discontinuity-free"): no jump where the two sides cross."""

    def strength(support):
        graph = ArgumentGraph(
            positions=[],
            claims=[(1, 0.5), (2, support), (3, 0.6)],
            links=[claim_link(2, 1, SUP), claim_link(3, 1, OPP)],
        )
        return graph.evaluate().claims[1].strength

    assert strength(0.6 - 1e-9) == pytest.approx(0.5, abs=1e-8)
    assert strength(0.6 + 1e-9) == pytest.approx(0.5, abs=1e-8)
    assert strength(0.2) == pytest.approx(0.3)  # 0.5 − 0.5·0.4
    assert strength(1.0) == pytest.approx(0.7)  # 0.5 + 0.5·0.4


def test_a_position_nobody_argues_about_has_even_odds():
    evaluation = ArgumentGraph(positions=[7], claims=[], links=[]).evaluate(explain=True)
    assert evaluation.positions[7].strength == POSITION_BASE_SCORE == 0.5
    assert evaluation.positions[7].label == "accepted"
    assert "Nothing argues about this position" in evaluation.positions[7].why.summary


def test_a_claim_used_twice_counts_in_both_places_with_one_strength():
    """Claim 1 (0.8) supports both claim 2 and position 10; 2 supports 10 too."""
    graph = ArgumentGraph(
        positions=[10],
        claims=[(1, 0.8), (2, 0.5)],
        links=[claim_link(1, 2, SUP), position_link(1, 10, SUP), position_link(2, 10, SUP)],
    )
    evaluation = graph.evaluate(explain=True)
    assert evaluation.claims[2].strength == pytest.approx(0.9)  # 0.5 + 0.5·0.8
    # 10: support 1 − (1 − 0.8)(1 − 0.9) = 0.98, so 0.5 + 0.5·0.98 = 0.99.
    assert evaluation.positions[10].strength == pytest.approx(0.99)
    assert {c.claim_id for c in evaluation.positions[10].why.contributions} == {1, 2}


def test_a_certain_opponent_takes_a_claim_to_zero_and_a_certain_supporter_to_one():
    graph = ArgumentGraph(
        positions=[],
        claims=[(1, 0.5), (2, 1.0), (3, 0.5), (4, 1.0)],
        links=[claim_link(2, 1, OPP), claim_link(4, 3, SUP)],
    )
    assert strengths(graph.evaluate()) == {1: 0.0, 2: 1.0, 3: 1.0, 4: 1.0}


# -- acceptability: the grounded labelling ---------------------------------------------


def test_dung_chain_accepts_the_first_and_the_third():
    """Dung (1995): a opposes b, b opposes c; the grounded extension is {a, c}."""
    links = [claim_link(1, 2, OPP), claim_link(2, 3, OPP)]
    graph = ArgumentGraph(positions=[], claims=[(1, 0.5), (2, 0.5), (3, 0.5)], links=links)
    assert labels(graph.evaluate()) == {1: "accepted", 2: "rejected", 3: "accepted"}


def test_mutual_opposition_leaves_both_undecided_and_what_they_oppose_too():
    """Dung's Nixon diamond: a and b oppose each other; b also opposes c."""
    graph = ArgumentGraph(
        positions=[10],
        claims=[(1, 0.5), (2, 0.5), (3, 0.5)],
        links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP), claim_link(2, 3, OPP), position_link(3, 10, OPP)],
    )
    evaluation = graph.evaluate(explain=True)
    assert labels(evaluation) == {1: "undecided", 2: "undecided", 3: "undecided"}
    assert evaluation.positions[10].label == "undecided"
    assert evaluation.cycles == [[1, 2]]
    assert evaluation.claims[3].why.because == [2]
    assert evaluation.claims[1].why.in_cycle
    assert not evaluation.claims[3].why.in_cycle


def test_an_odd_circle_of_opposition_is_undecided():
    graph = ArgumentGraph(
        positions=[],
        claims=[(1, 0.5), (2, 0.5), (3, 0.5)],
        links=[claim_link(1, 2, OPP), claim_link(2, 3, OPP), claim_link(3, 1, OPP)],
    )
    assert set(labels(graph.evaluate()).values()) == {"undecided"}


def test_an_accepted_outsider_breaks_a_circle():
    """4 (unopposed) opposes 1: 1 is rejected, so 2, which only 1 opposes, is accepted."""
    graph = ArgumentGraph(
        positions=[],
        claims=[(1, 0.5), (2, 0.5), (4, 0.5)],
        links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP), claim_link(4, 1, OPP)],
    )
    assert labels(graph.evaluate()) == {1: "rejected", 2: "accepted", 4: "accepted"}


def test_support_does_not_change_acceptability():
    graph = ArgumentGraph(positions=[10], claims=[(1, 0.9)], links=[position_link(1, 10, SUP)])
    assert graph.evaluate().positions[10].label == "accepted"


# -- circles of opposition: strength ---------------------------------------------------


@pytest.mark.parametrize("base", [0.2, 0.5, 0.9])
def test_mutual_opposition_settles_at_the_symmetric_fixed_point(base):
    """Each of two claims of base b opposing each other settles at s = b(1 − s) = b / (1 + b)."""
    graph = ArgumentGraph(
        positions=[], claims=[(1, base), (2, base)], links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP)]
    )
    evaluation = graph.evaluate()
    assert evaluation.converged
    assert evaluation.claims[1].strength == pytest.approx(base / (1 + base), abs=1e-9)
    assert evaluation.claims[2].strength == pytest.approx(base / (1 + base), abs=1e-9)


def test_two_certain_claims_opposing_each_other_settle_at_one_half():
    graph = ArgumentGraph(
        positions=[], claims=[(1, 1.0), (2, 1.0)], links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP)]
    )
    assert strengths(graph.evaluate()) == {1: 0.5, 2: 0.5}


def test_a_certain_claim_wins_a_mutual_opposition_against_a_doubtful_one():
    """s1 = 1 − s2 and s2 = 0.5(1 − s1) have the one solution s1 = 1, s2 = 0."""
    graph = ArgumentGraph(
        positions=[], claims=[(1, 1.0), (2, 0.5)], links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP)]
    )
    evaluation = graph.evaluate()
    assert evaluation.claims[1].strength == pytest.approx(1.0, abs=1e-9)
    assert evaluation.claims[2].strength == pytest.approx(0.0, abs=1e-9)


def test_a_dense_circle_of_contradiction_settles_too():
    """70 certain claims that all contradict each other: each ends at x = (1 − x)^69.
    Halving steps would see-saw around it for ever here; smaller steps settle."""
    claims = [(k, 1.0) for k in range(1, 71)]
    links = [claim_link(a, b, OPP) for a, _ in claims for b, _ in claims if a != b]
    evaluation = ArgumentGraph(positions=[], claims=claims, links=links).evaluate()
    assert evaluation.converged
    x = evaluation.claims[1].strength
    assert x == pytest.approx((1 - x) ** 69, abs=1e-9)
    assert len({round(a.strength, 9) for a in evaluation.claims.values()}) == 1


def test_a_circle_that_does_not_settle_is_reported(monkeypatch):
    monkeypatch.setattr(graph_module, "CYCLE_ROUNDS", 2)
    graph = ArgumentGraph(positions=[], claims=[(1, 0.5), (2, 0.5)], links=[claim_link(1, 2, OPP),
                                                                            claim_link(2, 1, OPP)])  # fmt: skip
    assert not graph.evaluate().converged


def test_a_circle_feeds_what_it_supports():
    graph = ArgumentGraph(
        positions=[10],
        claims=[(1, 0.5), (2, 0.5)],
        links=[claim_link(1, 2, OPP), claim_link(2, 1, OPP), position_link(1, 10, SUP)],
    )
    assert graph.evaluate().positions[10].strength == pytest.approx(0.5 + 0.5 / 3, abs=1e-9)


# -- explanations ----------------------------------------------------------------------


def test_why_names_each_supporter_and_opponent_and_its_effect():
    evaluation = worked_example().evaluate(explain=True)
    why = evaluation.positions[10].why
    assert why.support == pytest.approx(0.96)
    assert why.opposition == pytest.approx(0.7)
    by_claim = {c.claim_id: c for c in why.contributions}
    # Without 1, only 6's 0.7 would count: 0.5 − 0.5·0.7 = 0.15, so 1 adds 0.48.
    assert by_claim[1].polarity == "supports"
    assert by_claim[1].effect == pytest.approx(0.63 - 0.15)
    # Without 6: 0.5 + 0.5·0.96 = 0.98, so 6 takes away 0.35.
    assert by_claim[6].effect == pytest.approx(0.63 - 0.98)
    assert [c.claim_id for c in why.contributions] == [1, 6]  # the largest effect first
    assert why.because == [6]
    assert evaluation.positions[10].label == "rejected"
    assert why.summary.endswith("Rejected: opposed by accepted claim 6.")


def test_why_of_a_claim_nothing_argues_about_is_its_base_score():
    why = worked_example().evaluate(explain=True).claims[2].why
    assert (why.contributions, why.support, why.opposition) == ([], 0.0, 0.0)
    assert "its strength is its base score, 0.80" in why.summary


def test_explanations_are_left_out_unless_asked_for():
    assert worked_example().evaluate().claims[1].why is None


# -- what if ---------------------------------------------------------------------------


def test_a_claim_assumed_rejected_counts_for_nothing_downstream():
    evaluation = worked_example().evaluate(rejected=[6], explain=True)
    assert evaluation.claims[6].strength == 0.0
    assert evaluation.claims[6].label == "rejected"
    assert evaluation.claims[6].why.assumed_rejected
    assert evaluation.positions[10].strength == pytest.approx(0.98)
    assert evaluation.positions[10].label == "accepted"
    assert evaluation.assumed_rejected == [6]


def test_rejecting_a_claim_can_reinstate_what_it_opposed():
    evaluation = worked_example().evaluate(rejected=[5])
    assert evaluation.claims[4].strength == 0.4
    assert evaluation.claims[4].label == "accepted"
    assert evaluation.claims[1].label == "rejected"


def test_a_claim_left_out_disappears_with_its_links():
    evaluation = worked_example().evaluate(left_out=[6], explain=True)
    assert 6 not in evaluation.claims
    assert evaluation.left_out == [6]
    assert evaluation.positions[10].strength == pytest.approx(0.98)
    assert [c.claim_id for c in evaluation.positions[10].why.contributions] == [1]


def test_left_out_and_rejected_are_the_same_for_everything_else():
    graph = worked_example()
    rejected, left_out = graph.evaluate(rejected=[2, 5]), graph.evaluate(left_out=[2, 5])
    assert {c: s for c, s in strengths(rejected).items() if c not in (2, 5)} == strengths(left_out)


def test_unknown_claims_in_a_what_if_are_named():
    with pytest.raises(ValueError, match="Not claims of this map: 98, 99"):
        worked_example().evaluate(rejected=[99, 1], left_out=[98])


# -- cruxes ----------------------------------------------------------------------------


def test_cruxes_rank_the_claims_that_move_a_position_most():
    evaluation = worked_example().evaluate(cruxes=10)
    cruxes = evaluation.cruxes[10]
    by_claim = {c.claim_id: c for c in cruxes}
    # 6 flips the position's label: rejected, the position is accepted (0.98).
    assert cruxes[0].claim_id == 6
    assert cruxes[0].flips
    assert (cruxes[0].if_rejected, cruxes[0].label_if_rejected) == (pytest.approx(0.98), "accepted")
    # 1: rejected, only opposition 0.7 is left: 0.15; beyond dispute: 0.5 + 0.5·0.3 = 0.65.
    assert by_claim[1].if_rejected == pytest.approx(0.15)
    assert by_claim[1].if_accepted == pytest.approx(0.65)
    assert by_claim[1].swing == pytest.approx(0.48)
    swings = [c.swing for c in cruxes if not c.flips]
    assert swings == sorted(swings, reverse=True)
    # 5 keeps 4 at 0; without 5, 4 (0.4) lowers 1 to 0.6 + 0.4·(0.9 − 0.4) = 0.8 and 10 to 0.55.
    assert by_claim[5].if_rejected == pytest.approx(0.55)


def test_cruxes_keep_only_the_requested_number():
    evaluation = worked_example().evaluate(cruxes=2)
    assert len(evaluation.cruxes[10]) == 2
    assert worked_example().evaluate().cruxes == {}


def test_a_claim_that_cannot_move_a_position_is_no_crux():
    graph = ArgumentGraph(
        positions=[10],
        claims=[(1, 1.0), (2, 0.5)],
        links=[position_link(1, 10, SUP), claim_link(2, 1, SUP)],  # 1 is certain: 2 adds nothing
    )
    assert [c.claim_id for c in graph.evaluate(cruxes=5).cruxes[10]] == [1]


# -- properties (hypothesis) -----------------------------------------------------------

scores = st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0))


@st.composite
def maps(draw, max_claims=8):
    """Graphs that obey argmap's rules: support never runs in a circle (it points only to
    older claims or to positions), opposition may (it points anywhere)."""
    positions = list(range(1, draw(st.integers(1, 3)) + 1))
    claims = [(100 + k, draw(scores)) for k in range(draw(st.integers(1, max_claims)))]
    links = set()
    for k, (claim, _base) in enumerate(claims):
        for _ in range(draw(st.integers(0, 2))):
            polarity = draw(st.sampled_from([SUP, OPP]))
            older = [c for c, _ in claims[:k]]
            anywhere = [c for c, _ in claims if c != claim]
            pool = older if polarity == SUP else anywhere
            if pool and draw(st.booleans()):
                links.add(claim_link(claim, draw(st.sampled_from(pool)), polarity))
            else:
                links.add(position_link(claim, draw(st.sampled_from(positions)), polarity))
    return positions, claims, sorted(links, key=repr)


def all_strengths(evaluation):
    return {("position", k): a.strength for k, a in evaluation.positions.items()} | {
        ("claim", k): a.strength for k, a in evaluation.claims.items()
    }


@settings(max_examples=examples(300), deadline=None)
@given(maps())
def test_strengths_stay_between_zero_and_one(graph_map):
    positions, claims, links = graph_map
    evaluation = ArgumentGraph(positions=positions, claims=claims, links=links).evaluate()
    assert all(0.0 <= value <= 1.0 for value in all_strengths(evaluation).values())


@settings(max_examples=examples(300), deadline=None)
@given(maps(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_rows_arrive_in(graph_map, rng):
    positions, claims, links = graph_map
    shuffled = [list(rows) for rows in (positions, claims, links)]
    for rows in shuffled:
        rng.shuffle(rows)
    first = ArgumentGraph(positions=positions, claims=claims, links=links).evaluate(explain=True, cruxes=3)
    second = ArgumentGraph(positions=shuffled[0], claims=shuffled[1], links=shuffled[2]).evaluate(
        explain=True, cruxes=3
    )
    assert first == second


@settings(max_examples=examples(300), deadline=None)
@given(maps(), scores, st.sampled_from([SUP, OPP]), st.data())
def test_a_new_supporter_never_lowers_its_target_nor_a_new_opponent_raises_it(graph_map, base, polarity, data):
    positions, claims, links = graph_map
    targets = [("position", p) for p in positions] + [("claim", c) for c, _ in claims]
    kind, target = data.draw(st.sampled_from(targets))
    newcomer = 999
    link = position_link(newcomer, target, polarity) if kind == "position" else claim_link(newcomer, target, polarity)
    before = all_strengths(ArgumentGraph(positions=positions, claims=claims, links=links).evaluate())
    after = all_strengths(ArgumentGraph(positions=positions, claims=[*claims, (newcomer, base)],
                                        links=[*links, link]).evaluate())  # fmt: skip
    if polarity == SUP:
        assert after[kind, target] >= before[kind, target] - 1e-9
    else:
        assert after[kind, target] <= before[kind, target] + 1e-9


@settings(max_examples=examples(200), deadline=None)
@given(maps())
def test_accepted_claims_never_oppose_each_other_and_defend_themselves(graph_map):
    positions, claims, links = graph_map
    evaluation = ArgumentGraph(positions=positions, claims=claims, links=links).evaluate()
    label = {("claim", c): a.label for c, a in evaluation.claims.items()}
    label |= {("position", p): a.label for p, a in evaluation.positions.items()}
    for source, position, target, polarity in links:
        if polarity != OPP:
            continue
        attacked = ("position", position) if position is not None else ("claim", target)
        if label["claim", source] == "accepted":
            assert label[attacked] == "rejected"
        if label[attacked] == "accepted":
            assert label["claim", source] == "rejected"


def established(claims, links, claim):
    """The map with `claim` beyond dispute: base score 1, nothing arguing about it."""
    return (
        [(c, 1.0 if c == claim else base) for c, base in claims],
        [link for link in links if link[2] != claim],
    )


@settings(max_examples=examples(150), deadline=None)
@given(maps(max_claims=7), st.integers(1, 4))
def test_cruxes_are_the_claims_that_move_a_position_most_when_tried_one_by_one(graph_map, limit):
    positions, claims, links = graph_map
    graph = ArgumentGraph(positions=positions, claims=claims, links=links)
    evaluation = graph.evaluate(cruxes=limit)
    for position in positions:
        now = evaluation.positions[position]
        tried = []
        for claim, _base in claims:
            rejected = graph.evaluate(rejected=[claim]).positions[position]
            changed_claims, changed_links = established(claims, links, claim)
            accepted = ArgumentGraph(positions=positions, claims=changed_claims, links=changed_links).evaluate()
            accepted = accepted.positions[position]
            swing = max(abs(rejected.strength - now.strength), abs(accepted.strength - now.strength))
            flips = rejected.label != now.label or accepted.label != now.label
            if swing > 1e-9 or flips:
                tried.append((not flips, -swing, claim, rejected, accepted))
        tried.sort(key=lambda t: t[:2])
        found = evaluation.cruxes[position]
        assert [c.flips for c in found] == [not t[0] for t in tried[: len(found)]]
        assert [c.swing for c in found] == pytest.approx([-t[1] for t in tried[: len(found)]], abs=1e-9)
        assert len(found) == min(limit, len(tried))
        for crux in found:
            _, _, _, rejected, accepted = next(t for t in tried if t[2] == crux.claim_id)
            assert crux.if_rejected == pytest.approx(rejected.strength, abs=1e-9)
            assert crux.label_if_rejected == rejected.label
            assert crux.if_accepted == pytest.approx(accepted.strength, abs=1e-9)
            assert crux.label_if_accepted == accepted.label


def random_map(seed, claims=40):
    """A tree-shaped debate of `claims` claims on two positions, some claims used twice,
    some circles of opposition (as synthetic.generate_map draws them, without a database)."""
    rng = random.Random(seed)
    bases = [(k, rng.choice([rng.random(), 0.5, 1.0, 0.0])) for k in range(1, claims + 1)]
    links = set()
    for k in range(1, claims + 1):
        polarity = rng.choice([SUP, SUP, OPP])
        links.add(position_link(k, rng.choice([1, 2]), polarity) if k < 4 else claim_link(k, rng.randrange(1, k),
                                                                                           polarity))  # fmt: skip
        if k > 3 and rng.random() < 0.2:  # used in a second place
            links.add(claim_link(k, rng.randrange(1, k), rng.choice([SUP, OPP])))
        if k > 3 and rng.random() < 0.1:  # a rebuttal from an older claim: opposition may run in a circle
            links.add(claim_link(rng.randrange(1, k), k, OPP))
    return [1, 2], bases, sorted(links, key=repr)


@pytest.mark.parametrize("seed", range(40))
def test_cruxes_of_bigger_maps_match_trying_every_claim(seed):
    """The search stops early once no untried claim can beat those found: on maps big
    enough for that to matter, it must find what trying every claim finds."""
    positions, claims, links = random_map(seed)
    graph = ArgumentGraph(positions=positions, claims=claims, links=links)
    limit = 1 + seed % 3
    evaluation = graph.evaluate(cruxes=limit)
    for position in positions:
        now = evaluation.positions[position]
        swings = []
        for claim, _base in claims:
            rejected = graph.evaluate(rejected=[claim]).positions[position]
            changed_claims, changed_links = established(claims, links, claim)
            accepted = ArgumentGraph(positions=positions, claims=changed_claims, links=changed_links).evaluate()
            accepted = accepted.positions[position]
            flips = rejected.label != now.label or accepted.label != now.label
            swing = max(abs(rejected.strength - now.strength), abs(accepted.strength - now.strength))
            if swing > 1e-9 or flips:
                swings.append((not flips, -swing))
        expected = sorted(swings)[:limit]
        found = evaluation.cruxes[position]
        assert [not c.flips for c in found] == [e[0] for e in expected]
        assert [-c.swing for c in found] == pytest.approx([e[1] for e in expected], abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_no_claim_moves_a_position_more_than_its_bound(seed):
    """The proof behind the early stop in the search for cruxes, checked claim by claim."""
    positions, claims, links = random_map(seed, claims=30)
    graph = ArgumentGraph(positions=positions, claims=claims, links=links)
    evaluation = graph.evaluate()
    state, plan = graph._solve({}, set()), graph._plan()
    index = {claim: k for k, claim in enumerate(graph.claim_ids, len(positions))}
    for p, position in enumerate(graph.position_ids):
        bounds = graph._influence_bounds(p, graph._reaching(p, state), state, plan)
        now = evaluation.positions[position].strength
        for claim, _base in claims:
            if index[claim] not in bounds:
                continue  # no path to this position
            strength = evaluation.claims[claim].strength
            rejected = graph.evaluate(rejected=[claim]).positions[position].strength
            changed_claims, changed_links = established(claims, links, claim)
            accepted = ArgumentGraph(positions=positions, claims=changed_claims, links=changed_links).evaluate()
            swing = max(abs(rejected - now), abs(accepted.positions[position].strength - now))
            assert swing <= bounds[index[claim]] * max(strength, 1.0 - strength) + 1e-9


# -- bad input -------------------------------------------------------------------------


def test_a_link_to_something_outside_the_map_is_named():
    with pytest.raises(ValueError, match="refers to 7"):
        ArgumentGraph(positions=[1], claims=[(2, 0.5)], links=[claim_link(2, 7, SUP)])


def test_a_link_without_a_target_is_refused():
    with pytest.raises(ValueError, match="neither a position nor a claim"):
        ArgumentGraph(positions=[1], claims=[(2, 0.5)], links=[(2, None, None, SUP)])


def test_a_base_score_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        ArgumentGraph(positions=[], claims=[(2, 1.5)], links=[])


def test_an_unknown_polarity_is_refused():
    with pytest.raises(ValueError, match="supports or opposes"):
        ArgumentGraph(positions=[1], claims=[(2, 0.5)], links=[position_link(2, 1, "agrees")])


def test_evaluation_of_a_thousand_claims_finishes():
    rng = random.Random(4)
    claims = [(k, rng.random()) for k in range(1, 1001)]
    links = [position_link(k, 1, SUP) if k < 5 else claim_link(k, rng.randrange(1, k), rng.choice([SUP, OPP]))
             for k in range(1, 1001)]  # fmt: skip
    evaluation = ArgumentGraph(positions=[1], claims=claims, links=links).evaluate(explain=True, cruxes=3)
    assert len(evaluation.claims) == 1000
    assert len(evaluation.cruxes[1]) == 3
