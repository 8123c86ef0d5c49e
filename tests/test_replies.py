"""Right of reply (issue 16): a stakeholder answers a stance attributed to them; bad input
gets a 4xx or a form error and nothing is stored; a reviewer moderates."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from argmap.models import Reply, ReplyStatus, TopicStatus
from argmap.publishing import publish
from tests.factories import (
    ClaimFactory,
    ReviewerFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Ada Lovelace",
    "role": "Head of policy",
    "email": "ada@example.org",
    "text": "We never said this; our position is conditional.",
    "link": "https://example.org/statement",
}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the rate limits count in the cache


@pytest.fixture
def stance():
    topic = TopicFactory(slug="copyright")
    claim = ClaimFactory(topic=topic, text="Easing copyright harms creators.")
    creators = StakeholderFactory(name="Creative industries", slug="creative-industries")
    return StanceFactory(
        stakeholder=creators, position=None, claim=claim, stance="supports", basis="inferred", source=None
    )


def reply_url(stance, slug=None):
    return reverse("argmap:stance-reply", args=[slug or stance.stakeholder.slug, stance.pk])


def test_a_reply_waits_for_moderation_then_shows_beside_the_stance_with_its_date(client, stance):
    response = client.post(reply_url(stance), GOOD)
    assert response.status_code == 201
    reply = Reply.objects.get()
    assert reply.status == ReplyStatus.PENDING
    claim_page = stance.claim.get_absolute_url()
    assert GOOD["text"] not in client.get(claim_page).content.decode()
    reviewer = ReviewerFactory(username="reviewer")
    admin = Client()
    admin.force_login(reviewer)
    changelist = reverse("admin:argmap_reply_changelist")
    admin.post(changelist, {"action": "accept", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.ACCEPTED
    assert reply.decided_by == reviewer
    html = client.get(claim_page).content.decode()
    assert GOOD["text"] in html
    assert reply.decided_at.strftime("%Y-%m-%d") in html
    assert "ada@example.org" not in html  # never shown
    # The topic's next publication notes it.
    assert "1 reply from stakeholders accepted" in publish(stance.claim.topic, user=reviewer).changes


def test_an_edit_keeps_the_original_and_a_decline_needs_a_reason(client, stance):
    client.post(reply_url(stance), GOOD)
    reply = Reply.objects.get()
    admin = Client()
    admin.force_login(ReviewerFactory(username="reviewer"))
    change = reverse("admin:argmap_reply_change", args=[reply.pk])
    response = admin.post(change, {"status": "declined", "edited_text": "", "decline_reason": ""})
    assert response.status_code == 200  # the form again, with its error
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.PENDING
    admin.post(change, {"status": "accepted", "edited_text": "Our position is conditional.", "decline_reason": ""})
    reply.refresh_from_db()
    assert (reply.status, reply.text, reply.shown_text) == ("accepted", GOOD["text"], "Our position is conditional.")


def test_a_reply_without_a_csrf_token_is_refused(stance):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reply_url(stance), GOOD).status_code == 403
    assert not Reply.objects.exists()


def test_replies_are_rate_limited_per_address_and_per_email(client, stance, settings):
    codes = [client.post(reply_url(stance), {**GOOD, "email": f"a{i}@example.org"}).status_code for i in range(10)]
    assert codes == [201] * settings.REPLY_RATE_LIMIT + [429] * (10 - settings.REPLY_RATE_LIMIT)
    assert Reply.objects.count() == settings.REPLY_RATE_LIMIT
    cache.clear()
    Reply.objects.all().delete()
    addresses = [f"192.0.2.{i}" for i in range(10)]
    codes = [client.post(reply_url(stance), GOOD, REMOTE_ADDR=address).status_code for address in addresses]
    assert codes == [201] * settings.REPLY_RATE_LIMIT + [429] * (10 - settings.REPLY_RATE_LIMIT)


def test_a_100_kb_reply_is_a_form_error(client, stance):
    response = client.post(reply_url(stance), {**GOOD, "text": "x" * 100_000})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not Reply.objects.exists()


@pytest.mark.parametrize("field", ["name", "role", "email", "text", "link"])
def test_markup_in_any_field_is_refused_and_never_rendered(client, stance, field):
    payload = "<script>alert(1)</script>"
    value = f"https://example.org/{payload}" if field == "link" else payload
    if field == "email":
        value = f"{payload}@example.org"
    response = client.post(reply_url(stance), {**GOOD, field: value})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not Reply.objects.exists()


def test_a_reply_to_a_draft_a_missing_or_another_stakeholders_stance_is_a_404(client, stance):
    draft = TopicFactory(slug="draft", status=TopicStatus.DRAFT)
    hidden = StanceFactory(
        stakeholder=stance.stakeholder, position=None, claim=ClaimFactory(topic=draft), basis="inferred", source=None
    )
    other = StakeholderFactory(slug="someone-else")
    assert client.post(reply_url(hidden), GOOD).status_code == 404
    assert client.post(reverse("argmap:stance-reply", args=["creative-industries", 987654]), GOOD).status_code == 404
    assert client.post(reply_url(stance, slug=other.slug), GOOD).status_code == 404
    assert client.get(reply_url(stance, slug=other.slug)).status_code == 404
    assert not Reply.objects.exists()
