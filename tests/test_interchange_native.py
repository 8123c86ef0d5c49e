"""argmap's own JSON: export → import into an empty database → export gives the same
bytes; the API's map document imports too; imports are all-or-nothing and kept in
history as the importing user."""

import io

import orjson
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from argmap.interchange import import_map
from argmap.interchange.native import map_document
from argmap.models import (
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Relationship,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
)
from argmap.synthetic import generate_map
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    RelationshipFactory,
    SalienceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)
from tests.interchange import empty_the_database, exported, imported

pytestmark = pytest.mark.django_db

DEMO_TOPICS = ["uk-openai-partnership", "ai-copyright-easing", "microsoft-openai-control"]
MAP_MODELS = [Topic, Position, Claim, Link, Stakeholder, Stance, Source, Citation, Relationship, Salience]
# Text that has to come back byte for byte: emoji, right-to-left, combining marks, line
# breaks, and what other formats read as syntax.
AWKWARD = "Émigrés 🧪 “quoted” \u202eRTL e\u0301 line\nbreak\ttab \\ {braces} === <b> #tag [x] // :y: e.g. =SUM(1)"


def rich_topic():
    """A topic with every part of a map, awkward text and a three-level "part of" chain."""
    link = LinkFactory(claim__text=AWKWARD, claim__base_score=0.25, target_position__summary="Why: " + AWKWARD)
    topic = link.claim.topic
    rebuttal = LinkFactory(claim__topic=topic, target_claim=link.claim, target_position=None, polarity=Polarity.OPPOSES)
    LinkFactory(claim=link.claim, target_claim=rebuttal.claim, target_position=None, polarity=Polarity.OPPOSES)
    grandparent = StakeholderFactory(slug="department", url="https://example.org/dept")
    parent = StakeholderFactory(slug="agency", parent=grandparent)
    stance = StanceFactory(
        stakeholder__parent=parent,
        position=link.target_position,
        basis="stated",
        quote="“We will.” " + AWKWARD,
        held_on="2025-07-21",
        note="conditions",
    )
    StanceFactory(
        stakeholder=stance.stakeholder,
        position=None,
        claim=rebuttal.claim,
        stance="opposes",
        basis="inferred",
        source=None,
    )
    CitationFactory(claim=link.claim, source=stance.source, quote=AWKWARD, locator="p. 3")
    RelationshipFactory(
        from_stakeholder=stance.stakeholder, to_stakeholder=parent, amount="$13bn", started_on="2023-01-01"
    )
    SalienceFactory(topic=topic, stakeholder=stance.stakeholder, rationale=AWKWARD)
    topic.publish()
    topic.save()
    return Topic.objects.get(pk=topic.pk)


def test_demo_topics_round_trip_byte_for_byte_through_an_empty_database():
    call_command("load_demo", verbosity=0)
    before = {slug: exported(Topic.objects.get(slug=slug)) for slug in DEMO_TOPICS}
    empty_the_database()
    for slug in DEMO_TOPICS:  # one after the other: the later ones reuse shared stakeholders
        imported(before[slug])
    after = {slug: exported(Topic.objects.get(slug=slug)) for slug in DEMO_TOPICS}
    assert after == before


def test_every_part_and_awkward_text_round_trip_byte_for_byte():
    first = exported(rich_topic())
    document = orjson.loads(first)
    assert {part: len(document[part]) for part in document if part not in ("format", "topic")} == {
        "positions": 1,
        "claims": 2,
        "links": 3,
        "stakeholders": 3,  # the stance's stakeholder, its parent and its grandparent
        "stances": 2,
        "sources": 1,
        "citations": 1,
        "relationships": 1,
        "salience": 1,
    }
    empty_the_database()
    imported(first)
    assert exported(Topic.objects.get()) == first
    assert Claim.objects.filter(text=AWKWARD).exists()


def test_export_refers_by_uid_and_slug_never_by_database_id():
    topic = rich_topic()
    document = orjson.loads(exported(topic))
    stance = next(row for row in document["stances"] if row["basis"] == "stated")
    assert document["format"] == "argmap-export/1"
    assert set(document["topic"]) == {"slug", "title", "question", "summary", "status", "published_at", "alternatives"}
    assert stance["position"] == str(Position.objects.get().uid)
    assert stance["stakeholder"] == Stance.objects.get(basis="stated").stakeholder.slug
    assert not any(
        "id" in row or any(key.endswith("_id") for key in row)
        for part in document.values()
        if isinstance(part, list)
        for row in part
    )


def test_the_api_map_document_imports_as_the_same_map():
    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="uk-openai-partnership")
    native, document = exported(topic), map_document(topic)
    empty_the_database()
    imported(document)
    assert exported(Topic.objects.get()) == native


def test_a_map_document_stakeholder_whose_parent_it_leaves_out_is_imported_without_a_parent():
    document = map_document(rich_topic())  # the map document lists parents, not grandparents
    grandparent = Stakeholder.objects.get(slug="department").pk
    empty_the_database()
    report = imported(document)
    assert [str(note) for note in report.notes] == [
        f"stakeholders[0]: parent_id: {grandparent} is not in the document; no parent"
    ]
    assert Stakeholder.objects.get(slug="agency").parent is None


def test_import_is_recorded_in_history_as_the_importing_editor(editor):
    content = exported(rich_topic())
    empty_the_database()
    report = imported(content, user=editor)
    created = sum(report.created.values()) + 1  # and the topic
    for model in MAP_MODELS:
        records = model.history.filter(history_type="+", history_user=editor)
        assert records.count() == model.objects.count(), model.__name__
    assert sum(model.history.filter(history_user=editor).count() for model in MAP_MODELS) == created
    assert Claim.history.filter(history_user=editor).first().history_change_reason == "imported from a file (json)"


def test_dry_run_reports_what_it_would_create_and_writes_nothing():
    content = exported(rich_topic())
    empty_the_database()
    report = imported(content, dry_run=True, name="map.json")
    assert report.created["claims"] == 2
    assert report.summary().startswith("map.json: would import")
    assert report.topic is None
    assert not any(model.objects.exists() for model in MAP_MODELS)


def test_a_map_already_in_the_database_is_refused_unless_imported_as_a_copy():
    topic = rich_topic()
    content = exported(topic)
    refused = import_map(io.BytesIO(content), "json")
    assert [problem.message.split(":")[0] for problem in refused.problems][:3] == ["slug", "uid", "uid"]
    copy = imported(content, slug="a-copy", new_uids=True).topic
    original, duplicate = orjson.loads(content), orjson.loads(exported(copy))
    assert duplicate["topic"]["slug"] == "a-copy"
    assert [row["text"] for row in duplicate["claims"]] == [row["text"] for row in original["claims"]]
    assert {row["uid"] for row in duplicate["claims"]}.isdisjoint(row["uid"] for row in original["claims"])
    assert duplicate["stakeholders"] == original["stakeholders"]  # shared: reused, not copied
    assert Stakeholder.objects.count() == 3


def test_import_takes_the_same_number_of_queries_whatever_the_size():
    counts = []
    for claims in (10, 200):
        content = exported(generate_map(claims=claims, seed=claims).topic)
        empty_the_database()
        with CaptureQueriesContext(connection) as captured:
            imported(content)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_topic_fields_can_be_overridden_on_import():
    content = exported(TopicFactory(title="Original", slug="original"))
    report = imported(content, slug="renamed", title="Renamed", question="Is it renamed?")
    assert Topic.objects.filter(slug="renamed", title="Renamed", question="Is it renamed?").exists()
    assert report.slug == "renamed"


def test_positions_and_claims_keep_their_order_and_scores():
    topic = TopicFactory()
    for order, title in enumerate(["Second", "First"]):
        PositionFactory(topic=topic, title=title, order=1 - order)
    ClaimFactory(topic=topic, base_score=0.125)
    content = exported(topic)
    empty_the_database()
    imported(content)
    assert list(Position.objects.order_by("order").values_list("title", flat=True)) == ["First", "Second"]
    assert Claim.objects.get().base_score == 0.125
