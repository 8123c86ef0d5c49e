"""The public's lists and details of a topic's objects read its latest publication
(api/public_records.py): right after publishing they equal what the live API gives an
editor; an edit reaches the public only with the next publication; editors read live."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from argmap.api.filters import (
    CitationFilterSet,
    ClaimFilterSet,
    LinkFilterSet,
    PositionFilterSet,
    RelationshipFilterSet,
    SalienceFilterSet,
    SourceFilterSet,
    StakeholderFilterSet,
    StanceFilterSet,
    TopicFilterSet,
)
from argmap.api.public_records import FILTERSETS, PARTS
from argmap.models import Claim, PublicRecord, Relationship, Source, Stakeholder, Topic, TopicStatus
from argmap.publishing import publish
from argmap.synthetic import generate_map
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    RelationshipFactory,
    ReviewerFactory,
    SalienceFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

RECORDED = sorted(PARTS)
MAP_PARTS = sorted(name for name, part in PARTS.items() if not part.shared and name != "topic")


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


def page(client, name, **params):
    response = client.get(reverse(f"api:{name}-list"), {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()


def listed(client, name, **params) -> list[int]:
    return [row["id"] for row in page(client, name, **params)["results"]]


def detail(client, name, key):
    """The detail of an object by its id (or its slug: topics, stakeholders)."""
    return client.get(reverse(f"api:{name}-detail", args=[key]))


def key_of(name, row):
    return row["slug"] if name in ("topic", "stakeholder") else row["id"]


@pytest.fixture
def published_map(reviewer):
    """A generated map, with a salience estimate, published."""
    generated = generate_map(claims=30, seed=3, slug="published")
    SalienceFactory(topic=generated.topic)
    publish(generated.topic, user=reviewer)
    return generated.topic


@pytest.mark.parametrize("name", RECORDED)
def test_right_after_publishing_the_public_reads_what_the_live_api_shows(anonymous, editor_api, published_map, name):
    public, live = page(anonymous, name), page(editor_api, name)
    assert public["results"], "the generated map has some of each"
    assert public == live
    for row in public["results"][:5]:
        answer, live_answer = detail(anonymous, name, key_of(name, row)), detail(editor_api, name, key_of(name, row))
        assert answer.json() == live_answer.json() == row
        assert answer["ETag"] == live_answer["ETag"]
    assert PublicRecord.objects.filter(topic=published_map, part=name).count() == len(public["results"])


def test_an_edit_reaches_the_public_only_with_the_next_publication(anonymous, editor_api, reviewer):
    changed, removed = ClaimFactory(text="As published"), None
    topic = changed.topic
    removed = ClaimFactory(topic=topic, text="To be deleted")
    publish(topic, user=reviewer)
    published_list = page(anonymous, "claim", topic=topic.slug)

    Claim.objects.filter(pk=changed.pk).update(text="Edited since")
    added = ClaimFactory(topic=topic, text="Added since")
    removed_id = removed.pk
    removed.delete()

    # The public: as published, list and detail alike.
    assert page(anonymous, "claim", topic=topic.slug) == published_list
    assert detail(anonymous, "claim", changed.pk).json()["text"] == "As published"
    assert detail(anonymous, "claim", removed_id).status_code == 200
    assert detail(anonymous, "claim", added.pk).status_code == 404
    assert listed(anonymous, "claim", q="Edited") == []
    # Editors: live, at once.
    assert listed(editor_api, "claim", topic=topic.slug) == [changed.pk, added.pk]
    assert detail(editor_api, "claim", changed.pk).json()["text"] == "Edited since"

    publish(topic, user=reviewer)
    assert listed(anonymous, "claim", topic=topic.slug) == [changed.pk, added.pk]
    assert detail(anonymous, "claim", changed.pk).json()["text"] == "Edited since"
    assert detail(anonymous, "claim", removed_id).status_code == 404
    assert page(anonymous, "claim", topic=topic.slug) == page(editor_api, "claim", topic=topic.slug)


def test_a_shared_stakeholders_rename_leaves_the_published_stances_as_they_were(anonymous, reviewer):
    stance = StanceFactory(stakeholder__name="Old name")
    publish(stance.position.topic, user=reviewer)
    stance.stakeholder.name = "New name"
    stance.stakeholder.save()
    assert detail(anonymous, "stance", stance.pk).json()["stakeholder_brief"]["name"] == "Old name"


@pytest.mark.parametrize("name", MAP_PARTS)
def test_the_objects_of_drafts_and_unpublished_topics_are_not_public(
    anonymous, outsider_api, editor_api, reviewer, name
):
    draft = TopicFactory(status=TopicStatus.DRAFT)
    generate_map(claims=5, seed=4, slug="never-published")  # (a topic of its own, read live)
    SalienceFactory(topic=draft)
    StanceFactory(position__topic=draft)
    CitationFactory(claim__topic=draft)
    LinkFactory(claim__topic=draft, target_position__topic=draft)
    unpublished = generate_map(claims=5, seed=5, slug="unpublished").topic
    SalienceFactory(topic=unpublished)
    publish(unpublished, user=reviewer)
    Topic.objects.filter(pk=unpublished.pk).update(status=TopicStatus.DRAFT)
    hidden = PARTS[name].model.objects.filter(topic__in=[draft, unpublished])
    assert hidden.exists()
    for client in [anonymous, outsider_api]:
        assert not set(listed(client, name)) & set(hidden.values_list("pk", flat=True))
        for obj in hidden[:3]:
            assert detail(client, name, obj.pk).status_code == 404
    assert detail(editor_api, name, hidden[0].pk).status_code == 200


def test_the_records_filters_are_the_live_lists(anonymous):
    live = {
        "topic": TopicFilterSet,
        "stakeholder": StakeholderFilterSet,
        "source": SourceFilterSet,
        "relationship": RelationshipFilterSet,
        "position": PositionFilterSet,
        "claim": ClaimFilterSet,
        "link": LinkFilterSet,
        "stance": StanceFilterSet,
        "citation": CitationFilterSet,
        "salience": SalienceFilterSet,
    }
    assert {name: set(FILTERSETS[name].base_filters) for name in PARTS} == {
        name: set(live[name].base_filters) for name in PARTS
    }


def test_filters_narrow_each_published_list(anonymous, reviewer):
    link = LinkFactory(claim__text="Copyright protects creators", claim__topic__slug="copyright")
    topic = link.claim.topic
    opposing = LinkFactory(claim__topic=topic, polarity="opposes", target_position=link.target_position)
    other = ClaimFactory(text="Data centres need power")
    stance = StanceFactory(position=link.target_position, stance="opposes", held_on="2025-07-21", quote="Firmly")
    on_claim = StanceFactory(claim=opposing.claim, position=None, stance="supports", held_on="2024-01-02")
    source = SourceFactory(kind="press_release", published_on="2025-07-21")
    citation = link.claim.citations.create(source=source, quote="a quoted line", locator="p. 4")
    salience = SalienceFactory(topic=topic, power=5, interest=2)
    for each in [topic, other.topic]:
        publish(each, user=reviewer)
    assert PublicRecord.objects.filter(part="topic").count() == Topic.objects.public().count()  # none read live

    assert set(listed(anonymous, "claim", topic="copyright")) == {link.claim_id, opposing.claim_id}
    assert listed(anonymous, "claim", q="COPYRIGHT") == [link.claim_id]
    assert listed(anonymous, "claim", topic_id=other.topic_id) == [other.pk]
    assert listed(anonymous, "claim", source_id=source.pk) == [link.claim_id]
    assert listed(anonymous, "claim", stakeholder=on_claim.stakeholder.slug) == [opposing.claim_id]
    assert listed(anonymous, "claim", stakeholder=stance.stakeholder.slug) == []
    assert listed(anonymous, "link", polarity="opposes") == [opposing.pk]
    assert listed(anonymous, "link", claim_id=link.claim_id) == [link.pk]
    assert listed(anonymous, "link", target_position_id=link.target_position_id) == [link.pk, opposing.pk]
    assert listed(anonymous, "stance", stance="opposes", topic="copyright") == [stance.pk]
    assert listed(anonymous, "stance", stakeholder=stance.stakeholder.slug) == [stance.pk]
    assert listed(anonymous, "stance", stakeholder_id=on_claim.stakeholder_id) == [on_claim.pk]
    assert listed(anonymous, "stance", claim_id=opposing.claim_id) == [on_claim.pk]
    assert listed(anonymous, "stance", held_after="2025-07-21") == [stance.pk]
    assert listed(anonymous, "stance", held_after="2025-07-22") == []
    assert listed(anonymous, "stance", held_before="2024-12-31") == [on_claim.pk]
    assert listed(anonymous, "stance", q="firmly") == [stance.pk]
    assert listed(anonymous, "citation", source_id=source.pk) == [citation.pk]
    assert listed(anonymous, "citation", q="P. 4") == [citation.pk]
    assert listed(anonymous, "position", q=link.target_position.title[:8].upper(), topic="copyright") == [
        link.target_position_id
    ]
    assert listed(anonymous, "salience", min_power=5, stakeholder=salience.stakeholder.slug) == [salience.pk]
    assert listed(anonymous, "salience", min_interest=3, topic="copyright") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"topik": "x"}, "topik"),
        ({"topic_id": "1.5"}, "topic_id"),
        ({"source_id": str(2**70)}, "source_id"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_requests_of_the_published_lists_are_400s(anonymous, published_map, params, field):
    response = anonymous.get(reverse("api:claim-list"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_published_list_pages_by_cursor_in_the_live_order(anonymous, editor_api, published_map):
    for name in ["claim", "position"]:
        seen, url = [], reverse(f"api:{name}-list") + "?page_size=7"
        while url:
            body = anonymous.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert seen == listed(editor_api, name)
        assert page(anonymous, name, count="true")["count"] == len(seen)


def test_topics_read_live_and_from_records_are_merged_in_order(
    anonymous, editor_api, reviewer, django_assert_num_queries
):
    """A topic published before records existed is read live until its next publication."""
    recorded = generate_map(claims=12, seed=6, slug="recorded").topic
    publish(recorded, user=reviewer)
    read_live = generate_map(claims=12, seed=7, slug="read-live", publish=True).topic
    assert not PublicRecord.objects.filter(topic=read_live).exists()
    for name in ["claim", "position", "link", "topic", "stakeholder", "source", "relationship"]:
        seen, url = [], reverse(f"api:{name}-list") + "?page_size=5"
        while url:
            body = anonymous.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert seen == listed(editor_api, name)
        assert page(anonymous, name, count="true")["count"] == len(seen)
        # the previous page, backwards
        first = anonymous.get(reverse(f"api:{name}-list") + "?page_size=5").json()
        if first["next"]:  # (two topics: one page)
            second = anonymous.get(first["next"]).json()
            assert anonymous.get(second["previous"]).json()["results"] == first["results"]
    # the topic read live shows its edits; the recorded one does not
    ClaimFactory(topic=read_live, text="Live")
    ClaimFactory(topic=recorded, text="Not yet")
    assert listed(anonymous, "claim", q="Live") != []
    assert listed(anonymous, "claim", q="Not yet") == []
    with django_assert_num_queries(3):  # the state, the records, the live rows
        anonymous.get(reverse("api:claim-list"), {"q": "x"})


# Topics and the objects shared between topics: stakeholders, sources, relationships


@pytest.fixture
def shared_map(reviewer):
    """A published topic with a stance of the ministry (part of the government), a
    relationship between the ministry and the regulator (whose salience is estimated),
    sourced, and a citation of a report."""
    stance = StanceFactory(
        position__topic__slug="shared",
        position__topic__summary="As published",
        stakeholder__slug="ministry",
        stakeholder__name="Ministry",
        stakeholder__parent=StakeholderFactory(slug="government", name="Government", kind="government"),
        source__title="The ministry's statement",
    )
    topic = stance.position.topic
    regulator = SalienceFactory(topic=topic, stakeholder__slug="regulator", stakeholder__name="Regulator").stakeholder
    relationship = RelationshipFactory(
        from_stakeholder=stance.stakeholder,
        to_stakeholder=regulator,
        kind="regulates",
        description="As published",
        source=SourceFactory(title="A filing"),
    )
    citation = CitationFactory(claim__topic=topic, source__title="A report", source__url="https://example.org/old")
    publish(topic, user=reviewer)
    return SimpleNamespace(
        topic=topic, stance=stance, stakeholder=stance.stakeholder, regulator=regulator, relationship=relationship,
        source=citation.source, citation=citation,
    )  # fmt: skip


def edit_everything(shared):
    """An editor's changes to the topic and to its shared objects, not published."""
    Topic.objects.filter(pk=shared.topic.pk).update(summary="Edited since")
    Stakeholder.objects.filter(pk=shared.stakeholder.pk).update(name="Renamed Ministry", slug="renamed-ministry")
    Source.objects.filter(pk=shared.source.pk).update(url="https://example.org/new", title="A new title")
    Relationship.objects.filter(pk=shared.relationship.pk).update(description="Edited since", kind="partners_with")


def test_an_edit_to_a_published_topic_and_its_shared_objects_waits_for_the_next_publication(
    anonymous, editor_api, outsider_api, reviewer, shared_map
):
    before = {name: page(anonymous, name) for name in ["topic", "stakeholder", "source", "relationship"]}
    edit_everything(shared_map)

    for client in [anonymous, outsider_api]:
        assert {name: page(client, name) for name in before} == before
        assert detail(client, "topic", "shared").json()["summary"] == "As published"
        assert detail(client, "stakeholder", "ministry").json()["name"] == "Ministry"
        assert detail(client, "stakeholder", "renamed-ministry").status_code == 404
        assert detail(client, "source", shared_map.source.pk).json()["url"] == "https://example.org/old"
        assert detail(client, "relationship", shared_map.relationship.pk).json()["description"] == "As published"
    # the filters look at what was published
    assert listed(anonymous, "topic", q="edited") == []
    assert listed(anonymous, "topic", q="as published") == [shared_map.topic.pk]
    assert listed(anonymous, "stakeholder", q="renamed") == []
    assert listed(anonymous, "stakeholder", q="ministry") == [shared_map.stakeholder.pk]
    assert listed(anonymous, "source", q="new title") == []
    assert listed(anonymous, "relationship", kind="partners_with") == []
    assert listed(anonymous, "relationship", kind="regulates", stakeholder="ministry") == [shared_map.relationship.pk]

    # Editors read live, at once.
    assert detail(editor_api, "topic", "shared").json()["summary"] == "Edited since"
    assert detail(editor_api, "stakeholder", "renamed-ministry").json()["name"] == "Renamed Ministry"
    assert detail(editor_api, "source", shared_map.source.pk).json()["url"] == "https://example.org/new"
    assert listed(editor_api, "relationship", kind="partners_with") == [shared_map.relationship.pk]

    publish(shared_map.topic, user=reviewer)
    for name in before:
        assert page(anonymous, name) == page(editor_api, name), name
    assert detail(anonymous, "topic", "shared").json()["summary"] == "Edited since"
    assert detail(anonymous, "stakeholder", "renamed-ministry").json()["name"] == "Renamed Ministry"
    assert detail(anonymous, "stakeholder", "ministry").status_code == 404
    assert listed(anonymous, "source", q="new title") == [shared_map.source.pk]


def test_the_shared_lists_filters_and_their_bad_values(anonymous, shared_map):
    assert listed(anonymous, "stakeholder", topic="shared") == [shared_map.stakeholder.pk, shared_map.regulator.pk]
    assert listed(anonymous, "stakeholder", parent="government") == [shared_map.stakeholder.pk]
    assert listed(anonymous, "stakeholder", kind="company") == [shared_map.stakeholder.pk, shared_map.regulator.pk]
    assert [row["slug"] for row in page(anonymous, "stakeholder")["results"]] == ["government", "ministry", "regulator"]
    assert listed(anonymous, "source", topic="shared") == [shared_map.source.pk]
    assert listed(anonymous, "source", q="filing") == [shared_map.relationship.source_id]
    assert listed(anonymous, "source", published_before="2100-01-01") == []  # (none has a date)
    assert listed(anonymous, "relationship", from_stakeholder="ministry") == [shared_map.relationship.pk]
    assert listed(anonymous, "relationship", to_stakeholder="ministry") == []
    assert listed(anonymous, "topic", status="draft") == []
    assert listed(anonymous, "topic", changed_since="2000-01-01T00:00:00Z") == [shared_map.topic.pk]
    assert listed(anonymous, "topic", changed_since="2100-01-01T00:00:00Z") == []
    for name, params, field in [
        ("stakeholder", {"kind": "alien"}, "kind"),
        ("stakeholder", {"topik": "shared"}, "topik"),
        ("source", {"published_after": "last tuesday"}, "published_after"),
        ("relationship", {"started_before": "soon"}, "started_before"),
        ("topic", {"changed_since": "yesterday"}, "changed_since"),
        ("topic", {"status": "secret"}, "status"),
        ("stakeholder", {"cursor": "forged"}, "cursor"),
    ]:
        response = anonymous.get(reverse(f"api:{name}-list"), params)
        assert response.status_code == 400, (name, params)
        assert field in response.json()


def test_a_shared_detail_answers_304_to_its_etag(anonymous, editor_api, shared_map):
    for name, key in [("stakeholder", "ministry"), ("source", shared_map.source.pk), ("topic", "shared")]:
        answer = detail(anonymous, name, key)
        assert answer["ETag"] == detail(editor_api, name, key)["ETag"]
        again = anonymous.get(reverse(f"api:{name}-detail", args=[key]), HTTP_IF_NONE_MATCH=answer["ETag"])
        assert again.status_code == 304


def test_a_stakeholder_in_two_topics_shows_the_latest_publications_version(anonymous, reviewer, shared_map):
    other = SalienceFactory(stakeholder=shared_map.stakeholder, topic__slug="other").topic
    Stakeholder.objects.filter(pk=shared_map.stakeholder.pk).update(summary="Written for the other topic")
    publish(other, user=reviewer)
    assert detail(anonymous, "stakeholder", "ministry").json()["summary"] == "Written for the other topic"
    assert PublicRecord.objects.filter(part="stakeholder", object_id=shared_map.stakeholder.pk).count() == 2

    Stakeholder.objects.filter(pk=shared_map.stakeholder.pk).update(summary="Written for the first topic again")
    publish(shared_map.topic, user=reviewer)
    assert detail(anonymous, "stakeholder", "ministry").json()["summary"] == "Written for the first topic again"
    assert listed(anonymous, "stakeholder", q="again") == [shared_map.stakeholder.pk]
    assert listed(anonymous, "stakeholder", q="for the other") == []  # one version each, never both

    # The first topic back to draft: the other topic's version is the public one again.
    Topic.objects.filter(pk=shared_map.topic.pk).update(status=TopicStatus.DRAFT)
    assert detail(anonymous, "stakeholder", "ministry").json()["summary"] == "Written for the other topic"
    # (the regulator went; the other topic includes the ministry's parent too)
    assert listed(anonymous, "stakeholder") == [shared_map.stakeholder.parent_id, shared_map.stakeholder.pk]


def test_shared_objects_only_in_a_draft_are_not_public(anonymous, outsider_api, editor_api, reviewer, shared_map):
    stance = StanceFactory(position__topic__status=TopicStatus.DRAFT, stakeholder__slug="only-in-a-draft")
    tie = RelationshipFactory(from_stakeholder=stance.stakeholder, to_stakeholder=shared_map.stakeholder)
    for client in [anonymous, outsider_api]:
        assert detail(client, "stakeholder", "only-in-a-draft").status_code == 404
        assert detail(client, "source", stance.source_id).status_code == 404
        assert detail(client, "relationship", tie.pk).status_code == 404
        assert detail(client, "topic", stance.position.topic.slug).status_code == 404
        assert stance.stakeholder_id not in listed(client, "stakeholder")
        assert stance.source_id not in listed(client, "source")
        assert tie.pk not in listed(client, "relationship")
        assert stance.position.topic_id not in listed(client, "topic")
    assert detail(editor_api, "stakeholder", "only-in-a-draft").status_code == 200


def test_deleted_since_publication_is_served_as_published_until_the_next(anonymous, reviewer, shared_map):
    relationship_id, source_id = shared_map.relationship.pk, shared_map.source.pk
    shared_map.relationship.delete()
    shared_map.citation.delete()
    shared_map.source.delete()
    assert detail(anonymous, "relationship", relationship_id).json()["description"] == "As published"
    assert detail(anonymous, "source", source_id).json()["title"] == "A report"
    assert listed(anonymous, "source", topic="shared") == [source_id]
    publish(shared_map.topic, user=reviewer)
    assert detail(anonymous, "relationship", relationship_id).status_code == 404
    assert detail(anonymous, "source", source_id).status_code == 404
    assert listed(anonymous, "relationship") == []
    assert listed(anonymous, "source", topic="shared") == []


def test_a_topic_set_back_to_draft_takes_its_records_from_the_public(anonymous, editor_api, reviewer, shared_map):
    """And set to published again without a new publication, it shows its last publication
    again (which is what is public), not what editors changed since."""
    edit_everything(shared_map)
    Topic.objects.filter(pk=shared_map.topic.pk).update(status=TopicStatus.DRAFT)
    for name in ["topic", "stakeholder", "source", "relationship", "claim", "stance"]:
        assert listed(anonymous, name) == [], name
    assert detail(anonymous, "topic", "shared").status_code == 404
    assert detail(anonymous, "stakeholder", "ministry").status_code == 404
    assert PublicRecord.objects.filter(topic=shared_map.topic).exists()  # hidden, not deleted

    Topic.objects.filter(pk=shared_map.topic.pk).update(status=TopicStatus.PUBLISHED)
    assert detail(anonymous, "topic", "shared").json()["summary"] == "As published"
    assert detail(anonymous, "stakeholder", "ministry").json()["name"] == "Ministry"
    assert detail(anonymous, "source", shared_map.source.pk).json()["url"] == "https://example.org/old"
    assert listed(anonymous, "relationship", kind="regulates") == [shared_map.relationship.pk]


def test_shared_objects_only_topics_read_live_include_are_read_live(anonymous, reviewer):
    """A topic published before records existed is read live with the shared objects only
    such topics include; one a recorded topic includes too is read from its record."""
    stance = StanceFactory(stakeholder__slug="in-both", stakeholder__name="As published")
    publish(stance.position.topic, user=reviewer)
    read_live = TopicFactory(status=TopicStatus.PUBLISHED)  # (no publication: no records)
    SalienceFactory(topic=read_live, stakeholder=stance.stakeholder)
    SalienceFactory(topic=read_live, stakeholder__slug="only-live", stakeholder__name="Before")
    Stakeholder.objects.filter(slug__in=["in-both", "only-live"]).update(name="Edited")
    assert detail(anonymous, "stakeholder", "in-both").json()["name"] == "As published"
    assert detail(anonymous, "stakeholder", "only-live").json()["name"] == "Edited"
    assert [(row["slug"], row["name"]) for row in page(anonymous, "stakeholder")["results"]] == [
        ("in-both", "As published"),
        ("only-live", "Edited"),
    ]
    assert listed(anonymous, "stakeholder", q="edited") == [Stakeholder.objects.get(slug="only-live").pk]
