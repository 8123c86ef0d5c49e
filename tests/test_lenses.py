"""lenses.py is pure Python: these tests need no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.graph import ArgumentGraph
from argmap.lenses import (
    MAX_LENSES,
    Bridge,
    Lens,
    LensEvaluations,
    bridge_for,
    bridges,
    differences,
    divided_pairs,
    evaluate_lens,
    find_bridge,
    lens_budget,
    lens_of,
    lens_summaries,
    lens_summary,
    lensed_stakeholders,
)
from tests.properties import examples

SUP, OPP = "supports", "opposes"


def stance(stakeholder, *, position=None, claim=None, attitude=SUP):
    return {"stakeholder_id": stakeholder, "position_id": position, "claim_id": claim, "stance": attitude}


def objection_answered():
    """Position 1; claim 10 opposes it; claim 20 opposes claim 10 (so 10 is rejected, 1 accepted)."""
    return ArgumentGraph(positions=[1], claims=[(10, 0.6), (20, 0.6)], links=[(10, 1, None, OPP), (20, None, 10, OPP)])


def test_a_lens_holds_a_stakeholders_claims_beyond_dispute():
    graph = objection_answered()
    default = graph.evaluate()
    assert default.positions[1].label == "accepted"

    seen = evaluate_lens(graph, lens_of(7, [stance(7, claim=10)]), explain=True)

    assert seen.claims[10].label == "accepted"
    assert seen.claims[10].strength == 1.0
    assert seen.claims[10].why.assumed_accepted
    assert seen.positions[1].label == "rejected"
    assert [(d.kind, d.id, d.default_label, d.label) for d in differences(default, seen)] == [
        ("position", 1, "accepted", "rejected"),
        ("claim", 10, "rejected", "accepted"),
    ]


def test_a_lens_leaves_out_the_claims_a_stakeholder_opposes():
    graph = ArgumentGraph(positions=[1], claims=[(10, 0.6)], links=[(10, 1, None, OPP)])
    assert graph.evaluate().positions[1].label == "rejected"

    seen = evaluate_lens(graph, lens_of(7, [stance(7, claim=10, attitude=OPP)]))

    assert 10 not in seen.claims
    assert seen.positions[1].label == "accepted"
    assert seen.left_out == [10]


def test_neutral_stances_and_stances_on_positions_change_nothing():
    graph = objection_answered()
    lens = lens_of(7, [stance(7, claim=10, attitude="neutral"), stance(7, position=1, attitude=OPP)])
    assert lens == Lens(7, frozenset(), frozenset())
    assert differences(graph.evaluate(), evaluate_lens(graph, lens)) == []


def test_a_fact_checked_false_stays_rejected_whoever_holds_it():
    graph = ArgumentGraph(positions=[1], claims=[(10, 0.9)], links=[(10, 1, None, OPP)], facts={10: "false"})
    seen = evaluate_lens(graph, lens_of(7, [stance(7, claim=10)]))
    assert seen.claims[10].label == "rejected"
    assert seen.claims[10].strength == 0.0
    assert seen.positions[1].label == "accepted"


def test_a_claim_both_accepted_and_rejected_is_refused():
    with pytest.raises(ValueError, match="both accepted and rejected"):
        objection_answered().evaluate(accepted=[10], rejected=[10])


def test_stakeholders_on_opposite_sides_of_a_position_are_divided():
    stances = [
        stance(1, position=5),
        stance(2, position=5, attitude=OPP),
        stance(3, position=5, attitude="conditional"),
        stance(4, position=5, attitude="neutral"),
    ]
    assert divided_pairs(stances) == [(1, 2, [5]), (2, 3, [5])]


def test_the_bridge_is_the_fewest_claims_that_bring_two_lenses_together():
    # 1 supports position 1 and holds claim 20; 2 opposes the position and holds claim 10.
    graph = objection_answered()
    stances = [stance(1, position=1), stance(2, position=1, attitude=OPP), stance(1, claim=20), stance(2, claim=10)]

    bridge, spent = find_bridge(graph, stances, 1, 2, [1])

    assert bridge.labels == {1: ("accepted", "rejected")}
    assert bridge.found
    assert not bridge.agree_already
    # 2 accepting claim 20 changes nothing (10 is beyond dispute for it); 1 accepting 10 does.
    assert (bridge.accepted_by, bridge.claim_ids) == (1, [10])
    accepted = evaluate_lens(graph, lens_of(1, stances).accepting([10]))
    assert accepted.positions[1].label == evaluate_lens(graph, lens_of(2, stances)).positions[1].label
    assert spent <= 4


def test_lenses_that_already_agree_need_no_bridge():
    graph = ArgumentGraph(positions=[1], claims=[(10, 0.6)], links=[(10, 1, None, SUP)])
    stances = [stance(1, position=1), stance(2, position=1, attitude=OPP)]
    (bridge,) = bridges(graph, stances)
    assert bridge.agree_already
    assert bridge.found
    assert bridge.claim_ids == []


def test_the_search_for_bridges_stops_at_its_budget():
    graph = objection_answered()
    stances = [stance(1, position=1), stance(2, position=1, attitude=OPP), stance(1, claim=20), stance(2, claim=10)]
    (bridge,) = bridges(graph, stances, budget=2)
    assert not bridge.found
    assert bridge.claim_ids == []


@settings(max_examples=examples(60), deadline=None)
@given(st.data())
def test_a_bridge_found_always_brings_the_lenses_together(data):
    claims = list(range(10, 10 + data.draw(st.integers(2, 7))))
    links = []
    for k, claim in enumerate(claims):
        targets = [("position", 1), ("position", 2)] + [("claim", c) for c in claims[:k]]
        kind, target = data.draw(st.sampled_from(targets))
        polarity = data.draw(st.sampled_from([SUP, OPP]))
        links.append((claim, target, None, polarity) if kind == "position" else (claim, None, target, polarity))
    graph = ArgumentGraph(positions=[1, 2], claims=[(c, 0.5) for c in claims], links=links, alternatives=True)
    attitudes = st.sampled_from([SUP, OPP, "neutral", None])
    stances = [stance(1, position=1), stance(2, position=1, attitude=OPP)]
    for who in (1, 2):
        for claim in claims:
            attitude = data.draw(attitudes)
            if attitude:
                stances.append(stance(who, claim=claim, attitude=attitude))

    (bridge,) = bridges(graph, stances, budget=500)

    if bridge.found and not bridge.agree_already:
        other = 1 if bridge.accepted_by == 2 else 2
        moved = evaluate_lens(graph, lens_of(bridge.accepted_by, stances).accepting(bridge.claim_ids))
        assert moved.positions[1].label == evaluate_lens(graph, lens_of(other, stances)).positions[1].label


def objection_with_a_reach():
    """Position 1 is supported by claim 40 and opposed by claim 10; 10 also opposes 40; 20
    answers 10. As recorded 10 is rejected (20 answers it), so 40 and 1 are accepted."""
    return ArgumentGraph(
        positions=[1],
        claims=[(10, 0.6), (20, 0.6), (40, 0.6)],
        links=[(10, 1, None, OPP), (20, None, 10, OPP), (40, 1, None, SUP), (10, None, 40, OPP)],
    )


def test_a_lens_summary_gives_every_position_and_the_claims_it_moves():
    graph = objection_with_a_reach()
    default = graph.evaluate()

    summary = lens_summary(graph, default, lens_of(7, [stance(7, claim=10)]))

    assert (summary.held, summary.opposed) == (1, 0)
    (position,) = summary.positions
    assert (position.id, position.default_label, position.label) == (1, "accepted", "rejected")
    assert position.strength < position.default_strength
    # 10 is held (beyond dispute: not listed); 40, which it opposes, loses its label; 20 is untouched.
    assert [(c.id, c.default_label, c.label) for c in summary.claims] == [(40, "accepted", "rejected")]
    assert summary.claims_relabelled == 1


def test_a_lens_summary_agrees_with_the_differences_of_the_lens():
    graph = objection_with_a_reach()
    lens = lens_of(7, [stance(7, claim=20, attitude=OPP)])
    default = graph.evaluate()
    summary = lens_summary(graph, default, lens)
    changed = differences(default, evaluate_lens(graph, lens))
    assert {d.id for d in changed if d.kind == "claim"} == {c.id for c in summary.claims if c.relabelled}
    assert {d.id for d in changed if d.kind == "position"} == {p.id for p in summary.positions if p.relabelled}
    assert summary.opposed == 1


def test_a_stakeholder_holding_no_claim_sees_the_map_as_recorded_at_no_cost():
    graph = objection_with_a_reach()
    stances = [stance(1, claim=10), stance(2, position=1)]
    # With no evaluation to spend, only the stakeholder whose lens needs none gets a summary.
    (summary,) = lens_summaries(graph, graph.evaluate(), stances, budget=0)
    assert summary.stakeholder_id == 2
    assert (summary.held, summary.opposed, summary.claims) == (0, 0, [])
    assert all(not p.moved for p in summary.positions)
    assert [s.stakeholder_id for s in lens_summaries(graph, graph.evaluate(), stances)] == [1, 2]


def test_the_stakeholders_with_most_stances_on_claims_get_a_lens_first_and_at_most_max_lenses():
    graph = objection_with_a_reach()
    stances = [stance(s, position=1) for s in range(100, 100 + MAX_LENSES + 5)]
    stances += [stance(3, claim=10), stance(3, claim=20), stance(4, claim=40, attitude=OPP), stance(4, position=1)]
    stances += [stance(5, claim=20, attitude="neutral"), stance(5, position=1), stance(5, claim=40, attitude="neutral")]
    order = lensed_stakeholders(stances)
    assert order[:3] == [3, 4, 5]  # 3 holds two claims; 4 opposes one; 5 is neutral (no lens) but has most stances
    summaries = lens_summaries(graph, graph.evaluate(), stances)
    assert [s.stakeholder_id for s in summaries] == order[:MAX_LENSES]


def test_a_large_map_gets_fewer_lenses():
    assert lens_budget(100) == MAX_LENSES
    assert lens_budget(100_000) < lens_budget(10_000) <= MAX_LENSES
    assert lens_budget(10**9) == 1


def test_the_bridge_kept_for_a_stakeholder_is_to_the_one_it_agrees_with_least():
    found = [
        Bridge((1, 2), [5], {}, False, None),
        Bridge((1, 3), [5], {}, False, None),
        Bridge((2, 3), [5], {}, False, None),
    ]
    agreement = {(1, 2): 0.5, (1, 3): 0.0, (2, 3): 0.25}
    assert bridge_for(1, found, agreement).stakeholder_ids == (1, 3)
    assert bridge_for(2, found, agreement).stakeholder_ids == (2, 3)
    assert bridge_for(4, found, agreement) is None


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_lens_summary_lists_only_claims_the_stakeholder_neither_holds_nor_opposes(data):
    claims = list(range(10, 10 + data.draw(st.integers(2, 7))))
    links = []
    for k, claim in enumerate(claims):
        targets = [("position", 1)] + [("claim", c) for c in claims[:k]]
        kind, target = data.draw(st.sampled_from(targets))
        polarity = data.draw(st.sampled_from([SUP, OPP]))
        links.append((claim, target, None, polarity) if kind == "position" else (claim, None, target, polarity))
    graph = ArgumentGraph(positions=[1], claims=[(c, 0.5) for c in claims], links=links)
    stances = [
        stance(7, claim=claim, attitude=attitude)
        for claim in claims
        if (attitude := data.draw(st.sampled_from([SUP, OPP, None])))
    ]
    lens = lens_of(7, stances)
    default = graph.evaluate()

    summary = lens_summary(graph, default, lens, claims=len(claims))

    own = lens.held | lens.opposed
    changed = {d.id for d in differences(default, evaluate_lens(graph, lens)) if d.kind == "claim"} - own
    assert {c.id for c in summary.claims if c.relabelled} == changed
    assert summary.claims_relabelled == len(changed)
    assert not own & {c.id for c in summary.claims}


def test_bridges_and_lens_summaries_share_each_lens_evaluation(monkeypatch):
    """A publication's bridges and lens summaries look through the same stakeholders'
    lenses: with one LensEvaluations each lens is evaluated once, and nothing found changes."""
    graph = objection_answered()
    stances = [stance(1, position=1), stance(2, position=1, attitude=OPP), stance(1, claim=20), stance(2, claim=10)]
    default = graph.evaluate()
    alone = (bridges(graph, stances), lens_summaries(graph, default, stances))
    evaluated = []
    evaluate = ArgumentGraph.evaluate

    def counted(self, **kwargs):
        evaluated.append(tuple(kwargs.get("accepted", ())))
        return evaluate(self, **kwargs)

    monkeypatch.setattr(ArgumentGraph, "evaluate", counted)
    lensed = LensEvaluations(graph)
    shared = (bridges(graph, stances, lensed=lensed), lens_summaries(graph, default, stances, lensed=lensed))

    assert shared == alone
    # The lenses of 1 (holding 20) and 2 (holding 10) once each (not again for the summaries),
    # and the bridge's tries: 2 accepting 20, then 1 accepting 10.
    assert sorted(evaluated) == [(10,), (10, 20), (10, 20), (20,)]
