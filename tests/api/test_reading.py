"""Reading: lists are paged (tests/api/test_pages.py), stably ordered and filtered; the public sees published
maps only (a draft is a 404 on every endpoint); every list, detail and the map load in
a constant number of queries."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from argmap.models import Claim, Link, Stakeholder, Stance, TopicStatus
from argmap.publishing import publish
from argmap.synthetic import generate_map
from tests.api.resources import RESOURCES, public_object
from tests.factories import (
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


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# Drafts


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_a_draft_and_everything_in_it_is_invisible_to_the_public(anonymous, outsider_api, editor_api, resource):
    draft = public_object(resource.name, topic=TopicFactory(status=TopicStatus.DRAFT))
    for client in [anonymous, outsider_api]:
        assert draft.pk not in ids(client.get(resource.list_url()))
        response = client.get(resource.detail_url(draft))
        assert response.status_code == 404
        assert response.json()["detail"]
    assert draft.pk in ids(editor_api.get(resource.list_url()))
    assert editor_api.get(resource.detail_url(draft)).status_code == 200


def test_a_drafts_map_is_a_404_to_the_public_and_readable_by_editors(anonymous, editor_api):
    draft = TopicFactory(status=TopicStatus.DRAFT)
    url = reverse("api:topic-map", args=[draft.slug])
    assert anonymous.get(url).status_code == 404
    assert editor_api.get(url).status_code == 200


def test_shared_objects_are_public_only_where_a_published_map_involves_them(anonymous):
    published, draft = TopicFactory(), TopicFactory(status=TopicStatus.DRAFT)
    parent = StakeholderFactory(slug="government")
    seen = StanceFactory(position__topic=published, stakeholder__parent=parent, stakeholder__slug="institute")
    hidden = StanceFactory(position__topic=draft, stakeholder__slug="only-in-a-draft")
    SalienceFactory(topic=published, stakeholder__slug="salient")
    StakeholderFactory(slug="involved-nowhere")
    stakeholders = anonymous.get(reverse("api:stakeholder-list")).json()["results"]
    assert {s["slug"] for s in stakeholders} == {"government", "institute", "salient"}
    sources = ids(anonymous.get(reverse("api:source-list")))
    assert seen.source_id in sources
    assert hidden.source_id not in sources
    between = {
        (a, b): RelationshipFactory(
            from_stakeholder=Stakeholder.objects.get(slug=a), to_stakeholder=Stakeholder.objects.get(slug=b)
        ).pk
        for a, b in [("government", "institute"), ("institute", "salient"), ("institute", "only-in-a-draft")]
    }
    listed = ids(anonymous.get(reverse("api:relationship-list")))
    assert [pk in listed for pk in between.values()] == [True, True, False]


# Pages, order, filters


# (Pages: tests/api/test_pages.py.)


def test_an_unknown_filter_is_a_400_naming_it(anonymous):
    response = anonymous.get(reverse("api:claim-list"), {"topik": "x"})
    assert response.status_code == 400
    assert "Unknown filter" in response.json()["topik"][0]


@pytest.mark.parametrize(
    ("resource", "params", "field"),
    [
        ("link", {"polarity": "sideways"}, "polarity"),
        ("claim", {"topic_id": "abc"}, "topic_id"),
        ("claim", {"topic_id": "1.5"}, "topic_id"),
        ("stance", {"held_after": "last tuesday"}, "held_after"),
        ("topic", {"status": "secret"}, "status"),
        ("claim", {"q": "nul\x00byte"}, "q"),
        ("salience", {"min_power": "lots"}, "min_power"),
        ("citation", {"claim_id": str(2**70)}, "claim_id"),
        ("claim", {"topic_id": str(-(2**70))}, "topic_id"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_filter(anonymous, resource, params, field):
    response = anonymous.get(reverse(f"api:{resource}-list"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_filters_narrow_each_list(anonymous):
    link = LinkFactory(claim__text="Copyright protects creators", claim__topic__slug="copyright")
    opposing = LinkFactory(claim__topic=link.claim.topic, polarity="opposes", target_position=link.target_position)
    other = ClaimFactory(text="Data centres need power")
    stance = StanceFactory(position=link.target_position, stance="opposes", held_on="2025-07-21")
    source = SourceFactory(kind="press_release", published_on="2025-07-21")
    link.claim.citations.create(source=source, quote="x")

    def listed(name, **params):
        return ids(anonymous.get(reverse(f"api:{name}-list"), params))

    assert set(listed("claim", topic="copyright")) == {link.claim_id, opposing.claim_id}
    assert listed("claim", q="COPYRIGHT") == [link.claim_id]
    assert listed("claim", topic_id=other.topic_id) == [other.pk]
    assert listed("claim", source_id=source.pk) == [link.claim_id]
    assert listed("claim", stakeholder=stance.stakeholder.slug) == []
    assert listed("link", polarity="opposes") == [opposing.pk]
    assert listed("stance", stance="opposes", topic="copyright") == [stance.pk]
    assert listed("stance", held_after="2025-07-22") == []
    assert source.pk in listed("source", kind="press_release", published_after="2025-07-01")
    assert listed("source", topic="copyright") == [source.pk]
    assert listed("stakeholder", topic="copyright") == [stance.stakeholder_id]
    assert listed("topic", status="draft") == []


# The map


def test_the_map_is_the_map_document(anonymous):
    from argmap.interchange.native import map_document

    topic = generate_map(claims=12, seed=1, publish=True).topic
    response = anonymous.get(reverse("api:topic-map", args=[topic.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    topic.refresh_from_db()
    assert response.content == map_document(topic)
    document = response.json()
    assert document["topic"]["slug"] == topic.slug
    assert len(document["claims"]) == 12
    assert len(document["links"]) == Link.objects.filter(claim__topic=topic).count()
    assert (
        len(document["stances"])
        == Stance.objects.filter(position__topic=topic).count() + Stance.objects.filter(claim__topic=topic).count()
    )


def test_the_map_answers_304_until_the_map_changes(anonymous):
    claim = ClaimFactory()
    url = reverse("api:topic-map", args=[claim.topic.slug])
    first = anonymous.get(url)
    assert first["ETag"] == f'"topic-{claim.topic_id}-v{first.json()["topic"]["version"]}"'
    assert first["Last-Modified"]
    unchanged = anonymous.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert anonymous.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    claim.text = "Changed"
    claim.save()
    changed = anonymous.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_detail_answers_304_to_its_own_etag(anonymous):
    claim = ClaimFactory()
    url = reverse("api:claim-detail", args=[claim.pk])
    etag = anonymous.get(url)["ETag"]
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert anonymous.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_text_comes_back_exactly_as_stored(anonymous):
    text = "  Émigrés 🧪 “quoted” \u202eRTL\u202c e\u0301  "
    claim = ClaimFactory(text=text)
    assert anonymous.get(reverse("api:claim-detail", args=[claim.pk])).json()["text"] == text


# Query budgets. Anonymous: a list is the version of the published topics (its cache key,
# api/views.py) + the page (related objects joined in; no COUNT; a topic's objects from
# its publication's records, api/public_records.py); a detail is the object (or its
# record); the map is the topic + the whole map (loading.py, one query). With a token,
# two more: the token with its user, and the user's permissions (asked to decide whether
# drafts are visible).
LIST, DETAIL, MAP, TOKEN = 2, 1, 2, 2


@pytest.fixture(params=[20, 300], ids=["20-claims", "300-claims"])
def generated(request):
    generate_map(claims=request.param, seed=1, slug="small", publish=True)
    return generate_map(claims=request.param, seed=2, slug="other", publish=True)


@pytest.fixture(scope="class", params=[20, 300], ids=["20-claims", "300-claims"])
def published(request, module_transaction, django_db_blocker):
    """Two maps published by a reviewer: the public reads their publications' records.
    Made once per size for the tests of a class, which read them, in a savepoint undone
    after them (see module_transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        reviewer = ReviewerFactory(username="publisher")
        small = generate_map(claims=request.param, seed=1, slug="small")
        other = generate_map(claims=request.param, seed=2, slug="other")
        for topic in [small.topic, other.topic]:
            publish(topic, user=reviewer)
        with django_db_blocker.block():
            yield other
        transaction.set_rollback(True)


class TestQueriesOfPublishedMaps:
    @pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
    def test_each_list_and_detail_takes_constant_queries(
        self, django_assert_num_queries, anonymous, editor_api, published, resource
    ):
        obj = resource.model.objects.order_by("pk").last()
        # (an editor's list is not cached: no version to read, but the token and permissions)
        for client, extra, listed in [(anonymous, 0, LIST), (editor_api, TOKEN, LIST - 1)]:
            with django_assert_num_queries(listed + extra):
                response = client.get(resource.list_url(), {"page_size": 500})
            assert len(response.json()["results"]) > 1
            with django_assert_num_queries(DETAIL + extra):
                assert client.get(resource.detail_url(obj)).status_code == 200


def test_the_map_takes_constant_queries(django_assert_num_queries, anonymous, editor_api, generated):
    url = reverse("api:topic-map", args=[generated.topic.slug])
    claims = Claim.objects.filter(topic=generated.topic).count()
    with django_assert_num_queries(MAP):
        assert len(anonymous.get(url).json()["claims"]) == claims
    with django_assert_num_queries(MAP + TOKEN):
        assert editor_api.get(url).status_code == 200


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_list_rows_are_exactly_what_the_serializer_writes(editor_api, resource):
    from rest_framework.test import APIRequestFactory

    from argmap.api import urls

    generate_map(claims=12, seed=1, publish=True)
    request = APIRequestFactory().get("/", HTTP_HOST="testserver")
    serializer_class = {name: viewset for _prefix, viewset, name in urls.router.registry}[
        resource.name
    ].serializer_class
    rows = editor_api.get(resource.list_url(), {"page_size": 500}).json()["results"]
    objects = resource.model.objects.filter(pk__in=[row["id"] for row in rows]).order_by("pk")
    expected = serializer_class(objects, many=True, context={"request": request}).data
    assert sorted(rows, key=lambda row: row["id"]) == [dict(row) for row in expected]
    assert list(rows[0]) == list(serializer_class.Meta.fields)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 27, 6, 41, 48, 283000, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 27, 6, 41, 48, tzinfo=datetime.UTC),  # no fraction: none written
        datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
    ],
)
def test_list_pages_write_timestamps_exactly_as_the_serializer(anonymous, moment):
    claim = ClaimFactory(topic__status=TopicStatus.PUBLISHED)
    Claim.objects.filter(pk=claim.pk).update(created_at=moment, updated_at=moment)
    [row] = anonymous.get(reverse("api:claim-list"), {"topic": claim.topic.slug}).json()["results"]
    expected = serializers.DateTimeField().to_representation(moment)
    assert row["created_at"] == row["updated_at"] == expected


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Santiago"])
def test_list_rows_write_timestamps_in_the_current_time_zone_as_the_serializer(zone):
    """rows.py converts timestamps with the time zone looked up once per page: the same
    text as DRF's per-value conversion, whatever zone is active."""
    from rest_framework.test import APIRequestFactory

    from argmap.api.rows import reader_for
    from argmap.api.serializers import ClaimSerializer, StanceSerializer

    stance = StanceFactory(claim=ClaimFactory(), position=None)
    moment = datetime.datetime(2026, 3, 29, 0, 30, 5, 123456, tzinfo=datetime.UTC)  # Paris changes its clocks
    Claim.objects.filter(pk=stance.claim_id).update(created_at=moment)
    request = APIRequestFactory().get("/", HTTP_HOST="testserver")
    with timezone.override(zone):
        for serializer_class, obj in (
            (ClaimSerializer, Claim.objects.get(pk=stance.claim_id)),
            (StanceSerializer, stance),
        ):
            reader = reader_for(serializer_class)
            [row] = reader.rows(reader.values(serializer_class.Meta.model.objects.filter(pk=obj.pk)), request)
            assert row == dict(serializer_class(obj, context={"request": request}).data)
            if serializer_class is ClaimSerializer:
                # in the zone active, not UTC's: "2026-03-29T01:30:05.123456+01:00" in Paris
                assert row["created_at"].endswith("Z") == (zone == "UTC")
