"""The analysis of a topic from the database: one query each, and the demo map's results
checked by hand against fixtures/uk-openai-partnership-2025.json.

Every demo claim cites the one report, so its base score comes from that news report
(argmap/evidence.py) and every position starts at 0.5; the DF-QuAD figures below are
worked by hand from the links in the fixture.
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
from benchmarks.bench import main
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


# Every demo claim cites the report (a news report: 1 − 0.8·(1 − 0.7·0.8) = 0.648, see
# argmap/evidence.py); one a stakeholder holds on the record (paraphrased) 1 − 0.8·0.44·0.9.
NEWS = 1 - 0.8 * (1 - 0.7 * 0.8)
HELD = 1 - 0.8 * (1 - 0.7 * 0.8) * 0.9


def test_demo_copyright_easing_is_rejected_and_opposing_it_accepted(demo):
    evaluation = evaluate_topic(topic("ai-copyright-easing"), cruxes=3)
    ease, protect = position("Yes: ease copyright"), position("No: easing them")
    undermine = claim("Easing copyright regulations to benefit AI development could undermine")
    # "could undermine creators" (held by the creative industries) is backed by two claims:
    # HELD + (1 − HELD)·(1 − (1 − NEWS)²).
    backed = HELD + (1 - HELD) * (1 - (1 - NEWS) ** 2)
    assert evaluation.claims[undermine].strength == pytest.approx(backed)
    # "Yes, ease": NEWS supporting against `backed` opposing: 0.5 − 0.5·(backed − NEWS), rejected.
    assert evaluation.positions[ease].strength == pytest.approx(0.5 - 0.5 * (backed - NEWS))
    assert evaluation.positions[ease].label == "rejected"
    # "No": 0.5 + 0.5·backed, and the one alternative still standing: accepted.
    assert evaluation.positions[protect].strength == pytest.approx(0.5 + 0.5 * backed)
    assert evaluation.positions[protect].label == "accepted"
    assert evaluation.alternatives
    # Rejecting "could undermine" would reinstate "Yes, ease" beside "No": both standing
    # alternatives, so undecided.
    cruxes = evaluation.cruxes[ease]
    assert cruxes[0].claim_id == undermine
    assert (cruxes[0].flips, cruxes[0].label_if_rejected) == (True, "undecided")
    assert cruxes[0].if_rejected == pytest.approx(0.5 + 0.5 * NEWS)


def test_demo_cma_decision_is_a_fact_no_interpretation_rejects(demo):
    evaluation = evaluate_topic(topic("microsoft-openai-control"), cruxes=3, explain=True)
    cleared = claim("The CMA cleared")
    assessment = evaluation.claims[cleared]
    assert assessment.label == "accepted"  # nothing opposes the reported decision now
    assert assessment.check == "unchecked"
    no_control, control = position("No: it is not"), position("Yes: Microsoft")
    # Both answers are argued and neither refuted: alternatives, so neither is "the answer";
    # "No" has the larger share.
    labels = {evaluation.positions[p].label for p in (no_control, control)}
    assert labels == {"undecided"}
    assert evaluation.positions[no_control].share > evaluation.positions[control].share
    assert evaluation.positions[no_control].why.rivals == [control]


def test_demo_partnership_positions_may_be_combined(demo):
    evaluation = evaluate_topic(topic("uk-openai-partnership"), explain=True)
    deepen, safeguards = position("Yes: deepen it"), position("Only with safeguards")
    assert not evaluation.alternatives
    assert evaluation.positions[deepen].label == "rejected"
    assert evaluation.positions[deepen].why.because == sorted(
        [claim("Such partnerships risk"), claim("The deal is not without controversy")]
    )
    assert evaluation.positions[safeguards].label == "accepted"
    assert evaluation.positions[safeguards].share is None


def test_demo_evaluation_on_stated_links_alone(demo):
    control_topic = topic("microsoft-openai-control")
    stated = evaluate_topic(control_topic, basis="stated", explain=True)
    no_control, control = position("No: it is not"), position("Yes: Microsoft")
    # Without the editor's links, nothing argues for "Yes": the report draws no argument
    # for control. Both still stand (nothing refutes either), so both stay undecided.
    assert stated.positions[control].strength == 0.5
    # docs/analysis.md quotes the fall: "from 0.98 to 0.50 (its starting score)".
    assert round(evaluate_topic(control_topic).positions[control].strength, 2) == 0.98
    assert stated.positions[control].why.contributions == []
    assert stated.positions[no_control].strength > evaluate_topic(control_topic).positions[no_control].strength - 1
    assert {stated.positions[p].label for p in (no_control, control)} == {"undecided"}


# -- what if --------------------------------------------------------------------------------


def test_without_the_creative_industries_nothing_opposes_easing_copyright(demo):
    evaluation = evaluate_topic(topic("ai-copyright-easing"), without_stakeholder=stakeholder("creative-industries"))
    undermine = claim("Easing copyright regulations to benefit AI development could undermine")
    assert evaluation.left_out == [undermine]
    assert undermine not in evaluation.claims
    ease, protect = position("Yes: ease copyright"), position("No: easing them")
    # Nothing opposes either answer now: both stand, so each alternative is undecided.
    assert evaluation.positions[ease].strength == pytest.approx(0.5 + 0.5 * NEWS)
    assert (evaluation.positions[ease].label, evaluation.positions[protect].label) == ("undecided", "undecided")
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
    inferred = Stance.objects.filter(basis="inferred", topic=topic("uk-openai-partnership"))
    assert partnership.stances_inferred == sorted(inferred.values_list("pk", flat=True))
    assert {(s.stakeholder.slug, s.position_id, s.claim_id) for s in inferred} == {
        ("openai", position("Yes: deepen it"), None),
        ("analysts", position("Only with safeguards"), None),
        ("uk-government", None, claim("The partnership reflects the UK’s desire")),  # the reporter's account
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


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the raw baseline reads through a connection of its own
def test_benchmark_module_runs():
    out = io.StringIO()
    main(["--sizes", "30", "--only", "analysis", "--repeat", "1"], write=lambda line: print(line, file=out))
    report = out.getvalue()
    assert "evaluation (build + evaluate)" in report
    assert "query + evaluation" in report
    assert "cruxes" in report
    assert "topic page's analysis" in report
    for part in ["evaluation", "evaluation, without a stakeholder", "coalitions", "gaps"]:
        assert f"API {part} (whole request)" in report
