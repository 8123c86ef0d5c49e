"""The cache is an accelerator: whatever goes wrong with it, pages are served (uncached)
and the failure is logged. Against the real Redis at 127.0.0.1:6379, in a database of
these tests' own (REDIS_TEST_URL, /5 by default), which they flush and nothing else."""

import logging
import os
import socket
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from tests.factories import ClaimFactory, LinkFactory, PositionFactory, TopicFactory
from tests.services import REDIS_TEST_URL

pytestmark = pytest.mark.django_db


def fail_safe(backend: str, location: str, *, name: str = "pages", **options) -> dict:
    return {
        "BACKEND": "argmap.caching.FailSafeCache",
        "LOCATION": location,
        "KEY_PREFIX": f"argmap:{name}",
        "OPTIONS": {"BACKEND": backend, "NAME": name, **options},
    }


def caches_in(backend: str, location: str, **options) -> dict:
    """The three aliases as settings.py makes them, in `backend` at `location`."""

    def where(alias: str) -> str:
        return location if "redis" in backend else os.path.join(location, alias)

    return {
        "default": fail_safe(backend, where("default"), name="default", **options),
        "exports": fail_safe(backend, where("exports"), name="exports", **options),
        "throttle": fail_safe(backend, where("throttle"), name="throttle", FAIL="closed", **options),
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def topic():
    topic = TopicFactory(title="Cached or not")
    position = PositionFactory(topic=topic, title="Yes")
    LinkFactory(claim=ClaimFactory(topic=topic, text="Pages survive their cache."), target_position=position)
    return topic


@pytest.fixture
def redis_db():
    server = redis.Redis.from_url(REDIS_TEST_URL)
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


def test_pages_are_served_and_the_failure_logged_when_the_memory_cache_raises(client, topic, caplog):
    with override_settings(CACHES=caches_in("django.core.cache.backends.locmem.LocMemCache", "broken")):
        backend = caches["default"].backend
        with (
            mock.patch.object(backend, "get", side_effect=MemoryError("no room")),
            mock.patch.object(backend, "set", side_effect=MemoryError("no room")),
            caplog.at_level(logging.WARNING, logger="argmap.cache"),
        ):
            response = client.get(topic.get_absolute_url())
            again = client.get(topic.get_absolute_url())  # the cache rests: not tried again
    assert response.status_code == again.status_code == 200
    assert "Pages survive their cache." in response.content.decode()
    failures = [r for r in caplog.records if "The default cache failed (MemoryError: no room)" in r.getMessage()]
    assert len(failures) == 1


def test_pages_are_served_when_the_file_cache_cannot_write(client, topic, tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache's folder should be")
    with (
        override_settings(CACHES=caches_in("django.core.cache.backends.filebased.FileBasedCache", str(blocked))),
        caplog.at_level(logging.WARNING, logger="argmap.cache"),
    ):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert "Pages survive their cache." in response.content.decode()
    assert any("The default cache failed" in r.getMessage() for r in caplog.records)


def test_pages_are_cached_in_redis(client, topic, redis_db):
    with override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", REDIS_TEST_URL)):
        first = client.get(topic.get_absolute_url())
        keys = redis_db.keys("argmap:default:*")
        second = client.get(topic.get_absolute_url())
    assert first.status_code == second.status_code == 200
    assert len([key for key in keys if b"topic_detail" in key]) == 1  # beside it, the version's possible duplicates
    assert first.content == second.content


def test_pages_are_served_and_the_failure_logged_when_redis_is_stopped(client, topic, caplog):
    stopped = f"redis://127.0.0.1:{closed_port()}/5"
    with (
        override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", stopped)),
        caplog.at_level(logging.WARNING, logger="argmap.cache"),
    ):
        statuses = [client.get(topic.get_absolute_url()).status_code for _ in range(3)]
        api = client.get(f"/api/v1/topics/{topic.slug}/")  # the API's throttle lets reads through
    assert statuses == [200, 200, 200]
    assert api.status_code == 200
    messages = [r.getMessage() for r in caplog.records]
    assert any("The default cache failed (ConnectionError" in message for message in messages), messages
    assert any("The throttle cache failed (ConnectionError" in message for message in messages), messages


def test_a_cache_that_fails_closed_says_so():
    from argmap.caching import CacheUnavailable

    stopped = f"redis://127.0.0.1:{closed_port()}/5"
    with override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", stopped)):
        assert caches["default"].get("anything", "missing") == "missing"
        with pytest.raises(CacheUnavailable):
            caches["throttle"].add("counter", 0)
        with pytest.raises(CacheUnavailable):  # and while it rests, without trying
            caches["throttle"].get("counter")


def test_a_missing_counter_is_an_answer_not_a_failure():
    with override_settings(CACHES=caches_in("django.core.cache.backends.locmem.LocMemCache", "counters")):
        with pytest.raises(ValueError, match="not found"):
            caches["throttle"].incr("nothing-here")
        caches["throttle"].add("counter", 0)
        assert caches["throttle"].incr("counter") == 1
