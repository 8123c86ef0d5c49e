"""Keyset pages (argmap/api/pagination.py): following `next` visits every row once, in
order, and `previous` comes back; a deep page costs the queries of the first; a cursor
the API did not write, and a page size out of range, are 400s naming the parameter; a
count comes only on request."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from argmap import counting
from argmap.models import Claim, Topic
from argmap.synthetic import generate_map
from tests.api.resources import RESOURCES
from tests.factories import ClaimFactory, SalienceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def walk(client, url, params, link="next") -> tuple[list[int], list[dict]]:
    """The ids of every row from `url` on, following `link`, and each page's body."""
    ids, pages = [], []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        ids += [row["id"] for row in body["results"]]
        if body[link] is None:
            return ids, pages
        response = client.get(body[link])


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_following_next_visits_every_claim_once_in_order_and_previous_comes_back(anonymous):
    for topic in TopicFactory.create_batch(2):
        ClaimFactory.create_batch(23, topic=topic)
    ids, pages = walk(anonymous, reverse("api:claim-list"), {"page_size": 5})
    assert ids == sorted(Claim.objects.values_list("pk", flat=True))
    assert [len(page["results"]) for page in pages] == [5] * 9 + [1]
    assert pages[0]["previous"] is None
    assert "count" not in pages[0]
    back, back_pages = walk(anonymous, pages[-1]["previous"], {}, link="previous")
    assert [page["results"] for page in back_pages] == [page["results"] for page in pages[-2::-1]]
    assert sorted(back) == ids[:-1]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_list_pages_through_all_its_rows_once_in_its_order(editor_api, resource):
    generate_map(claims=15, seed=1, slug="one", publish=True)
    generate_map(claims=15, seed=2, slug="two")
    whole = [row["id"] for row in editor_api.get(resource.list_url(), {"page_size": 500}).json()["results"]]
    ids, _pages = walk(editor_api, resource.list_url(), {"page_size": 2})
    assert len(whole) == resource.model.objects.count()
    assert ids == whole


def test_topics_with_the_same_title_are_each_listed_once(anonymous):
    TopicFactory.create_batch(5, title="The same question", status="published")
    ids, _pages = walk(anonymous, reverse("api:topic-list"), {"page_size": 2})
    assert sorted(ids) == sorted(Topic.objects.values_list("pk", flat=True))
    assert len(ids) == 5


def test_a_page_of_a_topic_deep_in_the_list_costs_the_queries_of_the_first(anonymous):
    generate_map(claims=200, seed=1, slug="big", publish=True)
    url = reverse("api:claim-list")
    last_ids = Claim.objects.filter(topic__slug="big").order_by("-pk").values_list("pk", flat=True)[:11]
    deep = {"topic": "big", "page_size": 10, "cursor": cursor(f"p={last_ids[10]}")}
    counts = []
    for params in ({"topic": "big", "page_size": 10}, deep):
        with CaptureQueriesContext(connection) as captured:
            body = anonymous.get(url, params).json()
        counts.append(len(captured))
        assert not any("COUNT(" in query["sql"] and "argmap_claim" in query["sql"] for query in captured)
    assert counts == [2, 2]  # the published topics' version (the cache key), the page
    assert [row["id"] for row in body["results"]] == sorted(last_ids[:10])
    assert body["next"] is None


@pytest.mark.parametrize(
    "value",
    [
        "garbage!",
        cursor("p=12")[:-3],  # truncated
        cursor("p=abc"),  # not an id
        cursor("p=" + "9" * 30),  # beyond a bigint
        cursor("p=1\x00"),
        cursor("o=x"),
        cursor("r=maybe&p=1"),
        "A" * 2000,
    ],
)
def test_a_cursor_the_api_did_not_write_is_a_400_naming_it(anonymous, value):
    ClaimFactory.create_batch(3)
    response = anonymous.get(reverse("api:claim-list"), {"cursor": value})
    assert response.status_code == 400
    assert "Invalid cursor" in response.json()["cursor"][0]


def test_a_forged_cursor_on_a_list_ordered_by_title_is_a_400_too(anonymous):
    TopicFactory(status="published")
    response = anonymous.get(reverse("api:topic-list"), {"cursor": cursor("p=a\x00b")})
    assert response.status_code == 400


@pytest.mark.parametrize("size", ["0", "-1", "501", "100000", "abc", "1.5", "٣"])
def test_a_page_size_out_of_range_is_a_400_naming_it(anonymous, size):
    response = anonymous.get(reverse("api:claim-list"), {"page_size": size})
    assert response.status_code == 400
    assert "1 to 500" in response.json()["page_size"][0]


def test_pages_are_50_rows_unless_asked_and_at_most_500(anonymous):
    ClaimFactory.create_batch(501, topic=TopicFactory())
    assert len(anonymous.get(reverse("api:claim-list")).json()["results"]) == 50
    assert len(anonymous.get(reverse("api:claim-list"), {"page_size": 500}).json()["results"]) == 500


def test_page_numbers_are_a_400_that_names_the_parameters_to_use(anonymous):
    response = anonymous.get(reverse("api:claim-list"), {"page": "2"})
    assert response.status_code == 400
    assert "cursor" in response.json()["page"][0]


def test_a_count_comes_on_request_only_exact_when_small(anonymous):
    ClaimFactory.create_batch(12, topic=TopicFactory())
    body = anonymous.get(reverse("api:claim-list"), {"count": "true", "page_size": 5}).json()
    assert (body["count"], body["count_is_exact"]) == (12, True)
    response = anonymous.get(reverse("api:claim-list"), {"count": "perhaps"})
    assert response.status_code == 400
    assert response.json()["count"]


def test_beyond_the_exact_limit_postgresql_estimates_the_count(anonymous, monkeypatch, on_postgresql):
    monkeypatch.setattr(counting, "COUNT_EXACT_UP_TO", 5)
    ClaimFactory.create_batch(12, topic=TopicFactory())
    with connection.cursor() as database:
        database.execute("ANALYZE argmap_claim" if on_postgresql else "ANALYZE")
    body = anonymous.get(reverse("api:claim-list"), {"count": "true"}).json()
    assert body["count"] >= 6  # never fewer than were counted
    assert body["count_is_exact"] is (not on_postgresql)  # SQLite counts them all
    if not on_postgresql:
        assert body["count"] == 12


def test_a_public_page_kept_per_version_shows_a_change_at_once(anonymous):
    topic = TopicFactory()
    ClaimFactory.create_batch(2, topic=topic)
    url = reverse("api:claim-list")
    assert len(anonymous.get(url, {"topic": topic.slug}).json()["results"]) == 2
    ClaimFactory(topic=topic)  # the topic's version moves (the triggers)
    assert len(anonymous.get(url, {"topic": topic.slug}).json()["results"]) == 3
    Claim.objects.filter(topic=topic).first().delete()
    assert len(anonymous.get(url, {"topic": topic.slug}).json()["results"]) == 2


def test_a_filter_nothing_can_match_counts_none(anonymous):
    # Django writes no SQL for a bound beyond its integer column (nothing can match): counted
    # as 0, not a 500.
    SalienceFactory()
    body = anonymous.get(reverse("api:salience-list"), {"count": "true", "min_power": "16920504913"}).json()
    assert (body["count"], body["count_is_exact"], body["results"]) == (0, True, [])
