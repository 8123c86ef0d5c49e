"""Verdicts a reader can trust, in the pure core (graph.py, evidence.py): alternatives,
facts and their checks, base scores from evidence. No database needed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap import duplicates, evidence
from argmap.duplicates import possible_duplicates
from argmap.graph import ArgumentGraph
from argmap.robustness import SCORE_MARGIN, robustness
from tests.properties import examples

# -- DF-QuAD, worked by hand from its definition -------------------------------------------
#
# Rago, Toni, Aurisicchio & Baroni, "Discontinuity-Free Decision Support with Quantitative
# Argumentation Debates", KR 2016: the strength of an argument with base score v0 is
# C(v0, va, vs), where va and vs aggregate its attackers' and supporters' strengths by
# F(v1, …, vn) = 1 − ∏(1 − vi) (F() = 0), and C(v0, va, vs) = v0 − v0·|vs − va| if va ≥ vs,
# v0 + (1 − v0)·|vs − va| otherwise. The figures below are worked from these definitions.


def test_dfquad_supporter_and_attacker_of_different_strength():
    # a (0.5) is supported by b (0.6) and attacked by c (0.4): va = 0.4 < vs = 0.6, so
    # σ(a) = 0.5 + 0.5·0.2 = 0.6.
    graph = ArgumentGraph(positions=[1], claims=[(2, 0.6), (3, 0.4)], links=[(2, 1, None, "supports"),
                                                                           (3, 1, None, "opposes")])  # fmt: skip
    assert graph.evaluate().positions[1].strength == pytest.approx(0.6)


def test_dfquad_two_attackers_aggregate_by_probabilistic_sum():
    # a (0.5) attacked by b (0.5) and c (0.5): va = 1 − 0.5·0.5 = 0.75, vs = 0, so
    # σ(a) = 0.5 − 0.5·0.75 = 0.125.
    graph = ArgumentGraph(positions=[1], claims=[(2, 0.5), (3, 0.5)], links=[(2, 1, None, "opposes"),
                                                                           (3, 1, None, "opposes")])  # fmt: skip
    assert graph.evaluate().positions[1].strength == pytest.approx(0.125)


def test_dfquad_is_discontinuity_free_where_support_equals_attack():
    # The paper's point: when vs = va, σ = v0 whatever their size (0.8 each here), and a
    # hair more support or attack moves σ only a hair.
    def strength(support, attack):
        graph = ArgumentGraph(positions=[1], claims=[(2, support), (3, attack)],
                              links=[(2, 1, None, "supports"), (3, 1, None, "opposes")])  # fmt: skip
        return graph.evaluate().positions[1].strength

    assert strength(0.8, 0.8) == pytest.approx(0.5)
    assert abs(strength(0.8001, 0.8) - 0.5) < 1e-3
    assert abs(strength(0.8, 0.8001) - 0.5) < 1e-3


# -- Alternatives ------------------------------------------------------------------------


def two_answers(*, alternatives):
    # Position 1 backed by claim 10, position 2 by claim 20; nothing opposes either.
    return ArgumentGraph(
        positions=[1, 2],
        claims=[(10, 0.8), (20, 0.4)],
        links=[(10, 1, None, "supports"), (20, 2, None, "supports")],
        alternatives=alternatives,
    )


def test_two_alternatives_both_standing_are_each_undecided_with_their_shares():
    evaluation = two_answers(alternatives=True).evaluate(explain=True)
    first, second = evaluation.positions[1], evaluation.positions[2]
    assert (first.label, second.label) == ("undecided", "undecided")
    # Strengths 0.5 + 0.5·0.8 = 0.9 and 0.5 + 0.5·0.4 = 0.7: shares 0.9/1.6 and 0.7/1.6.
    assert (first.share, second.share) == (pytest.approx(0.5625), pytest.approx(0.4375))
    assert first.why.rivals == [2]
    assert "the positions are alternatives" in first.why.summary


def test_positions_that_may_be_combined_are_both_accepted():
    evaluation = two_answers(alternatives=False).evaluate()
    assert [a.label for a in evaluation.positions.values()] == ["accepted", "accepted"]
    assert evaluation.positions[1].share is None


def test_an_alternative_rejected_by_an_accepted_claim_leaves_the_other_accepted():
    graph = ArgumentGraph(
        positions=[1, 2],
        claims=[(10, 0.8), (20, 0.4), (30, 0.5)],
        links=[(10, 1, None, "supports"), (20, 2, None, "supports"), (30, 2, None, "opposes")],
        alternatives=True,
    )
    evaluation = graph.evaluate(cruxes=3)
    assert (evaluation.positions[1].label, evaluation.positions[2].label) == ("accepted", "rejected")
    # Rejecting claim 30 reinstates position 2 beside position 1: a crux of position 1 that
    # flips it, though no path joins them.
    crux = next(c for c in evaluation.cruxes[1] if c.claim_id == 30)
    assert crux.flips
    assert crux.label_if_rejected == "undecided"


@st.composite
def maps(draw, *, facts=False):
    """Small random maps: 2–4 positions, up to 12 claims, links to earlier claims or
    positions (support acyclic), opposition also to later claims (circles allowed)."""
    positions = list(range(1, draw(st.integers(2, 4)) + 1))
    count = draw(st.integers(1, 12))
    claims = [(100 + k, draw(st.floats(0.0, 1.0))) for k in range(count)]
    links = set()
    for k in range(count):
        for _ in range(draw(st.integers(1, 3))):
            polarity = draw(st.sampled_from(["supports", "opposes"]))
            if draw(st.booleans()) or k == 0:
                links.add((100 + k, draw(st.sampled_from(positions)), None, polarity))
            else:
                limit = count - 1 if polarity == "opposes" else k - 1
                target = draw(st.integers(0, limit))
                if target != k:
                    links.add((100 + k, None, 100 + target, polarity))
    checks = {}
    if facts:
        for claim_id, _score in claims:
            if draw(st.booleans()):
                checks[claim_id] = draw(st.sampled_from(["unchecked", "confirmed", "disputed", "false"]))
    return positions, claims, sorted(links, key=str), checks


@settings(max_examples=examples(200), deadline=None)
@given(maps(facts=True))
def test_two_alternatives_are_never_both_accepted(drawn):
    positions, claims, links, checks = drawn
    graph = ArgumentGraph(positions=positions, claims=claims, links=links, alternatives=True, facts=checks)
    evaluation = graph.evaluate(cruxes=2)
    assert sum(a.label == "accepted" for a in evaluation.positions.values()) <= 1
    assert sum(a.share for a in evaluation.positions.values()) == pytest.approx(1.0)
    for found in evaluation.cruxes.values():
        for crux in found:  # nor in any what-if of a crux
            assert crux.label_if_rejected in ("accepted", "rejected", "undecided")


# -- Facts and their checks --------------------------------------------------------------


def fact_opposed(check):
    # Fact 10 backs position 1; claim 20 (unopposed, so accepted) opposes the fact.
    return ArgumentGraph(
        positions=[1],
        claims=[(10, 0.6), (20, 0.5)],
        links=[(10, 1, None, "supports"), (20, None, 10, "opposes")],
        facts={10: check},
    ).evaluate(explain=True)


def test_an_objection_disputes_a_fact_and_does_not_reject_it():
    evaluation = fact_opposed("unchecked")
    fact = evaluation.claims[10]
    assert (fact.label, fact.check) == ("undecided", "disputed")
    assert fact.strength == pytest.approx(0.3)  # DF-QuAD still counts the objection: 0.6 − 0.6·0.5
    assert fact.why.because == [20]
    assert "an objection disputes a fact" in fact.why.summary
    assert evaluation.claims[20].check is None  # not a fact


def test_a_confirmed_fact_is_settled_and_keeps_its_base_score():
    fact = fact_opposed("confirmed").claims[10]
    assert (fact.label, fact.strength, fact.check) == ("accepted", 0.6, "confirmed")


def test_a_fact_checked_false_is_rejected_at_zero():
    evaluation = fact_opposed("false")
    fact = evaluation.claims[10]
    assert (fact.label, fact.strength, fact.check) == ("rejected", 0.0, "false")
    assert evaluation.assumed_rejected == []  # not a what-if
    assert evaluation.positions[1].strength == 0.5


def test_an_ordinary_claim_opposed_the_same_way_is_rejected():
    graph = ArgumentGraph(positions=[1], claims=[(10, 0.6), (20, 0.5)],
                          links=[(10, 1, None, "supports"), (20, None, 10, "opposes")])  # fmt: skip
    assert graph.evaluate().claims[10].label == "rejected"


def test_a_fact_in_a_circle_of_opposition_is_not_rejected():
    # 10 (a fact) and 20 oppose each other, and 30 (accepted) opposes 10.
    graph = ArgumentGraph(
        positions=[1],
        claims=[(10, 0.5), (20, 0.5), (30, 0.5)],
        links=[(10, 1, None, "supports"), (10, None, 20, "opposes"), (20, None, 10, "opposes"),
               (30, None, 10, "opposes")],
        facts={10: "unchecked"},
    )  # fmt: skip
    assert graph.evaluate().claims[10].label == "undecided"


@settings(max_examples=examples(200), deadline=None)
@given(maps(facts=True), st.booleans())
def test_a_fact_is_never_rejected_unless_checked_false(drawn, alternatives):
    positions, claims, links, checks = drawn
    graph = ArgumentGraph(positions=positions, claims=claims, links=links, alternatives=alternatives, facts=checks)
    evaluation = graph.evaluate(cruxes=1)
    base = dict(claims)
    for claim_id, check in checks.items():
        assessment = evaluation.claims[claim_id]
        if check == "false":
            assert (assessment.label, assessment.strength) == ("rejected", 0.0)
            continue
        assert assessment.label != "rejected"
        if check == "confirmed":
            assert assessment.label == "accepted"
            assert assessment.strength >= base[claim_id] - 1e-9


def test_an_unknown_check_or_fact_is_refused():
    with pytest.raises(ValueError, match="not 'maybe'"):
        ArgumentGraph(positions=[1], claims=[(10, 0.5)], links=[], facts={10: "maybe"})
    with pytest.raises(ValueError, match="not in this map"):
        ArgumentGraph(positions=[1], claims=[(10, 0.5)], links=[], facts={11: "unchecked"})


# -- Base scores from evidence ------------------------------------------------------------


def scores(citations=(), holders=(), overridden=False, editors=0.5):
    return evidence.claim_evidence(claims=[(1, editors, overridden)], citations=citations, holders=holders)[1]


def test_a_claim_with_no_evidence_is_unsourced_at_the_prior():
    found = scores()
    assert (found.score, found.unsourced, found.sources) == (evidence.PRIOR, True, 0)


def test_one_news_report_and_a_paraphrased_holder():
    # docs/analysis.md's figures: 1 − 0.8·(1 − 0.7·0.8) = 0.648; with the holder 1 − 0.8·0.44·0.9.
    assert scores([(1, 7, "news_report", "")]).score == pytest.approx(0.648)
    found = scores([(1, 7, "news_report", "")], [(1, 3, "supports", "paraphrased")])
    assert (found.score, found.holders, found.unsourced) == (pytest.approx(0.6832), 1, False)


def test_kinds_of_source_rank_official_over_news_over_social():
    official, news, social = (
        scores([(1, 7, kind, "")]).score for kind in ("regulator_decision", "news_report", "social_post")
    )
    assert official == pytest.approx(0.92)
    assert official > news > social


def test_sources_of_one_publisher_count_once():
    same = scores([(1, 7, "news_report", "The Paper"), (1, 8, "news_report", " the paper ")])
    independent = scores([(1, 7, "news_report", "The Paper"), (1, 8, "news_report", "Another")])
    assert same.sources == 1
    assert same.score == pytest.approx(0.648)
    assert independent.sources == 2
    assert independent.score == pytest.approx(1 - 0.8 * 0.44 * 0.44)


def test_inferred_and_opposing_stances_add_nothing():
    found = scores(holders=[(1, 3, "supports", "inferred"), (1, 4, "opposes", "stated")])
    assert (found.score, found.holders, found.unsourced) == (pytest.approx(evidence.PRIOR), 0, True)


def test_an_editors_override_with_a_reason_wins():
    found = scores([(1, 7, "news_report", "")], overridden=True, editors=0.3)
    assert (found.score, found.derived, found.overridden) == (0.3, pytest.approx(0.648), True)


@given(st.lists(st.tuples(st.sampled_from(sorted(evidence.SOURCE_RELIABILITY)), st.text(max_size=3)), max_size=6))
def test_more_evidence_never_lowers_a_score(cited):
    citations = [(1, k, kind, publisher) for k, (kind, publisher) in enumerate(cited)]
    for k in range(len(citations)):
        assert scores(citations[: k + 1]).score >= scores(citations[:k]).score - 1e-12
        assert 0.0 <= scores(citations[: k + 1]).score <= 1.0


# -- Robustness ----------------------------------------------------------------------------


def test_a_verdict_resting_on_an_inferred_link_is_fragile_and_says_which():
    # Claim 20 opposes position 1 by an editor's reading (inferred); claim 10 supports it (stated).
    links = [(10, 1, None, "supports"), (20, 1, None, "opposes")]
    report = robustness(positions=[1], claims=[(10, 0.5), (20, 0.5)], links=links, inferred=[1])
    verdict = report.positions[1]
    assert (verdict.label, verdict.robust, verdict.flips_to) == ("rejected", False, "accepted")
    assert verdict.flip == "without the inferred link: claim 20 opposes position 1"
    assert report.claims[10].robust
    assert report.claims[20].robust
    assert (report.tried, report.untried) == (1, 0)


@settings(max_examples=examples(100), deadline=None)
@given(maps(facts=True), st.booleans(), st.data())
def test_a_robust_verdict_survives_any_perturbation_within_its_bounds(drawn, alternatives, data):
    positions, claims, links, checks = drawn
    inferred = [k for k in range(len(links)) if data.draw(st.booleans())]
    report = robustness(positions=positions, claims=claims, links=links, inferred=inferred,
                        alternatives=alternatives, facts=checks)  # fmt: skip
    # Random perturbation: every base score moved within ±0.2, and one inferred link (or none) removed.
    moved = [(c, min(1.0, max(0.0, s + data.draw(st.floats(-SCORE_MARGIN, SCORE_MARGIN))))) for c, s in claims]
    removed = data.draw(st.sampled_from([None, *inferred]))
    kept = [link for k, link in enumerate(links) if k != removed]
    graph = ArgumentGraph(positions=positions, claims=moved, links=kept, alternatives=alternatives, facts=checks)
    perturbed = graph.evaluate()
    for verdicts, after in ((report.positions, perturbed.positions), (report.claims, perturbed.claims)):
        for node_id, verdict in verdicts.items():
            if verdict.robust:
                assert after[node_id].label == verdict.label, (node_id, removed)
            elif verdict.link is not None and removed is not None and links[removed] == verdict.link:
                assert after[node_id].label == verdict.flips_to


# -- Duplicates ----------------------------------------------------------------------------


def test_claims_citing_the_same_passage_may_count_one_reason_twice():
    found = possible_duplicates(
        claims=[(1, "Rights of creators"), (2, "Livelihoods of creators"), (3, "Something else entirely")],
        citations=[(1, 9, "could undermine the rights"), (2, 9, "It could undermine the rights, and more."),
                   (3, 8, "could undermine the rights")],
    )  # fmt: skip
    assert [(d.claim_ids, d.reason) for d in found] == [((1, 2), "same passage")]  # claim 3 cites another source


def test_near_identical_texts_are_found_and_different_ones_are_not():
    found = possible_duplicates(
        claims=[
            (1, "Easing copyright rules would undermine the livelihoods of creators."),
            (2, "easing copyright rules would undermine the livelihoods of CREATORS"),
            (3, "Easing copyright rules helps AI developers grow."),
        ],
        citations=[],
    )
    assert [(d.claim_ids, d.reason, d.overlap) for d in found] == [((1, 2), "near-identical text", 1.0)]


@given(st.lists(st.text(alphabet="abc de", max_size=20), max_size=12))
def test_prefix_filtering_finds_every_near_identical_pair(texts):
    claims = list(enumerate(texts))
    found = {d.claim_ids for d in possible_duplicates(claims=claims, citations=[]) if d.reason == "near-identical text"}
    expected = set()
    for i, a in claims:
        for j, b in claims[i + 1 :]:
            x, y = duplicates.words(a), duplicates.words(b)
            if x | y and len(x & y) / len(x | y) >= duplicates.TEXT_OVERLAP:
                expected.add((i, j))
    assert found == expected


@st.composite
def word_sets(draw) -> list[str]:
    """Claims over a vocabulary of a dozen words, of 1 to 20 words each, many of them another
    claim with a few words added or taken away: near the threshold, where the length,
    prefix and positional filters decide."""
    vocabulary = [f"w{n}" for n in range(12)] + [f"rare{n}" for n in range(30)]
    texts = []
    for _ in range(draw(st.integers(2, 30))):
        if texts and draw(st.booleans()):
            words = draw(st.sampled_from(texts)).split()
            drop = draw(st.integers(0, min(2, len(words) - 1)))
            words = words[drop:] + draw(st.lists(st.sampled_from(vocabulary), max_size=3))
        else:
            words = draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=20))
        texts.append(" ".join(draw(st.permutations(words))))
    return texts


@settings(max_examples=examples(200), deadline=None)
@given(word_sets())
def test_the_filters_find_the_same_pairs_as_comparing_every_two_claims(texts):
    claims = list(enumerate(texts))
    found = {
        (d.claim_ids, d.overlap)
        for d in possible_duplicates(claims=claims, citations=[])
        if d.reason == "near-identical text"
    }
    t = duplicates.TEXT_OVERLAP
    expected = set()
    for i, a in claims:
        for j, b in claims[i + 1 :]:
            x, y = duplicates.words(a), duplicates.words(b)
            if x | y and len(x & y) * t.denominator >= t.numerator * len(x | y):  # Jaccard ≥ t, exactly
                expected.add(((i, j), len(x & y) / len(x | y)))
    assert found == expected


def test_the_comparison_of_texts_stops_past_its_bound():
    claims = [(n, "Easing copyright rules would undermine creators.") for n in range(5)]
    with pytest.raises(duplicates.TooManyComparisons):
        possible_duplicates(claims=claims, citations=[], comparisons=3)
    assert len(possible_duplicates(claims=claims, citations=[], comparisons=10)) == 10  # 4+3+2+1 candidate pairs


@settings(max_examples=examples(100), deadline=None)
@given(word_sets())
def test_a_bound_on_the_comparisons_gives_all_the_pairs_or_none(texts):
    """Counted before comparing (duplicates._comparisons): below some number of comparisons
    the texts are given up on, from it on every pair is found, as without a bound."""
    claims = list(enumerate(texts))
    unbounded = possible_duplicates(claims=claims, citations=[])
    outcomes = []
    for bound in range(len(claims) ** 2 + 1):
        try:
            outcomes.append(possible_duplicates(claims=claims, citations=[], comparisons=bound) == unbounded)
        except duplicates.TooManyComparisons:
            outcomes.append(False)
    assert outcomes[-1]
    assert outcomes == sorted(outcomes)  # given up on below the bound that is enough, never above it
