"""Lenses and bridges through the API: `?lens=<stakeholder>` on the evaluation, and
/api/v1/topics/{slug}/bridges/."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from argmap.models import Stance, TopicStatus
from argmap.publishing import publish
from tests.factories import (
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def url(slug: str, part: str) -> str:
    return reverse(f"api:topic-{part}", args=[slug])


@pytest.fixture
def divided():
    """A position, an objection to it (10) and an answer to the objection (20): the position
    stands. The industry holds the objection and opposes the position; the ministry holds
    the answer and supports the position."""
    topic = TopicFactory(status=TopicStatus.PUBLISHED)
    position = PositionFactory(topic=topic, title="Yes")
    objection = ClaimFactory(topic=topic, text="An objection.")
    answer = ClaimFactory(topic=topic, text="An answer to it.")
    LinkFactory(claim=objection, target_position=position, polarity="opposes")
    LinkFactory(claim=answer, target_position=None, target_claim=objection, polarity="opposes")
    industry = StakeholderFactory(slug="industry")
    ministry = StakeholderFactory(slug="ministry")
    StanceFactory(stakeholder=industry, position=position, stance="opposes")
    StanceFactory(stakeholder=industry, position=None, claim=objection, stance="supports")
    StanceFactory(stakeholder=ministry, position=position, stance="supports")
    StanceFactory(stakeholder=ministry, position=None, claim=answer, stance="supports")
    cache.clear()
    return topic, position, objection, answer


def test_a_lens_evaluates_the_map_as_the_stakeholder_sees_it(anonymous, divided):
    topic, position, objection, _answer = divided
    plain = anonymous.get(url(topic.slug, "evaluation")).json()
    assert plain["lens"] is None
    assert plain["positions"][0]["label"] == "accepted"

    body = anonymous.get(url(topic.slug, "evaluation"), {"lens": "industry"}).json()

    assert body["what_if"]["lens"] == "industry"
    assert body["lens"]["held"] == [objection.pk]
    assert body["positions"][0]["label"] == "rejected"
    assert {(d["kind"], d["id"], d["default_label"], d["label"]) for d in body["lens"]["differences"]} == {
        ("position", position.pk, "accepted", "rejected"),
        ("claim", objection.pk, "rejected", "accepted"),
    }


def test_a_lens_is_computed_once_per_version(anonymous, divided, django_assert_num_queries):
    topic = divided[0]
    anonymous.get(url(topic.slug, "evaluation"), {"lens": "industry"})
    # The topic, its claims counted (up to ANALYSIS_ON_DEMAND_MAX_CLAIMS), the stakeholder's
    # id by its slug; the lens itself comes from the cache.
    with django_assert_num_queries(3):
        again = anonymous.get(url(topic.slug, "evaluation"), {"lens": "industry"})
    assert again.json()["lens"]["stakeholder"] == "industry"
    ClaimFactory(topic=topic)  # a new version: computed anew
    with django_assert_num_queries(4):
        anonymous.get(url(topic.slug, "evaluation"), {"lens": "industry"})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lens": "nobody"}, "No stakeholder 'nobody' in this topic."),
        ({"lens": "not a slug"}, 'valid "slug"'),
        ({"lens": "industry", "reject": "1"}, "does not combine with without_stakeholder or reject"),
    ],
)
def test_an_unknown_lens_is_a_400_naming_it(anonymous, divided, params, message):
    response = anonymous.get(url(divided[0].slug, "evaluation"), params)
    assert response.status_code == 400
    assert message in response.json()["lens"][0]


def test_a_stakeholder_of_another_topic_is_no_lens_here(anonymous, divided):
    StanceFactory(stakeholder__slug="elsewhere")
    response = anonymous.get(url(divided[0].slug, "evaluation"), {"lens": "elsewhere"})
    assert response.json() == {"lens": ["No stakeholder 'elsewhere' in this topic."]}


def test_bridges_name_the_fewest_claims_that_bring_two_sides_together(anonymous, divided):
    topic, position, objection, _answer = divided
    body = anonymous.get(url(topic.slug, "bridges")).json()
    assert body["bridges"] == [
        {
            "stakeholders": ["industry", "ministry"],
            "divided_on": [position.pk],
            "labels": [{"position_id": position.pk, "labels": ["rejected", "accepted"]}],
            "agree_already": False,
            "accepted_by": "ministry",
            "claim_ids": [objection.pk],
            "found": True,
        }
    ]


def test_a_topic_nobody_is_divided_on_has_no_bridges(anonymous):
    topic = LinkFactory().claim.topic
    assert anonymous.get(url(topic.slug, "bridges")).json()["bridges"] == []


def test_a_publication_serves_the_robustness_stored_with_it(anonymous):
    link = LinkFactory(polarity="opposes", basis="inferred", claim__topic__status=TopicStatus.DRAFT)
    publish(link.claim.topic, user=ReviewerFactory())
    body = anonymous.get(url(link.claim.topic.slug, "evaluation")).json()
    (position,) = body["positions"]
    assert position["robustness"]["robust"] is False
    assert position["robustness"]["flips_to"] == "accepted"
    assert body["claims"][0]["robust"] is True  # nothing but the link's target depends on it


def test_a_publication_serves_the_bridges_stored_with_it(anonymous, divided):
    topic, position, objection, answer = divided
    publish(topic, user=ReviewerFactory())
    # An edit after publication (the ministry no longer holds the answer): not what the public reads.
    Stance.objects.filter(claim=answer).delete()
    with mock.patch("argmap.api.analysis.map_bridges", side_effect=AssertionError("evaluated per request")):
        body = anonymous.get(url(topic.slug, "bridges")).json()
    assert [(row["accepted_by"], row["found"]) for row in body["bridges"]] == [("ministry", True)]


def test_a_stakeholder_added_after_publication_is_no_lens_for_the_public(anonymous, divided):
    topic, position, _objection, _answer = divided
    publish(topic, user=ReviewerFactory())
    StanceFactory(stakeholder=StakeholderFactory(slug="newcomer"), position=position)
    response = anonymous.get(url(topic.slug, "evaluation"), {"lens": "newcomer"})
    assert response.status_code == 400
    assert response.json() == {"lens": ["No stakeholder 'newcomer' in this topic."]}
