"""A claim's kind, check, settling source and score reason, and the basis of links (and,
where the format carries them, relationships), go out in AIF, Argdown and GraphML and
come back in: export → import into an empty database → the same fields."""

import re

import networkx
import orjson
import pytest

from argmap.models import Claim, Link, Relationship
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    RelationshipFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)
from tests.interchange import empty_the_database, exported, imported

pytestmark = pytest.mark.django_db

CLAIM_FIELDS = ("uid", "kind", "fact_check", "settled_by__uid", "score_reason", "base_score")
# Link uids: AIF carries them; Argdown has no place for them, and GraphML's import makes new ones.
LINK_FIELDS = ("claim__uid", "target_position__uid", "target_claim__uid", "polarity", "basis")


@pytest.fixture
def verdict_map():
    """A fact checked false by a regulator's decision, a confirmed fact, a value with an
    editor's score and its reason, an interpretation; one inferred link; an inferred
    relationship between two stakeholders of the map."""
    topic = TopicFactory(slug="verdicts")
    position = PositionFactory(topic=topic, title="Yes")
    decision = SourceFactory(title="The regulator's decision", kind="regulator_decision")
    report = SourceFactory(title="A news report")
    false_fact = ClaimFactory(topic=topic, text="The deal was blocked.", kind="fact", fact_check="false",
                              settled_by=decision)  # fmt: skip
    confirmed = ClaimFactory(topic=topic, text="The deal was cleared.", kind="fact", fact_check="confirmed")
    value = ClaimFactory(topic=topic, text="Control ought to be reviewed.", kind="value", base_score=0.7,
                         score_reason="Two regulators say so.")  # fmt: skip
    reading = ClaimFactory(topic=topic, text="It amounts to control.")
    LinkFactory(claim=false_fact, target_position=position, polarity="opposes")
    LinkFactory(claim=confirmed, target_position=position, polarity="supports")
    LinkFactory(claim=value, target_position=None, target_claim=confirmed, polarity="opposes", basis="inferred")
    LinkFactory(claim=reading, target_position=position, polarity="supports")
    CitationFactory(claim=confirmed, source=report)
    one, other = StakeholderFactory(slug="investor"), StakeholderFactory(slug="maker")
    StanceFactory(stakeholder=one, position=position)
    StanceFactory(stakeholder=other, position=position, stance="opposes")
    RelationshipFactory(from_stakeholder=one, to_stakeholder=other, basis="inferred")
    return topic


def fields(topic_slug: str) -> tuple[set, set]:
    claims = set(Claim.objects.filter(topic__slug=topic_slug).values_list(*CLAIM_FIELDS))
    links = set(Link.objects.filter(topic__slug=topic_slug).values_list(*LINK_FIELDS))
    return claims, links


@pytest.mark.parametrize("format", ["aif", "argdown", "graphml"])
def test_kinds_checks_and_bases_survive_a_round_trip(verdict_map, format):
    before = fields("verdicts")
    content = exported(verdict_map, format)
    empty_the_database()

    imported(content, format, slug="verdicts")

    assert fields("verdicts") == before


def test_aif_carries_the_basis_of_relationships(verdict_map):
    content = exported(verdict_map, "aif")
    empty_the_database()
    imported(content, "aif")
    assert list(Relationship.objects.values_list("basis", flat=True)) == ["inferred"]


def test_aif_says_which_inferences_an_editor_drew_in_its_extension(verdict_map):
    document = orjson.loads(exported(verdict_map, "aif"))
    inferred = document["argmap"]["inferred_links"]
    assert len(inferred) == 1
    (node,) = [n for n in document["nodes"] if n["nodeID"] == inferred[0]]
    assert (node["type"], node["text"]) == ("CA", "Default Conflict")
    facts = [about for about in document["argmap"]["nodes"].values() if about.get("claim_kind") == "fact"]
    assert sorted(about["fact_check"] for about in facts) == ["confirmed", "false"]


def test_argdown_data_names_the_kind_and_the_inferred_link(verdict_map):
    text = exported(verdict_map, "argdown").decode()
    assert '"kind":"value"' in text
    assert '"score_reason":"Two regulators say so."' in text
    assert re.search(r'"basis":\{"C\d+":"inferred"\}', text)
    assert '"check":"false"' in text


def test_networkx_reads_the_new_graphml_keys(verdict_map, tmp_path):
    path = tmp_path / "map.graphml"
    path.write_bytes(exported(verdict_map, "graphml"))
    graph = networkx.read_graphml(path)
    kinds = {data.get("claim_kind") for _node, data in graph.nodes(data=True) if data.get("kind") == "claim"}
    assert kinds == {"fact", "value", "interpretation"}
    bases = sorted(data["basis"] for _a, _b, data in graph.edges(data=True) if data.get("kind") == "link")
    assert bases == ["inferred", "stated", "stated", "stated"]
    relationship = [data for _a, _b, data in graph.edges(data=True) if data.get("kind") == "relationship"]
    assert [data["basis"] for data in relationship] == ["inferred"]
