"""C0 control characters (other than tab, LF and CR) are refused on every write path, and
never reach an XML output: a title written by raw SQL, past validation, must not make
the feed, the sitemap or the GraphML export a 500."""

import io

import orjson
import pytest
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from argmap.models import Claim, Topic
from tests.factories import ClaimFactory, LinkFactory, TopicFactory
from tests.interchange import empty_the_database, exported, problems

pytestmark = pytest.mark.django_db

# Every C0 control character but NUL (refused on its own), tab, LF and CR.
CONTROLS = [chr(code) for code in range(1, 32) if chr(code) not in "\t\n\r"]


def written_by_raw_sql(topic: Topic, text: str) -> None:
    """`text` as the topic's title and question and its claims' text, past validation."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE argmap_topic SET title = %s, question = %s WHERE id = %s", [text, text, topic.pk])
        cursor.execute("UPDATE argmap_claim SET text = %s WHERE topic_id = %s", [text, topic.pk])


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_is_refused_by_model_validation(control):
    claim = Claim(topic=TopicFactory(), text=f"before{control}after")
    with pytest.raises(ValidationError) as raised:
        claim.full_clean()
    assert raised.value.message_dict["text"] == ["Control characters (other than tab and line breaks) are not allowed."]


def test_tab_and_line_breaks_are_accepted():
    Claim(topic=TopicFactory(), text="a\tb\nc\r\nd").full_clean()


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x1f"], ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_in_an_api_write_is_a_400_naming_the_field(editor, control):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    topic = TopicFactory()
    response = client.post(reverse("api:claim-list"), {"topic": topic.pk, "text": f"a{control}b"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"text": ["Control characters (other than tab and line breaks) are not allowed."]}
    assert not Claim.objects.exists()


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_in_an_import_is_refused(control):
    document = orjson.loads(exported(LinkFactory().claim.topic))
    empty_the_database()
    document["claims"][0]["text"] = f"a{control}b"
    assert problems(orjson.dumps(document)) == [
        "claims[0]: text: contains a control character (only tab and line breaks are allowed)"
    ]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_stored_control_character_does_not_break_the_feed_the_sitemap_or_graphml(client, control):
    topic = ClaimFactory(topic__slug="stored").topic
    written_by_raw_sql(topic, f"Title{control}here")
    topic.refresh_from_db()
    assert topic.title == f"Title{control}here"  # stored as written, past validation

    feed = client.get(reverse("argmap:feed"))
    assert feed.status_code == 200
    titles = [e.text for e in ElementTree.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}title")]
    assert "Title\ufffdhere" in titles

    for name, kwargs in [("argmap:sitemap", {}), ("argmap:sitemap-section", {"section": "topics"})]:
        sitemap = client.get(reverse(name, kwargs=kwargs))
        assert sitemap.status_code == 200
        ElementTree.fromstring(sitemap.content)

    graphml = client.get(reverse("api:topic-export", kwargs={"slug": topic.slug, "file_format": "graphml"}))
    assert graphml.status_code == 200
    tree = ElementTree.parse(io.BytesIO(b"".join(graphml.streaming_content)))
    texts = [data.text for data in tree.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert texts.count("Title\ufffdhere") == 2  # the question, and the claim
