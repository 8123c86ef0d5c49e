"""Purging a CDN after a publication (argmap/purging.py): the topic's pages, once the
publication is committed; a failing CDN is logged and never stops the publication."""

import http.server
import threading

import pytest

from argmap.models import Publication
from argmap.publishing import publish
from tests.factories import ReviewerFactory, TopicFactory

SITE = "https://argmap.example.org"
purged: list[list[str]] = []


def record(urls):
    purged.append(list(urls))


def explode(urls):
    raise RuntimeError("the CDN's API is down")


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(username="reviewer")


@pytest.fixture(autouse=True)
def fresh_record():
    purged.clear()
    yield
    purged.clear()


def published(topic, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publication = publish(topic, user=reviewer)
    return publication, callbacks


def test_publishing_purges_the_topics_pages_once_committed(settings, reviewer, django_capture_on_commit_callbacks):
    settings.SITE_URL, settings.PURGE_HOOK = SITE, "tests.test_purging.record"
    topic = TopicFactory(slug="water")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(topic, user=reviewer)
    assert purged == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [urls] = purged
    assert f"{SITE}/topics/water/" in urls
    assert f"{SITE}/topics/water/feed/" in urls
    assert f"{SITE}/" in urls
    assert f"{SITE}/feed/" in urls
    assert not any("/v/" in url for url in urls)  # a publication's own address never changes


def test_nothing_is_purged_unless_configured(settings, reviewer, django_capture_on_commit_callbacks):
    settings.PURGE_HOOK = settings.PURGE_URL = ""
    publication, callbacks = published(TopicFactory(), reviewer, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # only the publication's documents (tasks.documents_after_publishing)
    assert publication.documents.exists()
    assert purged == []


def test_a_failing_hook_is_logged_and_the_publication_stands(
    settings, reviewer, django_capture_on_commit_callbacks, caplog
):
    settings.SITE_URL, settings.PURGE_HOOK = SITE, "tests.test_purging.explode"
    publication, _ = published(TopicFactory(), reviewer, django_capture_on_commit_callbacks)
    assert Publication.objects.filter(pk=publication.pk).exists()
    assert "The CDN purge (PURGE_HOOK tests.test_purging.explode) failed" in caplog.text
    assert "the CDN's API is down" in caplog.text


class CDN(http.server.BaseHTTPRequestHandler):
    """A CDN's purge endpoint: records each request, answers with the server's `status`."""

    def do_PURGE(self):  # noqa: N802 - http.server's naming
        self.server.requests.append((self.command, self.path))
        self.send_response(self.server.status)
        self.end_headers()

    do_POST = do_PURGE  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CDN)
    server.requests, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_purge_url_is_requested_for_each_page(settings, reviewer, cdn, django_capture_on_commit_callbacks):
    port = cdn.server_address[1]
    settings.SITE_URL = SITE
    settings.PURGE_URL = f"http://127.0.0.1:{port}/purge?u={{url_quoted}}"
    settings.PURGE_METHOD = "POST"
    published(TopicFactory(slug="air"), reviewer, django_capture_on_commit_callbacks)
    assert ("POST", "/purge?u=https%3A%2F%2Fargmap.example.org%2Ftopics%2Fair%2F") in cdn.requests
    assert len(cdn.requests) == 10


def test_a_refusing_or_failing_cdn_is_logged_and_the_publication_stands(
    settings, reviewer, cdn, django_capture_on_commit_callbacks, caplog
):
    port = cdn.server_address[1]
    cdn.status = 500
    settings.SITE_URL = SITE
    settings.PURGE_URL = f"http://127.0.0.1:{port}{{path}}"
    publication, _ = published(TopicFactory(slug="fire"), reviewer, django_capture_on_commit_callbacks)
    assert ("PURGE", "/topics/fire/") in cdn.requests
    assert "The CDN purge of https://argmap.example.org/topics/fire/ failed (HTTPError" in caplog.text
    settings.PURGE_URL = "http://127.0.0.1:9/{path}"  # nothing listens
    second, _ = published(publication.topic, reviewer, django_capture_on_commit_callbacks)
    assert "failed (URLError" in caplog.text
    assert Publication.objects.filter(pk__in=[publication.pk, second.pk]).count() == 2
