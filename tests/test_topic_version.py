"""A topic's version changes whenever anything in its map changes, deletions included,
whatever writes the change (the database's triggers keep it)."""

import re

import pytest
from django.urls import reverse

from argmap.models import Claim, Link, Polarity, Stance, Topic
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    RelationshipFactory,
    SalienceFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def version(topic: Topic) -> int:
    return Topic.objects.values_list("version", flat=True).get(pk=topic.pk)


@pytest.fixture
def topic():
    return TopicFactory()


@pytest.mark.parametrize(
    "make",
    [
        lambda t: PositionFactory(topic=t),
        lambda t: ClaimFactory(topic=t),
        lambda t: LinkFactory(claim__topic=t),
        lambda t: CitationFactory(claim__topic=t),
        lambda t: StanceFactory(position__topic=t),
        lambda t: StanceFactory(position=None, claim=ClaimFactory(topic=t)),
        lambda t: SalienceFactory(topic=t),
    ],
    ids=["position", "claim", "link", "citation", "stance-on-position", "stance-on-claim", "salience"],
)
def test_creating_changing_and_deleting_map_objects_moves_the_version(topic, make):
    obj = make(topic)
    created = version(topic)
    obj.save()
    changed = version(topic)
    obj.delete()
    deleted = version(topic)
    assert 1 < created < changed < deleted


@pytest.mark.parametrize(
    "make",
    [lambda: StakeholderFactory(), lambda: SourceFactory(), lambda: RelationshipFactory()],
    ids=["stakeholder", "source", "relationship"],
)
def test_an_unrelated_stakeholder_source_or_relationship_moves_no_version(topic, make):
    StanceFactory(position__topic=topic)  # the topic uses a stakeholder and a source of its own
    before = version(topic)
    obj = make()
    obj.save()
    obj.delete()
    assert version(topic) == before


@pytest.fixture
def two_topics():
    """Two topics, each with a stakeholder, a source, a citation, a stance and a salience
    estimate of its own; and a third with none of them."""
    topics = {}
    for name in ["first", "second"]:
        topic = TopicFactory()
        claim = ClaimFactory(topic=topic)
        topics[name] = {
            "topic": topic,
            "cited": CitationFactory(claim=claim).source,
            "stance": StanceFactory(position__topic=topic),
            "salience": SalienceFactory(topic=topic),
        }
    topics["unrelated"] = {"topic": TopicFactory()}
    return topics


def versions(two_topics) -> dict[str, int]:
    return {name: version(parts["topic"]) for name, parts in two_topics.items()}


def moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if after[name] != before[name]}


def test_editing_a_cited_source_moves_exactly_the_topics_citing_it(two_topics):
    source = two_topics["first"]["cited"]
    CitationFactory(claim=ClaimFactory(topic=two_topics["second"]["topic"]), source=source)
    before = versions(two_topics)
    source.title = "Corrected title"
    source.save()
    assert moved(before, versions(two_topics)) == {"first", "second"}
    before = versions(two_topics)
    two_topics["second"]["stance"].source.save()  # the source of a stance
    assert moved(before, versions(two_topics)) == {"second"}


def test_editing_a_stakeholder_moves_the_topics_it_is_involved_in(two_topics):
    before = versions(two_topics)
    two_topics["first"]["stance"].stakeholder.save()
    assert moved(before, versions(two_topics)) == {"first"}
    before = versions(two_topics)
    two_topics["second"]["salience"].stakeholder.save()
    assert moved(before, versions(two_topics)) == {"second"}


def test_editing_the_body_a_stakeholder_is_part_of_moves_the_topics_it_is_involved_in(two_topics):
    stakeholder = two_topics["first"]["stance"].stakeholder
    stakeholder.parent = StakeholderFactory()
    stakeholder.save()
    before = versions(two_topics)
    stakeholder.parent.name = "Renamed government"
    stakeholder.parent.save()
    assert moved(before, versions(two_topics)) == {"first"}


def test_a_relationship_moves_the_topics_showing_both_its_stakeholders(two_topics):
    first, second = two_topics["first"], two_topics["second"]
    before = versions(two_topics)
    across = RelationshipFactory(
        from_stakeholder=first["stance"].stakeholder, to_stakeholder=second["salience"].stakeholder
    )
    assert moved(before, versions(two_topics)) == set()  # no topic shows both
    before = versions(two_topics)
    within = RelationshipFactory(
        from_stakeholder=first["stance"].stakeholder, to_stakeholder=first["salience"].stakeholder
    )
    assert moved(before, versions(two_topics)) == {"first"}
    before = versions(two_topics)
    within.source = second["cited"]  # a source the second topic cites: it is shown in the first now
    within.save()
    assert moved(before, versions(two_topics)) == {"first"}
    before = versions(two_topics)
    second["cited"].save()
    assert moved(before, versions(two_topics)) == {"first", "second"}
    before = versions(two_topics)
    within.delete()
    across.delete()
    assert moved(before, versions(two_topics)) == {"first"}


def test_the_feed_announces_only_the_topics_a_change_touched(client, two_topics):
    def entries() -> set[str]:
        body = client.get(reverse("argmap:feed")).content.decode()
        return set(re.findall(r"urn:argmap:topic:[\w-]+:version:\d+", body))

    before = entries()
    SourceFactory(title="An unrelated report")
    StakeholderFactory(name="An unrelated company").save()
    assert entries() == before
    two_topics["first"]["cited"].save()
    first = two_topics["first"]["topic"]
    first.refresh_from_db()
    assert entries() - before == {f"urn:argmap:topic:{first.slug}:version:{first.version}"}


def test_other_topics_keep_their_version(topic):
    other = TopicFactory()
    before = version(other)
    ClaimFactory(topic=topic)
    assert version(other) == before


def test_bulk_and_queryset_writes_move_the_version(topic):
    claims = Claim.objects.bulk_create([Claim(topic=topic, text=f"claim {i}") for i in range(50)])
    after_bulk = version(topic)
    Claim.objects.filter(topic=topic).update(base_score=0.7)
    after_update = version(topic)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).delete()
    assert version(topic) > after_update > after_bulk > 1


def test_saving_a_stale_topic_never_moves_the_version_back(topic):
    stale = Topic.objects.get(pk=topic.pk)
    for _ in range(3):
        ClaimFactory(topic=topic)
    current = version(topic)
    stale.title = "Renamed"
    stale.save()  # carries the old version in memory
    assert version(topic) == current + 1


def test_changed_at_moves_with_the_version(topic):
    # Measured from a change the database stamped (a new topic's time is Python's, which
    # PostgreSQL's transaction time, the triggers' now(), may precede).
    ClaimFactory(topic=topic)
    before = Topic.objects.values_list("changed_at", flat=True).get(pk=topic.pk)
    ClaimFactory(topic=topic)
    assert Topic.objects.values_list("changed_at", flat=True).get(pk=topic.pk) >= before


def test_etag_names_topic_and_version(topic):
    topic.refresh_from_db()
    etag = topic.etag
    ClaimFactory(topic=topic)
    topic.refresh_from_db()
    assert etag == f'"topic-{topic.pk}-v{topic.version - 1}"'
    assert topic.etag != etag


def test_deleting_a_link_moves_the_version(topic):
    a = ClaimFactory(topic=topic)
    b = ClaimFactory(topic=topic)
    link = Link.objects.create(claim=a, target_claim=b, polarity=Polarity.OPPOSES)
    before = version(topic)
    Link.objects.filter(pk=link.pk).delete()
    assert version(topic) == before + 1
    assert not Stance.objects.exists()


def test_a_bulk_insert_that_names_the_wrong_topic_still_moves_the_right_one(topic):
    # The versions follow the topic the database keeps on links, citations and stances
    # (migration 0007); a wrong one given by a bulk insert is corrected, and the right
    # topic's version moves all the same.
    claim, target = ClaimFactory(topic=topic), ClaimFactory(topic=topic)
    elsewhere = TopicFactory()
    before = version(topic)
    Link.objects.bulk_create([Link(claim=claim, target_claim=target, polarity=Polarity.SUPPORTS, topic=elsewhere)])
    assert version(topic) > before
    before = version(topic)
    Stance.objects.bulk_create(
        [Stance(stakeholder=StakeholderFactory(), claim=claim, stance="neutral", basis="inferred", topic=elsewhere)]
    )
    assert version(topic) > before
    before = version(topic)
    Link.objects.filter(claim=claim).delete()
    assert version(topic) > before
