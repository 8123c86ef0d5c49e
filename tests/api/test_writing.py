"""Writing: every rule of DOMAIN.md is a 400 naming the field, with nothing stored;
protected deletes and constraint races are 409s; no update is lost (428 without
If-Match, 412 when stale); every write is kept in history with its editor."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from argmap.api.serializers import ModelRulesSerializer
from argmap.models import Claim, Link, Polarity, Source, Stakeholder, Topic, TopicStatus
from tests.api.resources import CHANGES, RESOURCES, deletable_object, new_body
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SourceFactory,
    StakeholderFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def post(client, name, body):
    return client.post(reverse(f"api:{name}-list"), body, format="json")


def link_body(claim, target, polarity=Polarity.SUPPORTS):
    field = "target_claim" if isinstance(target, Claim) else "target_position"
    return {"claim": claim.pk, field: target.pk, "polarity": polarity}


# Creating, reading back, changing


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_an_editor_creates_reads_changes_and_deletes_each_resource(editor_api, editor, resource):
    created = post(editor_api, resource.name, new_body(resource.name))
    assert created.status_code == 201, created.content
    obj = resource.model.objects.get(pk=created.json()["id"])
    url = resource.detail_url(obj)
    assert created["Location"].endswith(url)
    read = editor_api.get(url)
    assert read.json() == created.json()
    assert read["ETag"] == created["ETag"]

    field, value = CHANGES[resource.name]
    changed = editor_api.put(url, read.json() | {field: value}, format="json", headers={"If-Match": read["ETag"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()[field] == value
    assert changed["ETag"] == editor_api.get(url)["ETag"] != read["ETag"]

    deleted = editor_api.delete(url, headers={"If-Match": changed["ETag"]})
    assert deleted.status_code == 204
    assert not resource.model.objects.filter(pk=obj.pk).exists()
    history = list(resource.model.history.filter(id=obj.pk).order_by("history_date"))
    assert [record.history_type for record in history] == ["+", "~", "-"]
    assert {record.history_user for record in history} == {editor}


def test_editors_cannot_publish_by_changing_the_status(editor_api):
    topic = TopicFactory(status=TopicStatus.DRAFT)
    url = reverse("api:topic-detail", args=[topic.slug])
    etag = editor_api.get(url)["ETag"]
    response = editor_api.patch(url, {"status": "published"}, format="json", headers={"If-Match": etag})
    assert response.status_code == 400
    assert "status" in response.json()
    assert editor_api.post(reverse("api:topic-publish", args=[topic.slug]), {}, format="json").status_code == 403
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DRAFT


def test_publishing_a_topic_stamps_its_publication_date():
    reviewer = ReviewerFactory(username="reviewer")
    client = APIClient()
    client.force_authenticate(reviewer)
    topic = TopicFactory(status=TopicStatus.DRAFT)
    response = client.post(reverse("api:topic-publish", args=[topic.slug]), {"note": "First"}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == 1
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PUBLISHED
    assert topic.published_at is not None
    url = reverse("api:topic-detail", args=[topic.slug])
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"status": "draft"}, format="json", headers={"If-Match": etag})
    assert response.status_code == 200  # a reviewer may take it down


def test_text_is_stored_exactly_as_sent(editor_api):
    text = "  Émigrés 🧪 “quoted” \u202eRTL\u202c e\u0301\n"
    response = post(editor_api, "claim", {"topic": TopicFactory().pk, "text": text})
    assert response.status_code == 201
    assert Claim.objects.get().text == text


# Every rule is a 400 naming its field, and nothing is stored


def test_cross_topic_link_is_a_400_on_the_target(editor_api):
    claim, elsewhere = ClaimFactory(), ClaimFactory()
    response = post(editor_api, "link", link_body(claim, elsewhere))
    assert response.status_code == 400
    assert "a link must stay within" in response.json()["target_claim"][0]
    assert not Link.objects.exists()


def test_support_cycle_is_a_400_on_the_target(editor_api):
    a = ClaimFactory()
    b, c = ClaimFactory(topic=a.topic), ClaimFactory(topic=a.topic)
    assert post(editor_api, "link", link_body(a, b)).status_code == 201
    assert post(editor_api, "link", link_body(b, c)).status_code == 201
    response = post(editor_api, "link", link_body(c, a))
    assert response.status_code == 400
    assert response.json() == {
        "target_claim": ["This link would close a circle of support: the target already supports this claim."]
    }
    assert Link.objects.count() == 2
    assert post(editor_api, "link", link_body(c, a, Polarity.OPPOSES)).status_code == 201  # opposition may loop


def test_self_link_is_a_400_on_the_target(editor_api):
    claim = ClaimFactory()
    response = post(editor_api, "link", link_body(claim, claim, Polarity.OPPOSES))
    assert response.status_code == 400
    assert response.json() == {"target_claim": ["A claim cannot support or oppose itself."]}


@pytest.mark.parametrize(
    ("name", "field", "value", "message"),
    [
        ("source", "url", "javascript:alert(1)", "Enter a valid URL."),
        ("source", "url", "data:text/html,<script>", "Enter a valid URL."),
        ("stakeholder", "url", "vbscript:msgbox", "Enter a valid URL."),
        ("claim", "text", "a\x00b", "Null characters are not allowed."),
        ("claim", "text", "x" * 2001, "Ensure this field has no more than 2000 characters."),
        ("topic", "summary", "x" * 5001, "Ensure this field has no more than 5000 characters."),
        ("claim", "base_score", 1.5, "Ensure this value is less than or equal to 1.0."),
        ("salience", "power", 7, "Ensure this value is less than or equal to 5."),
        ("claim", "topic", 999999, 'Invalid pk "999999" - object does not exist.'),
        ("link", "polarity", "sideways", '"sideways" is not a valid choice.'),
    ],
)
def test_each_broken_rule_is_a_400_naming_the_field(editor_api, name, field, value, message):
    body = new_body(name) | {field: value}
    before = {resource.model: resource.model.objects.count() for resource in RESOURCES}
    response = post(editor_api, name, body)
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert {model: model.objects.count() for model in before} == before


def test_a_stated_stance_without_words_is_a_400_on_the_quote(editor_api):
    body = new_body("stance") | {"basis": "stated", "source": SourceFactory().pk}
    response = post(editor_api, "stance", body)
    assert response.status_code == 400
    assert response.json() == {"quote": ["A stated stance needs the stakeholder's words."]}


def test_a_duplicate_is_a_400_saying_what_exists(editor_api):
    link = LinkFactory()
    response = post(editor_api, "link", link_body(link.claim, link.target_position))
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This claim already has this link to this position."]
    response = post(editor_api, "stakeholder", new_body("stakeholder") | {"slug": StakeholderFactory().slug})
    assert response.status_code == 400
    assert "slug" in response.json()


def test_moving_a_claim_with_links_is_a_400_on_its_topic(editor_api):
    link = LinkFactory()
    url = reverse("api:claim-detail", args=[link.claim_id])
    etag = editor_api.get(url)["ETag"]
    response = editor_api.patch(url, {"topic": TopicFactory().pk}, format="json", headers={"If-Match": etag})
    assert response.status_code == 400
    assert "remove them before moving it" in response.json()["topic"][0]


# Deleting what others depend on, and races


def argued_about():
    target = ClaimFactory()
    LinkFactory(claim__topic=target.topic, target_claim=target, target_position=None)
    return target


@pytest.mark.parametrize(
    ("make", "name", "dependents"),
    [
        (argued_about, "claim", "1 link"),
        (lambda: CitationFactory().source, "source", "1 citation"),
        (lambda: PositionFactory().topic, "topic", "1 position"),
    ],
)
def test_deleting_what_others_depend_on_is_a_409_that_says_what(editor_api, make, name, dependents):
    obj = make()
    resource = next(r for r in RESOURCES if r.name == name)
    url = resource.detail_url(obj)
    response = editor_api.delete(url, headers={"If-Match": editor_api.get(url)["ETag"]})
    assert response.status_code == 409
    assert f"cannot be deleted: {dependents} depends on it" in response.json()["detail"]
    assert resource.model.objects.filter(pk=obj.pk).exists()


def test_a_constraint_hit_that_validation_missed_is_a_409_not_a_500(editor_api):
    link = LinkFactory()
    with mock.patch.object(ModelRulesSerializer, "validate", lambda self, attrs: attrs):  # as if a race won
        response = post(editor_api, "link", link_body(link.claim, link.target_position))
    assert response.status_code == 409
    assert "Nothing was saved" in response.json()["detail"]
    assert Link.objects.count() == 1


# Lost updates


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_change_without_if_match_is_a_428(editor_api, method):
    source = SourceFactory(title="Before")
    url = reverse("api:source-detail", args=[source.pk])
    response = getattr(editor_api, method)(url, {"title": "After", "kind": "news_report"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Source.objects.filter(pk=source.pk, title="Before").exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_change_over_someone_elses_is_a_412(editor_api, method):
    source = SourceFactory(title="Before")
    url = reverse("api:source-detail", args=[source.pk])
    etag = editor_api.get(url)["ETag"]
    source.title = "Their change"
    source.save()  # a second editor, meanwhile
    body = {"title": "My change", "kind": "news_report"}
    response = getattr(editor_api, method)(url, body, format="json", headers={"If-Match": etag})
    assert response.status_code == 412
    assert "Someone else changed" in response.json()["detail"]
    assert Source.objects.get(pk=source.pk).title == "Their change"


def test_if_match_star_changes_whatever_is_there(editor_api):
    source = SourceFactory()
    url = reverse("api:source-detail", args=[source.pk])
    response = editor_api.patch(url, {"title": "Mine"}, format="json", headers={"If-Match": "*"})
    assert response.status_code == 200


# History


def test_writes_with_a_token_are_kept_in_history_with_the_editor(editor_api, editor):
    response = post(editor_api, "source", new_body("source"))
    source = Source.objects.get(pk=response.json()["id"])
    url = reverse("api:source-detail", args=[source.pk])
    editor_api.patch(url, {"title": "Renamed"}, format="json", headers={"If-Match": response["ETag"]})
    records = source.history.order_by("history_date")
    assert [(r.history_type, r.title, r.history_user) for r in records] == [
        ("+", "A report", editor),
        ("~", "Renamed", editor),
    ]


# Concurrency (PostgreSQL: SQLite takes its write lock at BEGIN, so writers never overlap)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_links_cannot_together_close_a_circle_of_support(
    on_postgresql, restore_editors_group, editor_token
):
    if not on_postgresql:
        pytest.skip("concurrent transactions: runs on PostgreSQL (SQLite serializes writers at BEGIN)")
    from rest_framework.test import APIClient

    from argmap.api.views import LinkViewSet

    a = ClaimFactory()
    b = ClaimFactory(topic=a.topic)
    first_saved, second_validated = threading.Event(), threading.Event()
    original_perform_create = LinkViewSet.perform_create
    original_validate = ModelRulesSerializer.validate
    results = {}

    def perform_create(view, serializer):
        original_perform_create(view, serializer)
        if threading.current_thread().name == "first":
            first_saved.set()
            # Without the topic lock, the second write is validated now, before this one
            # commits, and sees no circle; with it, the second waits for this commit.
            second_validated.wait(timeout=1)

    def validate(serializer, attrs):
        try:
            return original_validate(serializer, attrs)
        finally:
            if threading.current_thread().name == "second":
                second_validated.set()

    def write(body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token.key}")
        try:
            results[threading.current_thread().name] = post(client, "link", body).status_code
        finally:
            connection.close()

    with (
        mock.patch.object(LinkViewSet, "perform_create", perform_create),
        mock.patch.object(ModelRulesSerializer, "validate", validate),
    ):
        first = threading.Thread(target=write, args=[link_body(a, b)], name="first")
        second = threading.Thread(target=write, args=[link_body(b, a)], name="second")
        first.start()
        first_saved.wait(timeout=10)
        second.start()
        first.join()
        second.join()
    assert results == {"first": 201, "second": 400}
    assert Link.objects.count() == 1


def test_deleting_a_topic_with_claims_names_them(editor_api):
    topic = ClaimFactory().topic
    url = reverse("api:topic-detail", args=[topic.slug])
    response = editor_api.delete(url, headers={"If-Match": editor_api.get(url)["ETag"]})
    assert response.status_code == 409
    assert "1 claim" in response.json()["detail"]
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_a_stakeholder_with_stances_cannot_be_deleted(editor_api):
    stakeholder = deletable_object("stance").stakeholder
    url = reverse("api:stakeholder-detail", args=[stakeholder.slug])
    response = editor_api.delete(url, headers={"If-Match": "*"})
    assert response.status_code == 409
    assert Stakeholder.objects.filter(pk=stakeholder.pk).exists()


def test_a_stakeholder_part_of_itself_through_others_is_a_conflict_and_of_itself_a_bad_request(editor_api):
    government = StakeholderFactory()
    institute = StakeholderFactory(parent=government)
    url = reverse("api:stakeholder-detail", args=[government.slug])
    through_others = editor_api.patch(
        url, {"parent": institute.pk}, format="json", headers={"If-Match": editor_api.get(url)["ETag"]}
    )
    assert through_others.status_code == 409, through_others.json()  # the tree as it now stands refuses it
    assert "cannot be part of itself, directly or through others" in through_others.json()["detail"]
    itself = editor_api.patch(
        url, {"parent": government.pk}, format="json", headers={"If-Match": editor_api.get(url)["ETag"]}
    )
    assert itself.status_code == 400
    assert itself.json() == {"parent": ["A stakeholder cannot be part of itself, directly or through others."]}
    government.refresh_from_db()
    assert government.parent is None
