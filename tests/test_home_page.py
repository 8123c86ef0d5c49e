"""The home page is cached per site version: a fixed number of queries whatever the
number of topics, and any change to any topic shows at once."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from argmap.models import Topic, TopicStatus
from tests.factories import ClaimFactory, PositionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("topics", [2, 25])
def test_the_home_page_costs_a_fixed_number_of_queries_at_any_number_of_topics(
    client, django_assert_num_queries, topics
):
    for _ in range(topics):
        ClaimFactory(topic=PositionFactory().topic)
    with django_assert_num_queries(2):  # the site version; the published topics with their counts
        first = client.get(reverse("argmap:home"))
    with django_assert_num_queries(1):  # the site version: the page comes from the cache
        again = client.get(reverse("argmap:home"))
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert first.content.decode().count('class="topic-card"') == topics


def test_a_change_to_any_topic_shows_on_the_home_page_at_once(client):
    topic = ClaimFactory(topic__title="Bypass").topic
    assert "1 claim<" in client.get(reverse("argmap:home")).content.decode()
    ClaimFactory(topic=topic)  # the map changes: the topic's version rises
    assert "2 claims<" in client.get(reverse("argmap:home")).content.decode()

    draft = TopicFactory(title="Secret draft", status=TopicStatus.DRAFT)
    assert "Secret draft" not in client.get(reverse("argmap:home")).content.decode()
    draft.publish()
    draft.save()
    assert "Secret draft" in client.get(reverse("argmap:home")).content.decode()
    Topic.objects.filter(pk=draft.pk).update(status=TopicStatus.DRAFT)
    assert "Secret draft" not in client.get(reverse("argmap:home")).content.decode()

    Topic.objects.filter(pk=topic.pk).update(title="Ring road")
    html = client.get(reverse("argmap:home")).content.decode()
    assert ">Ring road</a>" in html
    assert ">Bypass</a>" not in html
