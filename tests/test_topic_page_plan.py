"""The topic page's plan (published_map.topic_plan): worked out once at publish, it lets a
publication's topic page read its rows in one query, and the page is byte for byte the
page read level by level."""

import pytest
from django.core.cache import cache

from argmap.models import Publication, PublishedRow, Stakeholder
from argmap.published_map import LEVELS
from argmap.publishing import publish
from argmap.synthetic import generate_map
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


def published(claims: int, reviewer, seed: int):
    topic = generate_map(claims=claims, seed=seed).topic
    publication = publish(topic, user=reviewer)
    return topic, publication


def page(client, url: str, **headers) -> bytes:
    cache.clear()  # rendered afresh, not the page kept by the last request
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content


def forget_plan(publication: Publication) -> None:
    """As a publication made before plans were stored."""
    Publication.objects.filter(pk=publication.pk).update(page_plan=None)


@pytest.mark.parametrize(("claims", "seed"), [(300, 3), pytest.param(2000, 4, marks=pytest.mark.slow)])
def test_the_page_from_its_plan_is_the_page_read_level_by_level(
    client, django_assert_num_queries, django_assert_max_num_queries, reviewer, claims, seed
):
    topic, publication = published(claims, reviewer, seed)
    plan = Publication.objects.get(pk=publication.pk).page_plan
    assert plan is not None
    assert plan["expanded"]  # the budget opened claims below the first level: they are planned too
    url = topic.get_absolute_url()
    cache.clear()
    # the topic with its latest publication's id; the publication with its plan; the planned rows
    with django_assert_num_queries(3):
        planned = client.get(url).content
    forget_plan(publication)
    cache.clear()
    # the topic, the publication, the frame, the first level, a query per level opened, the details
    with django_assert_max_num_queries(6 + LEVELS) as read:
        by_levels = client.get(url).content
    assert len(read.captured_queries) > 3
    assert planned == by_levels


def test_a_plan_made_with_other_settings_is_not_used(client, django_assert_max_num_queries, reviewer, settings):
    topic, publication = published(300, reviewer, 3)
    url = topic.get_absolute_url()
    settings.TOPIC_FIRST_LEVEL -= 2  # the page now shows fewer claims than the plan lists
    settings.TOPIC_TREE_BUDGET += 10
    cache.clear()
    with django_assert_max_num_queries(6 + LEVELS) as read:
        stale = client.get(url).content
    assert len(read.captured_queries) > 3  # read level by level
    forget_plan(publication)
    assert stale == page(client, url)


def test_the_version_page_and_the_embed_read_the_plan_too(client, reviewer):
    topic, publication = published(300, reviewer, 3)
    urls = [publication.get_absolute_url(), f"{topic.get_absolute_url()}embed/"]
    planned = [page(client, url) for url in urls]
    forget_plan(publication)
    assert [page(client, url) for url in urls] == planned


def test_a_conditional_get_and_a_lens_are_unchanged(client, django_assert_num_queries, reviewer):
    topic, publication = published(300, reviewer, 3)
    url = topic.get_absolute_url()
    response = client.get(url)
    with django_assert_num_queries(1):  # the topic with its latest publication: no plan read
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    lens = Stakeholder.objects.filter(saliences__topic=topic).order_by("pk").first().slug
    through_lens = page(client, f"{url}?lens={lens}")
    forget_plan(publication)
    assert page(client, f"{url}?lens={lens}") == through_lens  # a lens reads the whole map, plan or not


def test_a_plan_lists_the_rows_the_page_reads_once(reviewer):
    _topic, publication = published(300, reviewer, 3)
    plan = Publication.objects.get(pk=publication.pk).page_plan
    parts = [part for part, _ids in plan["rows"]]
    assert parts[0] == "topic"
    assert len(parts) == len(set(parts))
    for _part, ids in plan["rows"]:
        assert len(ids) == len(set(ids))
    links = dict(plan["rows"])["links"]
    assert {link for _key, placed in plan["children"] for link in placed} <= set(links)
    assert set(plan["named"]).isdisjoint(plan["expanded"])


def test_the_rows_a_topic_page_reads_lie_together_in_the_table(reviewer):
    # Written in page order (published_map.map_rows): at a million claims, rows scattered
    # over the table cost the page thousands of pages read (71 ms cold against 15 ms warm).
    _topic, publication = published(2000, reviewer, 4)
    ids = Publication.objects.get(pk=publication.pk).page_plan["ids"]
    assert len(ids) == len(set(ids)) > 500
    assert set(PublishedRow.objects.filter(id__in=ids).values_list("publication_id", flat=True)) == {publication.pk}
    runs = 1 + sum(1 for before, after in zip(ids, ids[1:], strict=False) if after != before + 1)
    assert runs * 10 <= len(ids)  # (written in the snapshot's order: about one run in two rows)


def test_the_version_page_reads_its_publication_once(client, django_assert_num_queries, reviewer):
    _topic, publication = published(300, reviewer, 3)
    cache.clear()
    # the topic; the publication of that number, with its plan; the planned rows
    with django_assert_num_queries(3):
        assert client.get(publication.get_absolute_url()).status_code == 200


def forget_analysis_plan(publication: Publication) -> None:
    """As a publication made before analysis plans were stored."""
    Publication.objects.filter(pk=publication.pk).update(analysis_plan=None)


@pytest.mark.parametrize(("claims", "seed"), [(300, 3), pytest.param(2000, 4, marks=pytest.mark.slow)])
def test_the_analysis_page_from_its_plan_is_three_queries_and_the_page_read_level_by_level(
    client, django_assert_num_queries, reviewer, claims, seed
):
    topic, publication = published(claims, reviewer, seed)
    plan = Publication.objects.get(pk=publication.pk).analysis_plan
    assert plan is not None
    assert plan["made_with"]["budget"] == 0  # the positions and what their analysis names: no claim of the tree
    urls = [f"{topic.get_absolute_url()}analysis/", f"{publication.get_absolute_url()}analysis/"]
    planned = []
    for url in urls:
        cache.clear()
        # the topic (with its latest publication's id); the publication with its analysis plan; the planned rows
        with django_assert_num_queries(3):
            planned.append(client.get(url).content)
    forget_analysis_plan(publication)
    cache.clear()
    # without it: the frame, the (empty) first level and the named claims, one query each
    with django_assert_num_queries(5):
        assert client.get(urls[0]).content == planned[0]
    assert page(client, urls[1]) == planned[1]
