"""A topic's version changes whenever anything in its map changes, deletions included,
whatever writes the change (the database's triggers keep it)."""

import pytest

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
def test_shared_objects_move_every_topic_version(topic, make):
    before = version(topic)
    obj = make()
    obj.save()
    assert version(topic) > before + 1


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
