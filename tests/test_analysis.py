"""The analysis of a topic from the database: one query each, and the demo map's results
checked by hand against fixtures/uk-openai-partnership-2025.json.

Every demo claim has base score 0.5 and every position starts at 0.5, so the DF-QuAD
figures below are worked by hand from the links in the fixture.
"""

import io

import pytest
from django.core.management import call_command

from argmap.loading import (
    PAGE_COLUMNS,
    evaluate_topic,
    graph_from_map,
    graph_from_rows,
    load_graph_rows,
    load_map,
    topic_coalitions,
    topic_gaps,
)
from argmap.models import Claim, Polarity, Position, Stakeholder, Stance, Topic
from argmap.synthetic import generate_map
from tests.factories import CitationFactory, ClaimFactory, LinkFactory, SalienceFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def topic(slug):
    return Topic.objects.get(slug=slug)


def position(title):
    return Position.objects.get(title__startswith=title).pk


def claim(text):
    return Claim.objects.get(text__startswith=text).pk


def stakeholder(slug):
    return Stakeholder.objects.get(slug=slug).pk


def stakeholders(*slugs):
    return [stakeholder(slug) for slug in slugs]


# -- one query ---------------------------------------------------------------------------


@pytest.mark.parametrize("claims", [10, 300])
def test_evaluation_reads_one_query_whatever_the_size(django_assert_num_queries, claims):
    generated = generate_map(claims=claims, seed=3)
    someone = Stance.objects.filter(claim__topic=generated.topic).values_list("stakeholder", flat=True).first()
    with django_assert_num_queries(1):  # one SELECT: position ids, claims, links, stances on claims (JSON arrays)
        evaluation = evaluate_topic(generated.topic, without_stakeholder=someone, explain=True, cruxes=3)
    assert len(evaluation.claims) + len(evaluation.left_out) == claims


@pytest.mark.parametrize("claims", [10, 300])
def test_coalitions_and_gaps_read_one_query_each(django_assert_num_queries, claims):
    generated = generate_map(claims=claims, seed=3)
    with django_assert_num_queries(1):  # the whole map (loading.load_map)
        result = topic_coalitions(generated.topic)
    assert len(result.matrix) == generated.stakeholders
    with django_assert_num_queries(1):  # the whole map (loading.load_map)
        gaps = topic_gaps(generated.topic)
    assert len(gaps.claims_without_source) == Claim.objects.filter(topic=generated.topic, citations=None).count()


def test_the_light_query_and_the_whole_map_give_the_same_evaluation():
    generated = generate_map(claims=200, seed=5)
    from_rows = graph_from_rows(load_graph_rows(generated.topic.pk)).evaluate(explain=True, cruxes=2)
    from_map = graph_from_map(load_map(generated.topic.pk, PAGE_COLUMNS)).evaluate(explain=True, cruxes=2)
    assert from_rows == from_map


def test_the_light_query_reads_the_same_rows_on_every_database():
    link = LinkFactory(claim__base_score=0.7, polarity=Polarity.OPPOSES)
    other = LinkFactory(claim__topic=link.claim.topic, target_position=None, target_claim=link.claim)
    StanceFactory(stakeholder__slug="backer", position=None, claim=other.claim, stance="conditional")
    LinkFactory()  # another topic's
    rows = load_graph_rows(link.claim.topic_id)
    assert rows.position_ids == [link.target_position_id]
    assert sorted(rows.claims) == [(link.claim_id, 0.7), (other.claim_id, 0.5)]
    assert sorted(rows.links, key=repr) == sorted(
        [(link.claim_id, link.target_position_id, None, "opposes"), (other.claim_id, None, link.claim_id, "supports")],
        key=repr,
    )
    assert rows.claim_stances == [
        {"stakeholder_id": stakeholder("backer"), "position_id": None, "claim_id": other.claim_id,
         "stance": "conditional"}
    ]  # fmt: skip


def test_an_empty_topic_has_nothing_to_evaluate():
    empty = TopicFactory()
    evaluation = evaluate_topic(empty)
    assert (evaluation.positions, evaluation.claims, evaluation.cruxes) == ({}, {}, {})
    assert topic_coalitions(empty).matrix == []
    assert topic_gaps(empty).positions_unopposed == []


# -- strengths, labels and cruxes of the demo map, by hand ----------------------------------


def test_demo_copyright_easing_is_rejected_and_opposing_it_accepted(demo):
    evaluation = evaluate_topic(topic("ai-copyright-easing"), cruxes=3)
    ease, protect = position("Yes: ease copyright"), position("No: easing them")
    undermine = claim("Easing copyright regulations to benefit AI development could undermine")
    # "could undermine creators" is backed by two claims: 0.5 + 0.5·(1 − 0.5·0.5) = 0.875.
    assert evaluation.claims[undermine].strength == 0.875
    # "Yes, ease": 0.5 supporting against 0.875 opposing: 0.5 − 0.5·0.375 = 0.3125, rejected.
    assert (evaluation.positions[ease].strength, evaluation.positions[ease].label) == (0.3125, "rejected")
    # "No": 0.5 + 0.5·0.875 = 0.9375, nothing against it.
    assert (evaluation.positions[protect].strength, evaluation.positions[protect].label) == (0.9375, "accepted")
    # Rejecting "could undermine" would reinstate "Yes, ease" (0.75); then "is meant to
    # benefit AI" (0.25 either way), then the first of the two backers (0.0625).
    cruxes = evaluation.cruxes[ease]
    assert [c.claim_id for c in cruxes] == [
        undermine,
        claim("Easing copyright regulations is meant"),
        claim("Eased copyright rules could undermine the rights"),
    ]
    assert (cruxes[0].flips, cruxes[0].if_rejected, cruxes[0].label_if_rejected) == (True, 0.75, "accepted")
    assert [c.swing for c in cruxes[1:]] == [0.25, 0.0625]


def test_demo_cma_decision_is_balanced_by_microsofts_influence(demo):
    evaluation = evaluate_topic(topic("microsoft-openai-control"), cruxes=3, explain=True)
    cleared = claim("The CMA cleared")
    influence = claim("Microsoft has significant influence")
    # "Significant influence" (0.875, two backers) opposes the CMA's clearance, which three
    # claims back (0.875 too): equal sides leave the base score, and the grounded label
    # rejects the clearance, since its unopposed opponent is accepted.
    assert evaluation.claims[influence].strength == 0.875
    assert (evaluation.claims[cleared].strength, evaluation.claims[cleared].label) == (0.5, "rejected")
    assert evaluation.claims[cleared].why.because == [influence]
    no_control, control = position("No: it is not"), position("Yes: Microsoft")
    assert evaluation.positions[no_control].strength == 0.9375  # backed by 0.5 and 0.75
    assert evaluation.positions[control].strength == 0.9375  # backed by 0.875
    # Rejecting "diversification reduces dependency" takes "No" to 0.75 (swing 0.1875);
    # the clearance and "broadening alliances" each swing it by 0.0625 (ties by id).
    assert [c.claim_id for c in evaluation.cruxes[no_control]] == [
        claim("This diversification reduces"),
        cleared,
        claim("OpenAI is broadening"),
    ]
    assert [c.swing for c in evaluation.cruxes[no_control]] == [0.1875, 0.0625, 0.0625]


def test_demo_partnership_by_hand(demo):
    evaluation = evaluate_topic(topic("uk-openai-partnership"), explain=True)
    deepen, safeguards = position("Yes: deepen it"), position("Only with safeguards")
    # Six supporters (0.875, 0.5, 0.75, 0.875, 0.5, 0.5) against two opponents (0.5 each):
    # 0.5 + 0.5·((1 − 0.125·0.5·0.25·0.125·0.5·0.5) − 0.75).
    assert evaluation.positions[deepen].strength == 0.5 + 0.5 * ((1 - 0.125 * 0.5 * 0.25 * 0.125 * 0.25) - 0.75)
    assert evaluation.positions[deepen].label == "rejected"
    assert evaluation.positions[deepen].why.because == sorted(
        [claim("Such partnerships risk"), claim("The deal is not without controversy")]
    )
    assert (evaluation.positions[safeguards].strength, evaluation.positions[safeguards].label) == (0.875, "accepted")


# -- what if --------------------------------------------------------------------------------


def test_without_the_creative_industries_nothing_opposes_easing_copyright(demo):
    evaluation = evaluate_topic(topic("ai-copyright-easing"), without_stakeholder=stakeholder("creative-industries"))
    undermine = claim("Easing copyright regulations to benefit AI development could undermine")
    assert evaluation.left_out == [undermine]
    assert undermine not in evaluation.claims
    ease, protect = position("Yes: ease copyright"), position("No: easing them")
    assert (evaluation.positions[ease].strength, evaluation.positions[ease].label) == (0.75, "accepted")
    assert evaluation.positions[protect].strength == 0.5


def test_rejecting_both_objections_accepts_deepening_the_partnership(demo):
    objections = [claim("Such partnerships risk"), claim("The deal is not without controversy")]
    evaluation = evaluate_topic(topic("uk-openai-partnership"), reject=objections)
    assert evaluation.positions[position("Yes: deepen it")].label == "accepted"
    assert evaluation.assumed_rejected == sorted(objections)
    assert {evaluation.claims[c].label for c in objections} == {"rejected"}


def test_a_stakeholder_with_no_claims_in_the_topic_leaves_it_unchanged(demo):
    partnership = topic("uk-openai-partnership")
    evaluation = evaluate_topic(partnership, without_stakeholder=stakeholder("openai"))  # a stance on a position only
    assert evaluation.left_out == []
    assert evaluation == evaluate_topic(partnership)


def test_a_claim_of_another_topic_cannot_be_assumed_rejected(demo):
    elsewhere = claim("The CMA cleared")
    with pytest.raises(ValueError, match=f"Not claims of this map: {elsewhere}"):
        evaluate_topic(topic("uk-openai-partnership"), reject=[elsewhere])


# -- coalitions and gaps of the demo map, by hand ---------------------------------------------


def test_demo_partnership_coalitions(demo):
    result = topic_coalitions(topic("uk-openai-partnership"))
    deepen, safeguards = position("Yes: deepen it"), position("Only with safeguards")
    # The government and OpenAI both back deepening; the analysts back safeguards; nobody
    # else has a recorded stance on a position here.
    assert [(c.stakeholder_ids, c.common) for c in result.coalitions] == [
        (sorted(stakeholders("uk-government", "openai")), {deepen: "supports"}),
        (stakeholders("analysts"), {safeguards: "supports"}),
    ]
    assert [(a.stakeholder_ids, a.agreement, a.shared) for a in result.agreements] == [
        (tuple(sorted(stakeholders("uk-government", "openai"))), 1.0, 1)
    ]
    assert result.unaligned == sorted(stakeholders("uk-ai-security-institute", "creative-industries", "deepmind"))
    assert [(e.stakeholder_id, e.quadrant) for e in result.grid] == [
        (stakeholder("uk-government"), "manage closely"),  # 5, 5
        (stakeholder("openai"), "manage closely"),  # 4, 5
        *sorted(
            [
                (stakeholder("uk-ai-security-institute"), "keep informed"),  # 2, 4
                (stakeholder("creative-industries"), "keep informed"),
            ]  # 2, 4
        ),  # fmt: skip
        (stakeholder("analysts"), "monitor"),  # 1, 3
        (stakeholder("deepmind"), "monitor"),  # 1, 2
    ]


def test_demo_copyright_and_control_coalitions(demo):
    copyright_ = topic_coalitions(topic("ai-copyright-easing"))
    assert [(c.stakeholder_ids, c.common) for c in copyright_.coalitions] == [
        (stakeholders("creative-industries"),
         {position("Yes: ease copyright"): "opposes", position("No: easing them"): "supports"})
    ]  # fmt: skip
    assert copyright_.unaligned == sorted(stakeholders("uk-government", "openai"))
    assert {e.stakeholder_id: e.quadrant for e in copyright_.grid} == {
        stakeholder("creative-industries"): "keep informed",  # 2, 5
        stakeholder("uk-government"): "keep satisfied",  # 5, 3
        stakeholder("openai"): "monitor",  # 2, 3
    }
    control = topic_coalitions(topic("microsoft-openai-control"))
    assert [c.stakeholder_ids for c in control.coalitions] == [stakeholders("competition-and-markets-authority")]
    assert control.agreements == []
    assert control.unaligned == sorted(stakeholders("microsoft", "openai", "softbank", "google-cloud"))


def test_demo_gaps(demo):
    partnership = topic_gaps(topic("uk-openai-partnership"))
    assert partnership.claims_without_source == []  # every demo claim cites the report
    # Interest 4 or 5 and no stance on a position: the AI Security Institute (2, 4) and the
    # creative industries (2, 4), whose only stance here is on a claim.
    assert partnership.stakeholders_without_stance == sorted(
        stakeholders("uk-ai-security-institute", "creative-industries")
    )
    assert partnership.positions_unopposed == [position("Only with safeguards")]
    inferred = Stance.objects.filter(basis="inferred")
    assert partnership.stances_inferred == sorted(inferred.values_list("pk", flat=True))
    assert {(s.stakeholder.slug, s.position_id) for s in inferred} == {
        ("openai", position("Yes: deepen it")),
        ("analysts", position("Only with safeguards")),
    }

    copyright_ = topic_gaps(topic("ai-copyright-easing"))
    assert copyright_.stakeholders_without_stance == []  # the government's and OpenAI's interest is 3
    assert copyright_.positions_unopposed == [position("No: easing them")]
    assert copyright_.stances_inferred == []

    control = topic_gaps(topic("microsoft-openai-control"))
    assert control.stakeholders_without_stance == sorted(stakeholders("microsoft", "openai"))
    assert control.positions_unopposed == sorted([position("No: it is not"), position("Yes: Microsoft")])


def test_gaps_follow_edits():
    link = LinkFactory()
    SalienceFactory(topic=link.claim.topic, interest=5)
    gaps = topic_gaps(link.claim.topic)
    assert gaps.claims_without_source == [link.claim_id]
    assert len(gaps.stakeholders_without_stance) == 1
    CitationFactory(claim=link.claim)
    LinkFactory(claim=ClaimFactory(topic=link.claim.topic), target_position=link.target_position, polarity="opposes")
    gaps = topic_gaps(link.claim.topic)
    assert link.claim_id not in gaps.claims_without_source
    assert gaps.positions_unopposed == []


# -- the benchmark ----------------------------------------------------------------------------


def test_benchmark_module_runs():
    out = io.StringIO()
    call_command("benchmark", sizes="30", only="analysis", repeat=1, stdout=out)
    report = out.getvalue()
    assert "evaluation (build + evaluate)" in report
    assert "query + evaluation" in report
    assert "cruxes" in report
    assert "topic page's analysis" in report
    for part in ["evaluation", "evaluation, without a stakeholder", "coalitions", "gaps"]:
        assert f"API {part} (whole request)" in report
