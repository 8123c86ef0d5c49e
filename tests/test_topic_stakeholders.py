"""The topic page's stakeholder sections show the most involved stakeholders only
(argmap.involvement), and the topic's stakeholders page lists them all, paged: so the page
stays bounded whatever the number of stakeholders, and nobody is left out."""

import re
from collections import Counter

import orjson
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from argmap.involvement import most_involved, relationships_of, stance_counts
from argmap.loading import MapData
from argmap.models import PublishedRow, Stakeholder, Topic
from argmap.synthetic import generate_map
from tests.factories import ReviewerFactory, published_synthetic

pytestmark = pytest.mark.django_db

PAGE_BYTES = 1_000_000  # issue 17: a topic page is at most 1 MB, whatever the size of the map


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


published = published_synthetic


@pytest.fixture(scope="module")
def published_3000(module_transaction, django_db_blocker):
    """A published map of 3,000 claims and 60 stakeholders, made once for the module's
    tests that read it (see module_transaction): (topic, publication)."""
    with django_db_blocker.unblock():
        return published(3000, ReviewerFactory(username="publisher"), seed=4)


def stored_counts(publication) -> Counter:
    """Each stakeholder's stances in the publication, counted from its rows (not from what
    the page keeps)."""
    stances = publication.rows.filter(part="stances").values_list("data", flat=True)
    return Counter(orjson.loads(data)["stakeholder_id"] for data in stances)


def slugs_in(html: str, section: str) -> list[str]:
    return re.findall(r'href="/stakeholders/([^/"]+)/"', section)


def matrix(html: str) -> str:
    return re.search(r'<table class="stance-matrix[^"]*">(.*?)</table>', html, re.S)[1]


def test_most_involved_orders_by_stances_then_power_and_interest_then_name():
    data = MapData(
        positions=[], claims=[], links=[], stances=[], sources=[], citations=[], relationships=[],
        stakeholders=[{"id": i, "name": name, "slug": name.lower()} for i, name in enumerate("DCBA", start=1)],
        salience=[{"stakeholder_id": 3, "power": 5, "interest": 5}, {"stakeholder_id": 4, "power": 1, "interest": 1}],
    )  # fmt: skip
    involved = most_involved(data, {1: 2, 2: 2}, limit=3)
    # 1 and 2 have two stances each (by name: C before D); then 3 (more power) before 4
    assert [row["name"] for row in involved.shown] == ["C", "D", "B"]
    assert involved.total == 4
    assert involved.partial
    assert involved.rank == {2: 0, 1: 1, 3: 2, 4: 3}
    assert stance_counts([{"stakeholder_id": 7}, {"stakeholder_id": 7}, {"stakeholder_id": 8}]) == {7: 2, 8: 1}
    ties = [
        {"id": 1, "from_stakeholder_id": 9, "to_stakeholder_id": 1},
        {"id": 2, "from_stakeholder_id": 1, "to_stakeholder_id": 2},
        {"id": 3, "from_stakeholder_id": 8, "to_stakeholder_id": 9},
    ]
    assert [row["id"] for row in relationships_of(ties, {1, 2}, 5)] == [2, 1]  # between two shown first
    assert [row["id"] for row in relationships_of(ties, {1, 2}, 1)] == [2]


def test_the_topic_page_shows_the_most_involved_stakeholders_and_links_them_all(client, published_3000, settings):
    settings.TOPIC_STAKEHOLDERS = 5
    topic, publication = published_3000
    total = Stakeholder.objects.filter(saliences__topic=topic).count()
    assert total > 5
    html = client.get(topic.get_absolute_url()).content.decode()
    shown = slugs_in(html, matrix(html))
    assert 0 < len(shown) <= 5
    counts = stored_counts(publication)
    by_slug = {s.slug: counts[s.pk] for s in Stakeholder.objects.filter(saliences__topic=topic)}
    hidden = set(by_slug) - set(shown)
    assert min(by_slug[slug] for slug in shown) >= max(by_slug[slug] for slug in hidden)  # the most involved
    everyone = reverse("argmap:topic-stakeholders", args=[topic.slug])
    assert f'<a href="{everyone}">All {total} stakeholders' in html
    assert html.count('class="chart-mark"') <= 5
    network = re.search(r'<table class="relationship-table">(.*?)</table>', html, re.S)[1]
    assert network.count("<tr>") - 1 <= 2 * 5
    # each position lists at most 5 holders, and links its own page for all of them
    for position in publication.rows.filter(part="positions").values_list("object_id", flat=True):
        article = re.search(rf'<article class="position" id="position-{position}".*?</article>', html, re.S)[0]
        holders = article.count('<li class="stance stance--') - article.count("stance--more")
        assert holders <= 5
        if holders == 5:
            assert f'href="/topics/{topic.slug}/positions/{position}/">All ' in article
    # the lens form offers the lenses of the stakeholders shown
    lens = re.search(r'<select id="lens-choice".*?</select>', html, re.S)[0]
    assert set(re.findall(r'value="([^"]+)"', lens)) <= set(shown)


def test_the_stakeholders_page_lists_every_stakeholder_paged_in_three_queries(
    client, django_assert_num_queries, published_3000, settings
):
    settings.TOPIC_STAKEHOLDERS_PAGE = 25
    topic, publication = published_3000
    everyone = {s.slug for s in Stakeholder.objects.filter(saliences__topic=topic)}
    assert len(everyone) > 50
    counts = stored_counts(publication)
    involvement = {s.slug: counts[s.pk] for s in Stakeholder.objects.filter(saliences__topic=topic)}
    listed = []
    for page in (1, 2, 3):
        url = reverse("argmap:topic-stakeholders", args=[topic.slug])
        if page > 1:
            url = reverse("argmap:topic-stakeholders-page", args=[topic.slug, page])
        cache.clear()
        # the topic with its latest publication; the publication; its frame
        with django_assert_num_queries(3):
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        rows = slugs_in(html, matrix(html))
        assert len(rows) <= 25
        listed += rows
        assert ('rel="next"' in html) == (page < 3)
    assert sorted(listed) == sorted(everyone)  # each once
    assert [involvement[slug] for slug in listed] == sorted((involvement[slug] for slug in listed), reverse=True)
    assert client.get(reverse("argmap:topic-stakeholders-page", args=[topic.slug, 4])).status_code == 404
    assert client.get(reverse("argmap:topic-stakeholders-page", args=[topic.slug, 0])).status_code == 404


def test_the_stakeholders_page_of_a_draft_is_a_404_and_editors_read_it_live(client, admin_client):
    topic = generate_map(claims=100, seed=5).topic  # a draft
    url = reverse("argmap:topic-stakeholders", args=[topic.slug])
    assert client.get(url).status_code == 404
    html = admin_client.get(url).content.decode()
    assert set(slugs_in(html, matrix(html))) == {s.slug for s in Stakeholder.objects.filter(saliences__topic=topic)}


def test_the_demo_topic_page_still_shows_every_stakeholder(client):
    cache.clear()
    before = set(Topic.objects.values_list("pk", flat=True))  # the module's bigger map, if made yet
    call_command("load_demo", verbosity=0)
    demo_topics = list(Topic.objects.published().exclude(pk__in=before))
    assert demo_topics
    for topic in demo_topics:
        html = client.get(topic.get_absolute_url()).content.decode()
        assert "most involved" not in html  # nothing left out
        holding = {s.slug for s in Stakeholder.objects.filter(stances__position__topic=topic)}
        if holding:
            assert set(slugs_in(html, matrix(html))) == holding


def test_the_topic_page_stays_bounded_at_two_sizes(client, django_assert_num_queries, reviewer, published_3000):
    sizes = {}
    for claims, (topic, publication) in ((300, published(300, reviewer, seed=3)), (3000, published_3000)):
        assert PublishedRow.objects.filter(publication=publication, part="stakeholders").count() == max(4, claims // 50)
        # the topic, the publication with its page plan, the rows the plan lists
        with django_assert_num_queries(3):
            response = client.get(topic.get_absolute_url())
        html = response.content.decode()
        sizes[claims] = len(response.content)
        assert len(slugs_in(html, matrix(html))) <= 20
        assert html.count('class="chart-mark"') <= 20
    assert sizes[3000] < PAGE_BYTES
    # ten times the claims and the stakeholders: the page grows by what its bounds allow, not tenfold
    assert sizes[3000] < 3 * sizes[300]
