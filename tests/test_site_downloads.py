"""The topic page's downloads: a real link per format, named, with the file's type and an
estimate of its size, each serving the file; no script and no extra query."""

import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from argmap.interchange import FORMATS, about_size
from argmap.models import Topic, TopicStatus
from argmap.synthetic import generate_map
from tests.factories import LinkFactory
from tests.interchange import exported

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache():
    cache.clear()
    yield
    cache.clear()


class DownloadLinks(HTMLParser):
    """The links of the page's "Download this map" section, with their hints."""

    def __init__(self):
        super().__init__()
        self.links, self.hints, self.section, self.link = [], {}, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "downloads":
            self.section = 1
        elif self.section and tag == "section":
            self.section += 1
        elif self.section and tag == "a":
            self.link = {**attrs, "text": ""}
            self.links.append(self.link)
        elif self.section and tag == "span" and attrs.get("class") == "download-hint":
            self.hint = attrs["id"]
            self.hints[self.hint] = ""

    def handle_endtag(self, tag):
        if tag == "section" and self.section:
            self.section -= 1
        elif tag == "a":
            self.link = None
        elif tag == "span":
            self.hint = None

    def handle_data(self, data):
        if self.link is not None:
            self.link["text"] += data
        elif getattr(self, "hint", None):
            self.hints[self.hint] += data


def download_links(client, topic) -> DownloadLinks:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    parser = DownloadLinks()
    parser.feed(response.content.decode())
    return parser


def test_the_topic_page_links_every_format_by_name_with_its_type_and_size(client):
    topic = generate_map(claims=12, seed=1, slug="partnership", publish=True).topic
    found = download_links(client, topic)
    assert [link["text"] for link in found.links] == [spec.label for spec in FORMATS.values()]
    for link, spec in zip(found.links, FORMATS.values(), strict=True):
        assert link["href"] == f"/api/v1/topics/partnership/export/{spec.name}/"
        assert "download" in link
        assert link["type"] == spec.content_type.split(";")[0]
        hint = found.hints[link["aria-describedby"]]
        assert re.fullmatch(rf"{re.escape(spec.kind)}, about [0-9.,]+ KB · {re.escape(spec.use)}", hint), hint


def test_every_download_link_serves_its_file(client):
    topic = generate_map(claims=12, seed=1, slug="partnership", publish=True).topic
    for link in download_links(client, topic).links:
        response = client.get(link["href"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith(link["type"])
        assert response["Content-Disposition"].startswith("attachment; filename=")


def test_an_editor_downloads_a_draft_from_its_page(editor_client):
    topic = LinkFactory(claim__topic__status=TopicStatus.DRAFT).claim.topic
    for link in download_links(editor_client, topic).links:
        assert editor_client.get(link["href"]).status_code == 200


def kilobytes(hint: str) -> float:
    number, unit = re.search(r"about ([0-9.,]+) (KB|MB)", hint).groups()
    return float(number.replace(",", "")) * (1024 if unit == "MB" else 1)


@pytest.mark.parametrize("slug", ["uk-openai-partnership", "ai-copyright-easing", "generated"])
def test_each_size_is_estimated_within_a_third_of_the_files(client, slug):
    call_command("load_demo", verbosity=0)
    generate_map(claims=300, seed=4, slug="generated", publish=True)
    topic = Topic.objects.get(slug=slug)
    found = download_links(client, topic)
    for link, spec in zip(found.links, FORMATS.values(), strict=True):
        actual = len(exported(topic, spec.name)) / 1024
        estimate = kilobytes(found.hints[link["aria-describedby"]])
        assert 2 / 3 <= estimate / actual <= 3 / 2, (spec.name, estimate, actual)


@pytest.mark.parametrize("claims", [20, 300])
def test_the_page_with_its_downloads_still_costs_two_queries(client, django_assert_num_queries, claims):
    topic = generate_map(claims=claims, seed=7, slug="sized", publish=True).topic
    with django_assert_num_queries(2):  # the topic; its whole map (loading.load_map), which sizes the downloads too
        links = download_links(client, topic).links
    assert len(links) == len(FORMATS)


def test_the_embed_does_not_spend_time_on_downloads(client):
    topic = generate_map(claims=12, seed=1, slug="partnership", publish=True).topic
    with mock.patch("argmap.views.downloads") as downloads:
        assert client.get(f"/topics/{topic.slug}/embed/").status_code == 200
        assert not downloads.called
        assert client.get(topic.get_absolute_url()).status_code == 200
        assert downloads.called


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (500, "under 1 KB"),
        (2048, "about 2.0 KB"),
        (20782, "about 20 KB"),
        (611_240, "about 600 KB"),
        (6_049_940, "about 5.8 MB"),
        (123_456_789, "about 120 MB"),
    ],
)
def test_sizes_are_said_in_two_significant_figures(size, words):
    assert about_size(size) == words
