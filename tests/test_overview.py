"""A topic page's first screen (argmap.overview): positions side by side with their
standing in plain words, strongest reason for and against, and the stakeholder × position
matrix, readable without colour."""

import re

import pytest
from django.core.cache import cache

from argmap.analysis import plain_words
from argmap.models import Attitude, Basis, Polarity
from argmap.overview import short_title, standing_words
from argmap.standing import Standing
from tests.factories import (
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)


def standing(label: str, strength: float, **facts) -> Standing:
    words = plain_words(label=label, strength=strength, **facts)
    return Standing(f"{strength:.2f}", label, "", words, "", "", [], 0, "", [])


@pytest.mark.parametrize(
    ("label", "strength", "facts", "words", "badge"),
    [
        ("rejected", 0.30, {}, "an objection is unanswered", "unanswered"),
        ("undecided", 0.50, {}, "contested", "contested"),
        ("accepted", 0.75, {}, "well supported", "supported"),
        ("accepted", 0.40, {}, "contested", "contested"),
        ("accepted", 0.75, {"fragile": True}, "fragile", "contested"),
        ("rejected", 0.10, {"check": "disputed"}, "disputed fact", "contested"),
    ],
)
def test_standing_in_plain_words_never_says_rejected(label, strength, facts, words, badge):
    assert standing_words(standing(label, strength, **facts)) == (words, badge)
    assert standing_words(None) == ("not yet argued", "none")


def test_short_titles_keep_the_answer_before_a_colon():
    assert short_title("Yes: deepen it to bring AI into public services") == "Yes"
    assert short_title("Only with safeguards: balance it") == "Only with safeguards"
    assert short_title("A long title without any colon in it at all, really") == "A long title without any…"


@pytest.fixture
def debate():
    topic = TopicFactory()
    yes = PositionFactory(topic=topic, title="Yes: ease it", order=1)
    no = PositionFactory(topic=topic, title="No: keep it", order=2)
    strong = ClaimFactory(topic=topic, text="Growth would follow.", base_score=0.9)
    weak = ClaimFactory(topic=topic, text="It may help a little.", base_score=0.2)
    against = ClaimFactory(topic=topic, text="Creators would lose their income.", base_score=0.6)
    LinkFactory(claim=strong, target_position=yes)
    LinkFactory(claim=weak, target_position=yes)
    LinkFactory(claim=against, target_position=yes, polarity=Polarity.OPPOSES)
    source = SourceFactory()
    gov = StakeholderFactory(name="Government")
    artists = StakeholderFactory(name="artists")
    StanceFactory(
        stakeholder=gov, position=yes, claim=None, stance=Attitude.SUPPORTS, basis=Basis.PARAPHRASED, source=source
    )
    StanceFactory(
        stakeholder=artists, position=no, claim=None, stance=Attitude.CONDITIONAL, basis=Basis.INFERRED, source=None
    )
    return {"topic": topic, "strong": strong, "against": against, "yes": yes, "no": no}


@pytest.mark.django_db
def test_first_screen_shows_each_positions_standing_strongest_reasons_and_the_matrix(client, debate):
    cache.clear()
    html = client.get(debate["topic"].get_absolute_url()).content.decode()
    overview = html[html.index('id="overview"') : html.index('<section id="analysis"')]
    cards = re.findall(r'<li class="position-card.*?</li>', overview, re.S)
    assert len(cards) == 2
    assert "Yes: ease it" in cards[0]
    assert f'href="#claim-{debate["strong"].pk}"' in cards[0]  # the strongest for
    assert f'href="#claim-{debate["against"].pk}"' in cards[0]  # the only one against
    assert "rejected" not in overview
    assert "No claim argues about it yet." in cards[1]
    matrix = overview[overview.index('<table class="stance-matrix">') :]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", matrix, re.S)
    assert [re.search(r">([^<]+)</a>", row)[1] for row in rows] == ["artists", "Government"]  # by name, case aside
    # Glyph, word and basis in each cell: readable without colour.
    assert re.search(
        r"◐</span> <span class=\"stance-word\">conditional</span> <span class=\"basis basis--inferred\"", rows[0]
    )
    assert re.search(
        r"✓</span> <span class=\"stance-word\">supports</span> <span class=\"basis basis--paraphrased\"", rows[1]
    )
    assert "no stance recorded" in rows[0]
    # Downloads come at the foot of the page, after the tree and the sources.
    assert html.index('id="downloads-heading"') > html.index('id="positions"')


@pytest.mark.django_db
def test_the_overview_costs_no_query_more(client, django_assert_num_queries, debate):
    cache.clear()
    with django_assert_num_queries(2):  # the topic; its whole map (loading.load_map)
        client.get(debate["topic"].get_absolute_url())


@pytest.mark.django_db
def test_a_position_opens_on_its_own_with_its_direct_reasons_holders_and_a_breadcrumb(client, debate):
    url = f"{debate['topic'].get_absolute_url()}positions/{debate['yes'].pk}/"
    html = client.get(url).content.decode()
    crumbs = re.search(r'<nav class="breadcrumb" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)[1]
    assert debate["topic"].get_absolute_url() in crumbs
    assert 'aria-current="page">Yes: ease it' in crumbs
    assert "3 for" not in html  # counts are per side: 2 for, 1 against
    assert "2 for · 1 against" in html
    assert f'href="/claims/{debate["strong"].pk}/"' in html
    assert "Government" in html
    # The tree links to it, and its claim pages lead back to it.
    assert url in client.get(debate["topic"].get_absolute_url()).content.decode()
    claim_page = client.get(debate["strong"].get_absolute_url()).content.decode()
    assert f'href="{url}"' in claim_page


@pytest.mark.django_db
def test_a_focused_position_costs_six_queries_and_is_404_for_drafts_and_other_topics(
    client, django_assert_num_queries, debate
):
    url = f"{debate['topic'].get_absolute_url()}positions/{debate['yes'].pk}/"
    # the topic with its latest publication (none: this one is read live); the position; how
    # many reasons for and against; a page of its links with counts; its stances; their replies
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    other = PositionFactory(topic=TopicFactory())
    assert client.get(f"{debate['topic'].get_absolute_url()}positions/{other.pk}/").status_code == 404
    debate["topic"].status = "draft"
    debate["topic"].save()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_focused_position_pages_its_reasons(client, settings, debate):
    settings.TOPIC_MORE = 2
    url = f"{debate['topic'].get_absolute_url()}positions/{debate['yes'].pk}/"
    first = client.get(url).content.decode()
    assert "2 for · 1 against" in first  # the counts are the position's, not the page's
    assert first.count('class="argument--') == 2
    assert 'href="?start=2" rel="next"' in first
    second = client.get(url + "?start=2").content.decode()
    assert second.count('class="argument--') == 1
    assert 'href="?start=0" rel="prev"' in second
    assert 'rel="next"' not in second
    assert client.get(url + "?start=oops").status_code == 200
