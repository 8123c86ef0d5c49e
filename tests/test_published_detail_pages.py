"""The claim, position, stakeholder and source pages read what was published (issue 16):
an anonymous reader sees the topic's latest publication, an editor the live map."""

import pytest
from django.urls import reverse

from argmap.models import Attitude, Claim, Stance, TopicStatus
from argmap.publishing import publish
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EditorFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ADDED = "A claim added after publication."


@pytest.fixture
def edited():
    """A topic published, then edited: a claim rewritten, a claim added, a stance changed,
    a citation added."""
    topic = TopicFactory(title="Deepen the partnership?", slug="partnership", status=TopicStatus.DRAFT)
    yes = PositionFactory(topic=topic, title="Yes: deepen it", order=1)
    lags = ClaimFactory(topic=topic, text="The UK lags in AI investment.")
    LinkFactory(claim=lags, target_position=yes)
    source = SourceFactory(title="The investment report")
    CitationFactory(claim=lags, source=source, quote="lags behind")
    cma = StakeholderFactory(name="The CMA", slug="cma")
    stance = StanceFactory(stakeholder=cma, position=yes, stance=Attitude.SUPPORTS, source=source)
    on_claim = StanceFactory(stakeholder=cma, position=None, claim=lags, stance=Attitude.SUPPORTS, source=source)
    publish(topic, user=ReviewerFactory(username="reviewer"), note="First version")

    Claim.objects.filter(pk=lags.pk).update(text="Rewritten after publication.")
    added = ClaimFactory(topic=topic, text=ADDED)
    LinkFactory(claim=added, target_position=yes, polarity="opposes")
    LinkFactory(claim=added, target_position=None, target_claim=lags, polarity="opposes")
    Stance.objects.filter(pk__in=[stance.pk, on_claim.pk]).update(stance=Attitude.OPPOSES)
    later = SourceFactory(title="A report cited later")
    CitationFactory(claim=lags, source=later, quote="cited later")
    return {"topic": topic, "yes": yes, "lags": lags, "added": added, "source": source, "later": later}


@pytest.fixture
def editor(client):
    client.force_login(EditorFactory(username="editor"))
    return client


def test_claim_page_shows_the_published_claim_to_the_public(client, edited):
    page = client.get(reverse("argmap:claim-detail", args=[edited["lags"].pk])).content.decode()
    assert "The UK lags in AI investment." in page
    assert "Rewritten after publication." not in page
    assert ADDED not in page  # an argument added since
    assert "The investment report" in page
    assert "A report cited later" not in page
    assert "The CMA" in page
    assert "stance--supports" in page
    assert "stance--opposes" not in page


def test_claim_page_shows_the_live_claim_to_an_editor(editor, edited):
    page = editor.get(reverse("argmap:claim-detail", args=[edited["lags"].pk])).content.decode()
    assert "Rewritten after publication." in page
    assert ADDED in page
    assert "A report cited later" in page


def test_a_claim_added_after_publication_is_a_404_to_the_public(client, editor, edited):
    url = reverse("argmap:claim-detail", args=[edited["added"].pk])
    assert client.logout() is None
    assert client.get(url).status_code == 404


def test_an_added_claim_is_visible_to_an_editor(editor, edited):
    assert editor.get(reverse("argmap:claim-detail", args=[edited["added"].pk])).status_code == 200


def test_position_page_shows_the_published_position_to_the_public(client, edited):
    url = reverse("argmap:position-detail", args=[edited["topic"].slug, edited["yes"].pk])
    page = client.get(url).content.decode()
    assert "The UK lags in AI investment." in page
    assert ADDED not in page
    assert "Rewritten after publication." not in page
    assert "The CMA" in page
    assert "stance--supports" in page
    assert "stance--opposes" not in page


def test_position_page_shows_the_live_position_to_an_editor(editor, edited):
    url = reverse("argmap:position-detail", args=[edited["topic"].slug, edited["yes"].pk])
    page = editor.get(url).content.decode()
    assert ADDED in page
    assert "Rewritten after publication." in page


def test_a_position_added_after_publication_is_a_404_to_the_public(client, edited):
    added = PositionFactory(topic=edited["topic"], title="Added later", order=2)
    assert client.get(reverse("argmap:position-detail", args=[edited["topic"].slug, added.pk])).status_code == 404


def test_published_claim_and_position_pages_cost_few_queries(client, edited, django_assert_num_queries):
    # the rows about the claim in the latest publications; the rows they name; its replies
    with django_assert_num_queries(3):
        assert client.get(reverse("argmap:claim-detail", args=[edited["lags"].pk])).status_code == 200
    # the topic and its latest publication; the position's rows; the rows they name; replies
    with django_assert_num_queries(4):
        url = reverse("argmap:position-detail", args=[edited["topic"].slug, edited["yes"].pk])
        assert client.get(url).status_code == 200


def test_source_page_shows_the_published_citations_to_the_public(client, edited):
    page = client.get(reverse("argmap:source-detail", args=[edited["source"].pk])).content.decode()
    assert "The UK lags in AI investment." in page
    assert "Rewritten after publication." not in page
    assert "stance--supports" in page
    assert "stance--opposes" not in page


def test_source_page_shows_the_live_citations_to_an_editor(editor, edited):
    page = editor.get(reverse("argmap:source-detail", args=[edited["source"].pk])).content.decode()
    assert "Rewritten after publication." in page
    assert "stance--opposes" in page


def test_a_source_cited_after_publication_is_a_404_to_the_public(client, edited):
    assert client.get(reverse("argmap:source-detail", args=[edited["later"].pk])).status_code == 404


def test_published_source_page_costs_few_queries(client, edited, django_assert_num_queries):
    # the source and its text; its row, its citations and stances; the rows they name
    with django_assert_num_queries(3):
        assert client.get(reverse("argmap:source-detail", args=[edited["source"].pk])).status_code == 200


def test_stakeholder_page_shows_the_published_stances_to_the_public(client, edited):
    page = client.get(reverse("argmap:stakeholder-detail", args=["cma"])).content.decode()
    assert "The UK lags in AI investment." in page
    assert "Rewritten after publication." not in page
    assert "stance--supports" in page
    assert "stance--opposes" not in page


def test_stakeholder_page_shows_the_live_stances_to_an_editor(editor, edited):
    page = editor.get(reverse("argmap:stakeholder-detail", args=["cma"])).content.decode()
    assert "Rewritten after publication." in page
    assert "stance--opposes" in page


def test_a_stakeholder_added_after_publication_is_a_404_to_the_public(client, edited):
    StanceFactory(stakeholder=StakeholderFactory(slug="newcomer"), position=edited["yes"])
    assert client.get(reverse("argmap:stakeholder-detail", args=["newcomer"])).status_code == 404


def test_published_stakeholder_page_costs_few_queries(client, edited, django_assert_num_queries):
    # the stakeholder and its parent; its rows; the rows they name; its parts
    with django_assert_num_queries(4):
        assert client.get(reverse("argmap:stakeholder-detail", args=["cma"])).status_code == 200


def test_a_body_a_published_stakeholder_is_part_of_is_shown_to_the_public(client, edited):
    """The snapshot holds the bodies its stakeholders are part of (loading.SELECTIONS)."""
    topic = TopicFactory(slug="second", status=TopicStatus.DRAFT)
    body = StakeholderFactory(name="UK Government", slug="government")
    StanceFactory(stakeholder=StakeholderFactory(parent=body), position=PositionFactory(topic=topic))
    publish(topic, user=ReviewerFactory(username="second-reviewer"))
    page = client.get(reverse("argmap:stakeholder-detail", args=["government"]))
    assert page.status_code == 200
    assert "UK Government" in page.content.decode()
