"""What the public reads of a published topic (issue 16): its latest publication, on the
topic page, the API's map and analysis, the exports and the feeds; citable versions; the
diff, corrections and feeds of publications."""

import datetime
from unittest import mock

import orjson
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from argmap.graph import ArgumentGraph
from argmap.models import Claim, TopicStatus
from argmap.publishing import publish
from argmap.synthetic import generate_map
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

EDIT = "An edit nobody has reviewed yet."


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


@pytest.fixture
def published(reviewer):
    """A topic published as version 1, then edited: a new claim, and a claim rewritten."""
    topic = TopicFactory(title="Deepen the partnership?", slug="partnership", status=TopicStatus.DRAFT)
    yes = PositionFactory(topic=topic, title="Yes: deepen it", order=1)
    lags = ClaimFactory(topic=topic, text="The UK lags in AI investment.")
    LinkFactory(claim=lags, target_position=yes)
    first = publish(topic, user=reviewer, note="First version")
    LinkFactory(claim=ClaimFactory(topic=topic, text=EDIT), target_position=yes, polarity="opposes")
    Claim.objects.filter(pk=lags.pk).update(text="Rewritten after publication.")
    topic.refresh_from_db()
    return {"topic": topic, "yes": yes, "lags": lags, "first": first}


def api(topic, action, *args):
    return reverse(f"api:topic-{action}", args=[topic.slug, *args])


def editor_client():
    client = APIClient()
    client.force_authenticate(EditorFactory(username="editor"))
    return client


def test_an_edit_is_invisible_to_the_public_until_the_next_publication(client, published, reviewer):
    topic = published["topic"]
    anonymous = APIClient()
    surfaces = {
        "page": lambda: client.get(topic.get_absolute_url()).content,
        "map": lambda: anonymous.get(api(topic, "map")).content,
        "evaluation": lambda: anonymous.get(api(topic, "evaluation")).content,
        "coalitions": lambda: anonymous.get(api(topic, "coalitions")).content,
        "export": lambda: b"".join(anonymous.get(api(topic, "export", "json")).streaming_content),
        "argdown": lambda: b"".join(anonymous.get(api(topic, "export", "argdown")).streaming_content),
        "feed": lambda: client.get(reverse("argmap:feed")).content,
        "topic feed": lambda: client.get(reverse("argmap:topic-feed", args=[topic.slug])).content,
    }
    for name, read in surfaces.items():
        body = read()
        assert EDIT.encode() not in body, name
        assert b"Rewritten after publication." not in body, name
    for name in ("page", "map", "export"):
        assert b"The UK lags in AI investment." in surfaces[name](), name
    # Editors work on the live map.
    editors = editor_client()
    assert EDIT.encode() in editors.get(api(topic, "map")).content
    # The next publication brings the edit to everyone.
    publish(topic, user=reviewer)
    for name in ("page", "map", "export", "argdown"):
        assert EDIT.encode() in surfaces[name](), name
    evaluation = orjson.loads(surfaces["evaluation"]())
    assert len(evaluation["claims"]) == 2
    assert "1 new claim against “Yes: deepen it”" in surfaces["feed"]().decode()


def test_the_published_page_shows_the_topic_as_published(client, published):
    topic = published["topic"]
    topic.title = "A title changed since"
    topic.save()
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Deepen the partnership?" in html
    assert "A title changed since" not in html
    assert "Version 1, published" in html


def test_a_citable_version_never_changes_and_is_cached_forever(client, published, reviewer):
    topic = published["topic"]
    url = reverse("argmap:topic-version", args=[topic.slug, 1])
    before = client.get(url)
    assert before.status_code == 200
    assert set(before["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    publish(topic, user=reviewer, note="Second")
    publish(topic, user=reviewer, is_correction=True, correction_note="Fixed a date")
    cache.clear()  # rendered again, not served from the cache
    after = client.get(url)
    assert after.content == before.content
    html = after.content.decode()
    assert "Version 1</strong> of this map" in html
    assert "Read the current version" in html
    assert EDIT not in html
    assert client.get(reverse("argmap:topic-version", args=[topic.slug, 9])).status_code == 404


def test_as_of_picks_the_publication_in_force_on_that_date(client, reviewer):
    topic = TopicFactory(slug="dated", status=TopicStatus.DRAFT)
    days = [timezone.make_aware(datetime.datetime(2025, 7, d, 12)) for d in (10, 24)]
    for day in days:
        with mock.patch("argmap.publishing.timezone.now", return_value=day):
            publish(topic, user=reviewer)
    url = topic.get_absolute_url()
    assert client.get(url, {"as_of": "2025-07-09"}).status_code == 404
    for as_of, number in [("2025-07-10", 1), ("2025-07-23", 1), ("2025-07-24", 2), ("2026-01-01", 2)]:
        response = client.get(url, {"as_of": as_of})
        assert response.status_code == 302
        assert response["Location"] == reverse("argmap:topic-version", args=["dated", number])
    assert client.get(url, {"as_of": "24/07/2025"}).status_code == 400


def test_a_correction_appears_in_the_topic_and_site_logs(client, published, reviewer):
    topic = published["topic"]
    publish(topic, user=reviewer, is_correction=True, correction_note="The amount was $100bn, not $10bn.")
    for url in (reverse("argmap:topic-corrections", args=[topic.slug]), reverse("argmap:corrections")):
        html = client.get(url).content.decode()
        assert "The amount was $100bn, not $10bn." in html, url
        assert reverse("argmap:topic-version", args=[topic.slug, 2]) in html
    assert reverse("argmap:corrections") in client.get(reverse("argmap:home")).content.decode()  # the footer
    feed = client.get(reverse("argmap:topic-feed", args=[topic.slug])).content.decode()
    assert "a correction" in feed
    assert "urn:argmap:topic:partnership:publication:2" in feed


def test_the_diff_page_between_two_publications(client, published, reviewer):
    topic = published["topic"]
    publish(topic, user=reviewer)
    response = client.get(reverse("argmap:topic-diff", args=[topic.slug, 1, 2]))
    html = response.content.decode()
    assert "1 new claim against “Yes: deepen it”" in html
    assert EDIT in html
    assert "Rewritten after publication." in html
    assert "immutable" in response["Cache-Control"]
    assert client.get(reverse("argmap:topic-diff", args=[topic.slug, 2, 1])).status_code == 404
    assert client.get(reverse("argmap:topic-publications", args=[topic.slug])).status_code == 200


def test_the_api_lists_publications_and_serves_each_map(published, reviewer):
    topic = published["topic"]
    publish(topic, user=reviewer, note="Second")
    anonymous = APIClient()
    listed = anonymous.get(api(topic, "publications")).json()
    assert [(p["number"], p["note"]) for p in listed] == [(2, "Second"), (1, "First version")]
    first = anonymous.get(listed[1]["map_url"])
    assert first.status_code == 200
    assert "immutable" in first["Cache-Control"]
    assert first.content == published["first"].snapshot.encode()
    assert anonymous.get(api(topic, "publication-map", 7)).status_code == 404


def test_drafts_publications_stay_hidden_from_the_public(client, published):
    topic = published["topic"]
    topic.unpublish()
    topic.save()
    assert client.get(reverse("argmap:topic-version", args=[topic.slug, 1])).status_code == 404
    assert APIClient().get(api(topic, "publications")).status_code == 404
    assert client.get(reverse("argmap:corrections")).status_code == 200


@pytest.mark.slow  # a 10,000-claim map
def test_a_published_10k_claim_page_takes_no_evaluation_at_request_time(client, django_assert_num_queries, reviewer):
    topic = generate_map(claims=10_000, seed=1).topic
    publish(topic, user=reviewer)
    with (
        mock.patch.object(ArgumentGraph, "evaluate", side_effect=AssertionError("evaluated at request time")),
        mock.patch("argmap.publishing.load_map", side_effect=AssertionError("the live map read")),
        # the topic, its latest publication with its page plan, the rows the plan lists
        # (test_published_pages.py)
        django_assert_num_queries(3),
    ):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    with mock.patch.object(ArgumentGraph, "evaluate", side_effect=AssertionError("evaluated at request time")):
        assert APIClient().get(api(topic, "evaluation")).status_code == 200
        assert client.get(reverse("argmap:topic-analysis", args=[topic.slug])).status_code == 200
