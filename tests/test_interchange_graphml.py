"""GraphML: networkx reads the export with the right nodes, edges and attributes; the
import reads the argument back; XML is parsed only by defusedxml."""

import io
from collections import Counter

import networkx
import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from argmap.interchange import export_map, graphml
from argmap.interchange.graphml import NOT_XML, xml_text
from argmap.loading import load_map
from argmap.models import Link, Stance, Topic
from tests.factories import ClaimFactory, LinkFactory
from tests.interchange import argument, exported, imported, statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_topic():
    call_command("load_demo", verbosity=0)
    return Topic.objects.get(slug="uk-openai-partnership")


def read(topic) -> networkx.MultiDiGraph:
    return networkx.read_graphml(io.BytesIO(exported(topic, "graphml")), force_multigraph=True)


def test_networkx_reads_every_node_and_edge_of_the_map(demo_topic):
    graph = read(demo_topic)
    data = load_map(demo_topic.pk)
    nodes = Counter(attributes["kind"] for _node, attributes in graph.nodes(data=True))
    assert nodes == {
        "position": len(data.positions),
        "claim": len(data.claims),
        "stakeholder": len(data.stakeholders),
        "source": len(data.sources),
    }
    edges = Counter(attributes["kind"] for _start, _end, attributes in graph.edges(data=True))
    assert edges == {
        "link": len(data.links),
        "stance": len(data.stances),
        "citation": len(data.citations),
        "relationship": len(data.relationships),
        "part_of": sum(row["parent_id"] is not None for row in data.stakeholders),
    }
    assert edges["part_of"] == 1  # the UK AI Security Institute is part of the UK Government
    assert graph.graph["text"] == demo_topic.question


def test_the_graphml_is_written_in_bounded_chunks_the_same_whatever_their_size(demo_topic, monkeypatch):
    whole = exported(demo_topic, "graphml")
    monkeypatch.setattr(graphml, "LINES_PER_CHUNK", 3)
    chunks = list(export_map(demo_topic, "graphml").content)
    assert b"".join(chunks) == whole
    assert len(chunks) > whole.count(b"<node ") // 3
    assert max(chunk.count(b"</node>\n") + chunk.count(b"</edge>\n") for chunk in chunks) <= 3


def test_links_carry_their_polarity_and_claims_their_text_and_score(demo_topic):
    graph = read(demo_topic)
    link = Link.objects.filter(claim__topic=demo_topic, polarity="opposes").select_related("claim").first()
    start = f"claim-{link.claim.uid}"
    assert graph.nodes[start]["text"] == link.claim.text
    assert graph.nodes[start]["base_score"] == link.claim.base_score
    assert graph.nodes[start]["uid"] == str(link.claim.uid)
    target = f"position-{link.target_position.uid}" if link.target_position_id else f"claim-{link.target_claim.uid}"
    edges = graph.get_edge_data(start, target)
    assert [data["polarity"] for data in edges.values() if data["kind"] == "link"] == ["opposes"]


def test_stances_name_their_stakeholder(demo_topic):
    graph = read(demo_topic)
    stance = Stance.objects.filter(position__topic=demo_topic).select_related("stakeholder", "position").first()
    edges = graph.get_edge_data(f"stakeholder-{stance.stakeholder.slug}", f"position-{stance.position.uid}")
    data = next(data for data in edges.values() if data["kind"] == "stance")
    assert (data["polarity"], data["stakeholder"]) == (stance.stance, stance.stakeholder.slug)
    assert graph.nodes[f"stakeholder-{stance.stakeholder.slug}"]["text"] == stance.stakeholder.name


def test_text_that_xml_cannot_hold_is_replaced_and_the_rest_escaped():
    claim = ClaimFactory(text='<b> & "quotes" \x0b vertical tab\r\nand a line break')
    graph = read(claim.topic)
    assert graph.nodes[f"claim-{claim.uid}"]["text"] == '<b> & "quotes" \ufffd vertical tab\r\nand a line break'


def test_the_argument_comes_back_from_graphml(demo_topic):
    copy = imported(exported(demo_topic, "graphml"), "graphml", slug="copy", new_uids=True).topic
    assert statements(copy) == statements(demo_topic)
    assert argument(copy) == argument(demo_topic)


def test_graphml_written_by_networkx_imports_its_claims_and_links():
    graph = networkx.DiGraph()
    graph.add_node("a", text="Cars pollute.")
    graph.add_node("b", kind="position", text="Ban cars from the centre.")
    graph.add_edge("a", "b", polarity="supports")
    buffer = io.BytesIO()
    networkx.write_graphml(graph, buffer)
    topic = imported(buffer.getvalue(), "graphml", name="cars.graphml").topic
    assert argument(topic) == {("Cars pollute.", "Ban cars from the centre.", "supports")}


def test_a_position_stays_a_position_across_a_round_trip():
    link = LinkFactory()
    copy = imported(exported(link.claim.topic, "graphml"), "graphml", slug="copy", new_uids=True).topic
    assert copy.positions.get().title == link.target_position.title


@pytest.mark.django_db(False)
@given(st.text())
def test_the_one_escaping_function_round_trips_any_text_through_an_xml_parser(text):
    """GraphML is written as text: whatever a claim says, an XML parser reads back the same
    text, with U+FFFD for each character that XML 1.0 cannot hold."""
    parsed = ElementTree.fromstring(f"<data>{xml_text(text)}</data>").text or ""
    assert parsed == NOT_XML.sub("\ufffd", text)
