"""Pages that travel (argmap.sharing): Open Graph and Twitter cards, JSON-LD parsed as a
search engine would, the preview image drawn once per version, oEmbed with its bad input,
and the embeds other sites may frame. Drafts are 404 everywhere, as their pages are."""

import io
import json
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from argmap import sharing
from argmap.models import StakeholderKind, TopicStatus
from argmap.publishing import publish
from argmap.tasks import draw_preview
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script> “quoted” & 'single' 🧪"


@pytest.fixture(autouse=True)
def empty_page_cache():
    cache.clear()
    yield
    cache.clear()


class Head(HTMLParser):
    """The meta tags, links and JSON-LD blocks of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False


@pytest.fixture
def topic():
    topic = TopicFactory(title=f"The topic {HOSTILE}", question="Should we?")
    yes = PositionFactory(topic=topic, title="Yes", order=1)
    PositionFactory(topic=topic, title="No", order=2)
    claim = ClaimFactory(topic=topic, text=f"A reason {HOSTILE}")
    LinkFactory(claim=claim, target_position=yes)
    source = SourceFactory(title="The report", url="https://example.org/report", publisher="The Paper")
    CitationFactory(claim=claim, source=source, quote="the words")
    return topic


def test_topic_page_carries_open_graph_twitter_and_oembed_discovery(client, topic):
    head = Head(client.get(topic.get_absolute_url()).content.decode())
    assert head.meta["og:title"] == topic.title
    assert head.meta["og:description"] == topic.question
    assert head.meta["og:url"] == "http://testserver" + topic.get_absolute_url()
    assert head.meta["og:image"] == "http://testserver" + reverse("argmap:topic-preview", args=[topic.slug])
    assert head.meta["twitter:card"] == "summary_large_image"
    oembed = [link for link in head.links if link.get("type") == "application/json+oembed"]
    assert len(oembed) == 1
    assert client.get(oembed[0]["href"]).json()["type"] == "rich"


def test_topic_json_ld_is_a_question_with_its_positions_as_answers_and_hostile_text_stays_in_it(client, topic):
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = Head(html).json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Question"
    assert data["name"] == topic.title  # the hostile text, intact, as data
    assert data["text"] == "Should we?"
    assert [answer["text"] for answer in data["suggestedAnswer"]] == ["Yes", "No"]
    assert data["answerCount"] == 2
    assert all(answer["@type"] == "Answer" for answer in data["suggestedAnswer"])


def test_claim_json_ld_is_a_claim_with_its_sources_as_appearances(client, topic):
    claim = topic.claims.get()
    (data,) = Head(client.get(claim.get_absolute_url()).content.decode()).json_ld
    assert data["@type"] == "Claim"
    assert data["text"] == claim.text
    assert data["isPartOf"]["name"] == topic.title
    (work,) = data["appearance"]
    assert work == {
        "@type": "CreativeWork",
        "name": "The report",
        "url": "https://example.org/report",
        "publisher": {"@type": "Organization", "name": "The Paper"},
        "text": "the words",
    }
    assert data["citation"] == data["appearance"]


def test_stakeholder_json_ld_is_an_organization_with_its_parent(client, topic):
    parent = StakeholderFactory(name="UK Government", kind=StakeholderKind.GOVERNMENT)
    part = StakeholderFactory(name="The Institute", kind=StakeholderKind.RESEARCH, parent=parent, url="https://x.org/")
    StanceFactory(stakeholder=part, position=topic.positions.first(), claim=None)
    head = Head(client.get(part.get_absolute_url()).content.decode())
    (data,) = head.json_ld
    assert data["@type"] == "Organization"
    assert data["sameAs"] == "https://x.org/"
    assert data["parentOrganization"]["name"] == "UK Government"
    assert head.meta["og:title"] == "The Institute"
    (parent_data,) = Head(client.get(parent.get_absolute_url()).content.decode()).json_ld
    assert parent_data["@type"] == "GovernmentOrganization"


def test_preview_image_is_a_png_drawn_once_per_version(client, topic, monkeypatch):
    drawn = []
    original = sharing.render_preview
    monkeypatch.setattr(sharing, "render_preview", lambda **kw: drawn.append(kw) or original(**kw))
    url = reverse("argmap:topic-preview", args=[topic.slug])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)
    assert client.get(url).content == first.content
    assert len(drawn) == 1  # the second request came from the cache
    assert [p.title for p in drawn[0]["positions"]] == ["Yes", "No"]
    assert drawn[0]["positions"][0].supporting == 1
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    ClaimFactory(topic=topic)  # a new version of the map: drawn again
    assert client.get(url).status_code == 200
    assert len(drawn) == 2


def test_a_drafts_preview_json_ld_and_oembed_are_404(client, topic):
    topic.status = TopicStatus.DRAFT
    topic.save()
    claim = topic.claims.get()
    assert client.get(reverse("argmap:topic-preview", args=[topic.slug])).status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(reverse("argmap:claim-embed", args=[claim.pk])).status_code == 404
    for url in (topic.get_absolute_url(), claim.get_absolute_url()):
        response = client.get(reverse("argmap:oembed"), {"url": "http://testserver" + url})
        assert response.status_code == 404
        assert "published" in response.json()["detail"]


def oembed(client, url, **params):
    return client.get(reverse("argmap:oembed"), {"url": url, **params})


def test_oembed_gives_the_embed_of_a_topic_a_position_and_a_claim(client, topic):
    base = "http://testserver"
    data = oembed(client, base + topic.get_absolute_url()).json()
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == topic.title
    assert f'src="{base}{reverse("argmap:topic-embed", args=[topic.slug])}"' in data["html"]
    assert data["thumbnail_url"] == base + reverse("argmap:topic-preview", args=[topic.slug])
    assert (data["width"], data["height"]) == (640, 600)

    position = topic.positions.get(title="Yes")
    data = oembed(client, f"{base}{topic.get_absolute_url()}#position-{position.pk}", maxwidth=400).json()
    assert reverse("argmap:position-embed", args=[topic.slug, position.pk]) in data["html"]
    assert data["width"] == 400
    assert 'width="400"' in data["html"]

    claim = topic.claims.get()
    data = oembed(client, base + claim.get_absolute_url(), maxheight=300).json()
    assert reverse("argmap:claim-embed", args=[claim.pk]) in data["html"]
    assert data["height"] == 300
    # The title's hostile text is escaped inside the embed code.
    assert "<script>alert" not in data["html"]


@pytest.mark.parametrize(
    ("url", "params", "status", "words"),
    [
        ("https://example.com/topics/x/", {}, 404, "Not a page of this site"),
        ("javascript:alert(1)", {}, 404, "Not a page of this site"),
        ("http://testserver/stakeholders/", {}, 404, "Only topic, position and claim pages"),
        ("http://testserver/no/such/page/", {}, 404, "No page of this site"),
        ("http://testserver/topics/no-such-topic/", {}, 404, "No published topic"),
        ("http://testserver/claims/999999/", {}, 404, "No published claim"),
        ("", {}, 400, "url is required"),
        ("http://testserver/topics/x/" + "a" * 10_000, {}, 400, "longer than 2000"),
        ("TOPIC", {"maxwidth": "-1"}, 400, "maxwidth must be a whole number"),
        ("TOPIC", {"maxheight": "wide"}, 400, "maxheight must be a whole number"),
        ("TOPIC", {"maxwidth": "0"}, 400, "maxwidth"),
        ("TOPIC", {"format": "xml"}, 501, "format=json"),
    ],
)
def test_oembed_refuses_bad_input_with_a_clear_message(client, topic, url, params, status, words):
    url = "http://testserver" + topic.get_absolute_url() if url == "TOPIC" else url
    response = oembed(client, url, **params)
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_oembed_of_another_topics_position_is_404(client, topic):
    other = PositionFactory(topic=TopicFactory())
    response = oembed(client, f"http://testserver{topic.get_absolute_url()}#position-{other.pk}")
    assert response.status_code == 404


def test_embeds_may_be_framed_by_any_site_and_other_pages_by_none(client, topic):
    claim = topic.claims.get()
    position = topic.positions.get(title="Yes")
    for url in (
        reverse("argmap:topic-embed", args=[topic.slug]),
        reverse("argmap:position-embed", args=[topic.slug, position.pk]),
        reverse("argmap:claim-embed", args=[claim.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response.headers
        assert "frame-ancestors *" in response["Content-Security-Policy"]
    page = client.get(claim.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_position_embed_shows_that_position_only_and_404s_for_another_topics(client, topic):
    yes, no = topic.positions.get(title="Yes"), topic.positions.get(title="No")
    html = client.get(reverse("argmap:position-embed", args=[topic.slug, yes.pk])).content.decode()
    assert f'id="position-{yes.pk}"' in html
    assert f'id="position-{no.pk}"' not in html
    assert topic.claims.get().text.split("<")[0] in html
    other = PositionFactory(topic=TopicFactory())
    assert client.get(reverse("argmap:position-embed", args=[topic.slug, other.pk])).status_code == 404


def test_pages_offer_embed_code_that_frames_the_embed_view(client, topic):
    claim = topic.claims.get()
    for page, embed in (
        (topic.get_absolute_url(), reverse("argmap:topic-embed", args=[topic.slug])),
        (claim.get_absolute_url(), reverse("argmap:claim-embed", args=[claim.pk])),
    ):
        html = client.get(page).content.decode()
        assert 'class="embed-code-text"' in html
        # In the textarea the code is text: its markup escaped once more.
        assert f"&lt;iframe src=&quot;http://testserver{embed}&quot;" in html
        assert quote("argmap/embed.js") in html or "argmap/embed.js" in html


# --- The preview image: of the publication for the public, drawn once, ahead by a worker ---


@pytest.fixture
def drawn(monkeypatch):
    """What render_preview was asked to draw, call by call."""
    calls = []
    original = sharing.render_preview
    monkeypatch.setattr(sharing, "render_preview", lambda **kw: calls.append(kw) or original(**kw))
    return calls


def test_the_public_preview_shows_the_publication_not_later_edits(
    editor_client, topic, drawn, django_assert_num_queries
):
    reader = Client()
    publish(topic, user=ReviewerFactory())
    topic.refresh_from_db()
    topic.title = "Renamed after publishing"
    topic.save()
    PositionFactory(topic=topic, title="Unpublished position", order=3)
    url = reverse("argmap:topic-preview", args=[topic.slug])
    with django_assert_num_queries(2):  # the topic with its latest publication; the publication's topic and positions
        public = reader.get(url)
    assert public.status_code == 200
    assert drawn[-1]["title"] == f"The topic {HOSTILE}"
    assert [(p.title, p.supporting, p.opposing) for p in drawn[-1]["positions"]] == [("Yes", 1, 0), ("No", 0, 0)]
    assert editor_client.get(url).status_code == 200  # an editor reads the live map
    assert drawn[-1]["title"] == "Renamed after publishing"
    assert [p.title for p in drawn[-1]["positions"]] == ["Yes", "No", "Unpublished position"]
    assert len(drawn) == 2
    with django_assert_num_queries(1):  # the topic with its latest publication; the image from the cache
        assert reader.get(url).content == public.content
    assert len(drawn) == 2


def test_a_publication_s_preview_is_drawn_ahead_for_site_url(
    client, topic, drawn, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(topic, user=ReviewerFactory())
    assert len(drawn) == 1  # by the task, here and now (no broker)
    assert drawn[0]["site"] == "testserver"
    assert draw_preview.delay(publication.pk, "testserver").get() == "cached"  # run twice: nothing more
    response = client.get(reverse("argmap:topic-preview", args=[topic.slug]))
    assert response.status_code == 200
    assert len(drawn) == 1  # the first share found it ready
    assert draw_preview.delay(publication.pk + 1000, "testserver").get() == "gone"


def test_a_preview_being_drawn_elsewhere_is_waited_for_not_drawn_again(client, topic, drawn, monkeypatch):
    publication = publish(topic, user=ReviewerFactory())
    key = sharing.preview_key(topic, publication, "testserver")
    cache.set(f"{key}:drawing", 1)  # a worker draws it…
    image = b"\x89PNG drawn by the worker"

    def worker_done(seconds):
        cache.set(key, image)  # …and has kept it by the time the request looks again
        cache.delete(f"{key}:drawing")

    monkeypatch.setattr(sharing.time, "sleep", worker_done)
    assert client.get(reverse("argmap:topic-preview", args=[topic.slug])).content == image
    assert drawn == []


def test_a_preview_whose_drawer_died_is_drawn_once_the_wait_is_over(client, topic, drawn, monkeypatch):
    publication = publish(topic, user=ReviewerFactory())
    cache.set(f"{sharing.preview_key(topic, publication, 'testserver')}:drawing", 1)  # held, never released
    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(sharing.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(sharing.time, "sleep", lambda seconds: None)
    response = client.get(reverse("argmap:topic-preview", args=[topic.slug]))
    assert response.status_code == 200
    assert len(drawn) == 1


def test_a_failing_cache_draws_the_preview_without_waiting(client, topic, drawn, monkeypatch):
    monkeypatch.setattr(sharing.time, "sleep", mock.Mock(side_effect=AssertionError("waited")))
    with mock.patch.object(cache, "add", return_value=False), mock.patch.object(cache, "get", return_value=None):
        response = client.get(reverse("argmap:topic-preview", args=[topic.slug]))
    assert response.status_code == 200
    assert len(drawn) == 1
