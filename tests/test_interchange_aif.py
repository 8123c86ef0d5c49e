"""AIF in AIFdb's JSON form: the export has the shape AIF tools read, a map comes back
with the same claims, links and polarities, and a file as AIFdb serves it imports."""

import re
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from django.db.models import Q

from argmap.models import Basis, Claim, Link, Polarity, Source, Stakeholder, Stance, Topic
from tests.factories import StanceFactory
from tests.interchange import argument, exported, imported, statements

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "aifdb-sample.json"


@pytest.fixture
def demo_topic():
    """The demo's first topic, with a stated stance added (the demo has none: the report quotes no one)."""
    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="uk-openai-partnership")
    StanceFactory(
        stakeholder=Stakeholder.objects.get(slug="openai"),
        position=None,
        claim=topic.claims.first(),
        basis=Basis.STATED,
        quote="We are proud to deepen our partnership.",
        held_on="2025-07-21",
    )
    return topic


def stances_of(topic):
    return Stance.objects.filter(Q(position__topic=topic) | Q(claim__topic=topic))


def test_export_has_the_shape_aifdb_serves(demo_topic):
    aif = orjson.loads(exported(demo_topic, "aif"))
    assert set(aif) == {"nodes", "edges", "locutions", "participants", "argmap"}
    # in this order, as AIFdb writes them (and argmap did as dicts, before Node and Edge)
    assert all(list(node) == ["nodeID", "text", "type", "timestamp"] for node in aif["nodes"])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", node["timestamp"]) for node in aif["nodes"])
    assert all(list(edge) == ["edgeID", "fromID", "toID", "formEdgeID"] for edge in aif["edges"])
    assert all(edge["formEdgeID"] is None for edge in aif["edges"])
    types = [node["type"] for node in aif["nodes"]]
    links = Link.objects.filter(claim__topic=demo_topic)
    assert types.count("I") == demo_topic.positions.count() + demo_topic.claims.count()
    assert types.count("RA") == links.filter(polarity=Polarity.SUPPORTS).count()
    assert types.count("CA") == links.filter(polarity=Polarity.OPPOSES).count()
    assert {node["text"] for node in aif["nodes"] if node["type"] == "RA"} == {"Default Inference"}
    assert {node["text"] for node in aif["nodes"] if node["type"] == "CA"} == {"Default Conflict"}


def test_each_link_runs_premise_to_scheme_to_conclusion(demo_topic):
    aif = orjson.loads(exported(demo_topic, "aif"))
    text = {node["nodeID"]: node["text"] for node in aif["nodes"]}
    kind = {node["nodeID"]: node["type"] for node in aif["nodes"]}
    into = {edge["toID"]: edge["fromID"] for edge in aif["edges"] if kind[edge["toID"]] in ("RA", "CA")}
    out_of = {edge["fromID"]: edge["toID"] for edge in aif["edges"] if kind[edge["fromID"]] in ("RA", "CA")}
    polarity = {"RA": Polarity.SUPPORTS, "CA": Polarity.OPPOSES}
    links = {(text[into[scheme]], text[out_of[scheme]], polarity[kind[scheme]]) for scheme in into}
    assert links == argument(demo_topic)


def test_stated_stances_are_locutions_of_their_stakeholders(demo_topic):
    stance = stances_of(demo_topic).get(basis=Basis.STATED)
    aif = orjson.loads(exported(demo_topic, "aif"))
    said = next(node for node in aif["nodes"] if node["type"] == "L")
    assert said["text"] == "OpenAI: We are proud to deepen our partnership."
    locution = next(item for item in aif["locutions"] if item["nodeID"] == said["nodeID"])
    assert set(locution) == {"nodeID", "personID", "timestamp", "start", "end", "source"}
    assert locution["timestamp"] == "2025-07-21 00:00:00"
    assert locution["source"] == stance.source.url
    person = next(item for item in aif["participants"] if item["participantID"] == locution["personID"])
    assert person["firstname"] == "OpenAI"
    anchor = next(edge["toID"] for edge in aif["edges"] if edge["fromID"] == said["nodeID"])
    subject = next(edge["toID"] for edge in aif["edges"] if edge["fromID"] == anchor)
    kinds = {node["nodeID"]: (node["type"], node["text"]) for node in aif["nodes"]}
    assert kinds[anchor] == ("YA", "Asserting")
    assert kinds[subject] == ("I", stance.claim.text)


def test_a_map_comes_back_with_the_same_claims_links_and_polarities(demo_topic):
    content = exported(demo_topic, "aif")
    copy = imported(content, "aif", slug="copy", new_uids=True).topic
    assert statements(copy) == statements(demo_topic)
    assert argument(copy) == argument(demo_topic)
    held = ["stakeholder__slug", "stance", "basis", "quote", "held_on", "source__uid"]
    assert sorted(stances_of(copy).values_list(*held)) == sorted(stances_of(demo_topic).values_list(*held))


def test_without_argmaps_key_positions_come_back_as_claims_with_the_same_links(demo_topic):
    aif = orjson.loads(exported(demo_topic, "aif"))
    del aif["argmap"]
    copy = imported(orjson.dumps(aif), "aif", slug="plain").topic
    positions, claims = statements(demo_topic)
    assert statements(copy) == (set(), positions | claims)
    assert argument(copy) == argument(demo_topic)
    stance = stances_of(copy).get()  # only the stated stance travels without the key, as a locution
    assert (stance.stakeholder.slug, stance.stance, stance.basis) == ("openai", "supports", "stated")
    assert stance.quote == "We are proud to deepen our partnership."


def test_aifdb_sample_imports_its_argument_and_its_speakers_stances():
    report = imported(SAMPLE.read_bytes(), "aif", name=SAMPLE.name)
    topic = report.topic
    assert topic.slug == "aifdb-sample"
    assert topic.status == "draft"
    assert topic.claims.count() == 9  # every I node, including the question's proposition
    assert argument(topic) == {
        (
            "artists would lose licensing income they depend on",
            "the government should not ease copyright rules for AI training",
            Polarity.SUPPORTS,
        ),
        (  # the second premise of a linked argument (RA 560116, which repeats the first)
            "AI firms would pay nothing for the creative work they train on",
            "the government should not ease copyright rules for AI training",
            Polarity.SUPPORTS,
        ),
        (
            "Britain will fall behind if its AI labs cannot train on the data other countries' labs use",
            "the government should not ease copyright rules for AI training",
            Polarity.OPPOSES,
        ),
        (
            "the US and Japan already allow AI training on copyrighted work",
            "Britain will fall behind if its AI labs cannot train on the data other countries' labs use",
            Polarity.SUPPORTS,
        ),
        (
            "Japan tightened its rules on AI training last year",
            "the US and Japan already allow AI training on copyrighted work",
            Polarity.OPPOSES,
        ),
    }
    assert set(Stakeholder.objects.values_list("name", flat=True)) == {"Priya Raman", "Tom Hale", "Fiona Bruce"}
    raman = Stance.objects.filter(stakeholder__name="Priya Raman").select_related("claim", "source")
    assert raman.count() == 4
    first = raman.get(claim__text="the government should not ease copyright rules for AI training")
    assert (first.stance, first.basis) == ("supports", "stated")
    assert first.quote == "No, easing copyright would hollow out the creative industries"
    assert first.source.url == "https://www.bbc.co.uk/programmes/question-time-2025-07-24"
    assert Source.objects.filter(title="AIF file aifdb-sample.json", url="").exists()
    notes = " | ".join(str(note) for note in report.notes)
    for skipped in ["dialogue transitions (TA)", "rephrases (MA)", "undercutters", "“Pure Questioning” illocutions"]:
        assert skipped in notes


def test_an_aif_wrapped_in_xaif_imports_too():
    aif = orjson.loads(SAMPLE.read_bytes())
    report = imported(orjson.dumps({"AIF": aif, "text": "…"}), "aif", name="xaif.json")
    assert Claim.objects.filter(topic=report.topic).count() == 9
