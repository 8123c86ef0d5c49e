"""Lenses, bridges, fragility and possible duplicates on the public pages: the topic page
and its analysis page say in words which lens is on and what it changes, how fragile each
position's standing is, and which claims may count one reason twice."""

from unittest import mock

import orjson
import pytest
from django.core.cache import cache
from django.urls import reverse

from argmap.duplicates import possible_duplicates
from argmap.models import TopicStatus
from argmap.publishing import publish
from tests.factories import (
    CitationFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
    divided_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def divided():
    """A position, an objection to it and an answer to the objection (the position stands);
    the industry holds the objection and opposes the position, the ministry holds the answer
    and supports it."""
    return divided_topic(status=TopicStatus.PUBLISHED)


def page(client, topic, **params) -> str:
    response = client.get(topic.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def analysis_page(client, topic, **params) -> str:
    response = client.get(reverse("argmap:topic-analysis", args=[topic.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_topic_page_says_which_lens_is_on_and_what_it_changes(client, divided):
    plain = page(client, divided)
    assert "Seen through" not in plain
    assert '<option value="industry">The industry</option>' in plain

    seen = page(client, divided, lens="industry")

    assert "Seen through The industry’s lens." in seen
    # Each claim is unsourced and held, paraphrased, by one stakeholder: base 1 − 0.8 × 0.9 = 0.28
    # (evidence.py). As recorded, the answer lowers the objection to 0.28 − 0.28 × 0.28 = 0.2016,
    # which lowers the position to 0.5 − 0.5 × 0.2016 = 0.40; through the industry's lens the
    # objection is beyond dispute (1) and the position falls to 0.
    assert (
        "“Yes: go ahead”: an objection is unanswered (0.00, rejected) through this lens;"
        " contested (0.40, accepted) on the map as recorded." in seen
    )
    assert "The industry holds this claim: its lens takes it as beyond dispute (1.00, accepted)." in seen
    assert '<option value="industry" selected>' in seen


def test_the_lens_page_is_kept_apart_from_the_page_without_one(client, divided):
    page(client, divided)
    assert "Seen through The ministry’s lens." in page(client, divided, lens="ministry")
    assert "Seen through" not in page(client, divided)


@pytest.mark.parametrize("lens", ["nobody", "not a slug <b>", "x" * 300])
def test_an_unknown_lens_is_a_400_with_the_map_and_a_notice(client, divided, lens):
    response = client.get(divided.get_absolute_url(), {"lens": lens})
    assert response.status_code == 400
    content = response.content.decode()
    assert "No stakeholder “" in content
    assert "takes part in this topic: the lens is ignored." in content
    assert "Lens ignored." in content
    assert "The map is shown as recorded." in content
    assert "<b>" not in content.split("Lens ignored.")[1].split("</p>")[0]
    # Not kept: the page without a lens is not the one with the notice.
    assert "Lens ignored." not in page(client, divided)


def test_the_analysis_page_takes_a_lens_and_shows_bridges(client, divided):
    content = analysis_page(client, divided, lens="industry")
    assert "Seen through The industry’s lens." in content
    assert "What could bring opposing sides together" in content
    assert (
        "They take opposite sides on “Yes: go ahead”: “Yes: go ahead” is rejected through The industry’s lens"
        " and accepted through The ministry’s." in content
    )
    assert "If The ministry accepted this claim, their lenses would agree:" in content


def test_a_position_resting_on_an_inferred_link_is_shown_fragile(client):
    cache.clear()
    link = LinkFactory(
        polarity="opposes", basis="inferred", claim__text="An editor's reading.", claim__topic__slug="fragile"
    )
    content = page(client, link.claim.topic)
    position = link.target_position.title
    assert (
        f"Fragile: without one link an editor inferred (the source does not draw it), “An editor's reading.”"
        f" opposes “{position}”, it would be accepted." in content.replace("&#x27;", "'")
    )


def test_a_position_no_one_change_flips_is_shown_robust(client, divided):
    assert "Robust: its standing holds with every base score moved by up to ±0.20" in page(client, divided)


def test_claims_citing_one_passage_are_noted_as_possibly_the_same(client):
    cache.clear()
    topic = TopicFactory(slug="twice")
    position = PositionFactory(topic=topic)
    source = SourceFactory()
    for text in ("It harms the rights of creators.", "It harms the livelihoods of creators."):
        claim = LinkFactory(claim__topic=topic, claim__text=text, target_position=position).claim
        CitationFactory(claim=claim, source=source, quote="rights and livelihoods of creators")

    content = page(client, topic)

    assert "Possibly the same as “<a href=" in content
    assert "they cite the same passage of one source, so the map may count one reason twice." in content
    assert "is possibly the same as" in content  # the analysis section lists the pair


def test_a_publication_shows_the_robustness_stored_with_it(client):
    cache.clear()
    link = LinkFactory(polarity="opposes", basis="inferred", claim__topic__status=TopicStatus.DRAFT)
    topic = link.claim.topic
    publish(topic, user=ReviewerFactory())
    link.delete()  # an edit after publication: the public still reads the publication
    content = page(client, topic)
    assert "Fragile: without one link an editor inferred" in content


def twice_map(slug: str, status: str = TopicStatus.PUBLISHED):
    """Two claims for one position citing one passage of one source: possible duplicates."""
    topic = TopicFactory(slug=slug, status=status)
    position = PositionFactory(topic=topic)
    source = SourceFactory()
    citations = []
    for text in ("It harms the rights of creators.", "It harms the livelihoods of creators."):
        claim = LinkFactory(claim__topic=topic, claim__text=text, target_position=position).claim
        citations.append(CitationFactory(claim=claim, source=source, quote="rights and livelihoods of creators"))
    return topic, citations


def test_a_publication_notes_the_duplicates_stored_with_it_and_compares_nothing_per_request(client):
    cache.clear()
    topic, citations = twice_map("twice-published", TopicStatus.DRAFT)
    publication = publish(topic, user=ReviewerFactory())
    assert [row["reason"] for row in orjson.loads(publication.analysis)["duplicates"]] == ["same passage"]
    citations[0].delete()  # an edit after publication: the public still reads the publication
    with mock.patch("argmap.loading.possible_duplicates", side_effect=AssertionError("compared per request")):
        content = page(client, topic)
        analysis = analysis_page(client, topic)
    assert "they cite the same passage of one source, so the map may count one reason twice." in content
    assert "is possibly the same as" in analysis


def test_a_live_version_compares_its_claims_once_for_all_its_pages(client):
    cache.clear()
    topic, _ = twice_map("twice-live")
    with mock.patch("argmap.loading.possible_duplicates", wraps=possible_duplicates) as compared:
        assert "is possibly the same as" in page(client, topic)
        assert "is possibly the same as" in analysis_page(client, topic)
    assert compared.call_count == 1


def test_a_branch_loaded_later_keeps_the_lens_the_page_was_opened_with(client, settings, divided):
    settings.TOPIC_TREE_BUDGET = 1  # the objection is shown; the answer below it is left to load
    answer = divided.claims.get(text="The cost is covered by the budget.")
    objection = divided.claims.get(text="It would cost too much.")
    content = page(client, divided, lens="ministry")
    branch = reverse("argmap:topic-branch", kwargs={"slug": divided.slug, "pk": objection.pk})
    assert f'data-branch-url="{branch}?lens=ministry"' in content
    assert f'id="claim-{answer.pk}"' not in content

    fragment = client.get(branch, {"lens": "ministry"}).content.decode()

    assert f'id="claim-{answer.pk}"' in fragment
    assert "The ministry holds this claim: its lens takes it as beyond dispute (1.00, accepted)." in fragment
    assert "The ministry holds this claim" not in client.get(branch).content.decode()  # kept apart in the cache


def test_a_stakeholder_not_in_the_publication_is_no_lens_for_the_public(client, divided):
    """A stakeholder given a stance after the topic was published is not in the map the
    public reads: its lens is a 400 there, on the topic page and the analysis page."""
    cache.clear()
    publish(divided, user=ReviewerFactory())
    StanceFactory(stakeholder=StakeholderFactory(slug="newcomer"), position=divided.positions.first())
    for url in (divided.get_absolute_url(), reverse("argmap:topic-analysis", args=[divided.slug])):
        response = client.get(url, {"lens": "newcomer"})
        assert response.status_code == 400
        assert "No stakeholder “newcomer” takes part in this topic" in response.content.decode()
    assert "Seen through The industry’s lens." in page(client, divided, lens="industry")


def test_a_map_above_the_on_demand_size_shows_its_pages_without_a_lens_saying_why(client, divided, settings):
    """A lens evaluates the whole map again for the request: above ANALYSIS_ON_DEMAND_MAX_CLAIMS
    the page is shown as published, with a notice, and not kept."""
    cache.clear()
    publish(divided, user=ReviewerFactory())
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 1
    claims = divided.claims.count()
    for url in (divided.get_absolute_url(), reverse("argmap:topic-analysis", args=[divided.slug])):
        response = client.get(url, {"lens": "industry"})
        assert response.status_code == 422
        content = response.content.decode()
        assert f"This map has {claims} claims: lenses are computed on request for maps of up to 1 claims." in content
        assert "Seen through" not in content
        plain = client.get(url)
        assert plain.status_code == 200
        assert 'name="lens"' not in plain.content.decode()  # no lens offered there
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = claims
    assert "Seen through The industry’s lens." in page(client, divided, lens="industry")
    cache.clear()  # (the plain pages above were kept under the lower limit)
    assert 'name="lens"' in page(client, divided)


def test_an_unknown_lens_on_a_branch_is_a_400(client, divided):
    objection = divided.claims.get(text="It would cost too much.")
    branch = reverse("argmap:topic-branch", kwargs={"slug": divided.slug, "pk": objection.pk})
    assert client.get(branch, {"lens": "nobody"}).status_code == 400


def test_the_analysis_page_reads_the_duplicates_it_lists_even_when_no_why_names_them(client):
    """The published analysis page shows no claim of the tree: the claims of the duplicates
    it lists (here two answers deep below another claim) are read for their names."""
    cache.clear()
    topic = TopicFactory(slug="twice-deep", status=TopicStatus.DRAFT)
    position = PositionFactory(topic=topic)
    top = LinkFactory(claim__topic=topic, claim__text="The plan is sound.", target_position=position).claim
    middle = LinkFactory(
        claim__topic=topic, claim__text="Its costs are known.", target_claim=top, target_position=None
    ).claim
    source = SourceFactory()
    for text in ("It harms the rights of creators.", "It harms the livelihoods of creators."):
        claim = LinkFactory(
            claim__topic=topic, claim__text=text, target_claim=middle, target_position=None, polarity="opposes"
        ).claim
        CitationFactory(claim=claim, source=source, quote="rights and livelihoods of creators")
    publish(topic, user=ReviewerFactory())

    response = client.get(reverse("argmap:topic-analysis", kwargs={"slug": topic.slug}))

    assert response.status_code == 200
    content = response.content.decode()
    assert "is possibly the same as" in content
    assert "It harms the rights of creators." in content
