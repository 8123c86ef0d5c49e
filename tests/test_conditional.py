"""Everything derived from a topic's map answers a conditional GET the same way
(argmap.conditional): validators from the topic's version, a 304 while it holds, and
drafts kept out of shared caches."""

import pytest
from django.urls import reverse

from argmap.models import TopicStatus
from tests.factories import ClaimFactory

DERIVED = {
    "topic page": lambda slug: reverse("argmap:topic-detail", args=[slug]),
    "map": lambda slug: reverse("api:topic-map", args=[slug]),
    "evaluation": lambda slug: reverse("api:topic-evaluation", args=[slug]),
    "export": lambda slug: reverse("api:topic-export", args=[slug, "json"]),
}


@pytest.mark.parametrize("name", DERIVED)
def test_a_published_topics_derivatives_answer_304_until_the_map_changes(db, client, name):
    claim = ClaimFactory()
    url = DERIVED[name](claim.topic.slug)
    first = client.get(url)
    assert first.status_code == 200
    claim.topic.refresh_from_db()
    assert first["ETag"].startswith(f'"topic-{claim.topic_id}-v{claim.topic.version}')
    # Shared caches keep it a while and may serve it stale while they revalidate (caching.py).
    assert {"public", "max-age=60", "s-maxage=300", "stale-while-revalidate=600"} <= {
        part.strip() for part in first["Cache-Control"].split(",")
    }
    unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert (unchanged.status_code, unchanged["ETag"], unchanged["Last-Modified"]) == (
        304,
        first["ETag"],
        first["Last-Modified"],
    )
    claim.text = "Changed"
    claim.save()
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


@pytest.mark.parametrize("name", DERIVED)
def test_a_drafts_derivatives_stay_out_of_shared_caches(editor_client, name):
    claim = ClaimFactory(topic__status=TopicStatus.DRAFT)
    response = editor_client.get(DERIVED[name](claim.topic.slug))
    assert response.status_code == 200
    assert {"no-cache", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
