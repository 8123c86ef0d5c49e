"""Scoped pickers: the admin's autocompletes name each position or claim with its kind and
its topic, and a link's pickers offer only the positions and claims of the link's topic."""

import re

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, LinkFactory, PositionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def autocomplete(client, model_name, field_name, term="", **extra):
    params = {"app_label": "argmap", "model_name": model_name, "field_name": field_name, "term": term, **extra}
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def two_yeses():
    """Two topics, each with a position called "Yes" and a claim: the trap of the issue."""
    here, elsewhere = TopicFactory(title="Here"), TopicFactory(title="Elsewhere")
    return {
        "here": here,
        "elsewhere": elsewhere,
        "yes_here": PositionFactory(topic=here, title="Yes"),
        "yes_elsewhere": PositionFactory(topic=elsewhere, title="Yes"),
        "claim_here": ClaimFactory(topic=here, text="A reason here"),
        "claim_elsewhere": ClaimFactory(topic=elsewhere, text="A reason elsewhere"),
    }


def test_every_position_and_claim_choice_names_its_kind_and_topic(editor_client, two_yeses):
    assert sorted(autocomplete(editor_client, "stance", "position", "Yes")) == [
        "position: Yes · in “Elsewhere”",
        "position: Yes · in “Here”",
    ]
    assert sorted(autocomplete(editor_client, "citation", "claim", "A reason")) == [
        "claim: A reason elsewhere · in “Elsewhere”",
        "claim: A reason here · in “Here”",
    ]


def test_a_forwarded_topic_limits_the_choices_to_it(editor_client, two_yeses):
    here = two_yeses["here"].pk
    assert autocomplete(editor_client, "link", "target_position", "Yes", topic=here) == ["position: Yes · in “Here”"]
    assert autocomplete(editor_client, "link", "target_claim", "A reason", topic=here) == [
        "claim: A reason here · in “Here”"
    ]
    assert autocomplete(editor_client, "link", "target_claim", "", topic="1 OR 1=1") == []
    assert autocomplete(editor_client, "link", "target_claim", "", topic="9" * 40) == []


def topic_in_picker(html: str, field: str) -> str | None:
    """The topic a rendered picker forwards (from its data-ajax--url)."""
    tag = re.search(rf'<select[^>]*name="{field}"[^>]*>', html)[0]
    url = re.search(r'data-ajax--url="([^"]*)"', tag)[1]
    found = re.search(r"\?topic=(\d+)", url)
    return found[1] if found else None


def test_a_claims_link_pickers_forward_the_claims_topic(editor_client, two_yeses):
    claim = two_yeses["claim_here"]
    LinkFactory(claim=claim, target_position=two_yeses["yes_here"])
    html = editor_client.get(reverse("admin:argmap_claim_change", args=[claim.pk])).content.decode()
    here = str(two_yeses["here"].pk)
    assert topic_in_picker(html, "links-0-target_position") == here
    assert topic_in_picker(html, "links-0-target_claim") == here
    assert topic_in_picker(html, "links-__prefix__-target_position") == here  # the row "Add another" copies
    assert "position: Yes · in “Here”" in html  # the chosen target, named by kind and topic


def test_a_link_opened_for_a_position_forwards_its_topic(editor_client, two_yeses):
    position = two_yeses["yes_elsewhere"]
    url = reverse("admin:argmap_link_add") + f"?polarity=opposes&target_position={position.pk}"
    html = editor_client.get(url).content.decode()
    assert topic_in_picker(html, "claim") == str(two_yeses["elsewhere"].pk)
    assert topic_in_picker(html, "target_claim") == str(two_yeses["elsewhere"].pk)


def test_a_picker_no_rule_confines_forwards_no_topic(editor_client, two_yeses):
    html = editor_client.get(reverse("admin:argmap_stance_add")).content.decode()
    assert topic_in_picker(html, "position") is None
