"""Background tasks, run eagerly here (no REDIS_URL); tests/test_deployment.py runs them
on a real worker."""

import logging
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnreachable

from argmap import tasks
from argmap.interchange import FORMATS, keep_export
from argmap.tasks import build_exports, build_exports_later, exports_state
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_caches():
    caches["exports"].clear()
    caches["default"].clear()
    yield
    caches["exports"].clear()
    caches["default"].clear()


@pytest.fixture
def topic():
    topic = TopicFactory()
    LinkFactory(claim=ClaimFactory(topic=topic), target_position=PositionFactory(topic=topic))
    topic.refresh_from_db()  # the triggers raised its version
    return topic


def kept(topic) -> set[str]:
    return {format for format in FORMATS if caches["exports"].has_key(topic.cache_key("export", format))}


def test_build_exports_keeps_every_download_of_that_version(topic):
    assert build_exports.delay(topic.pk, topic.version).get() == dict.fromkeys(FORMATS, "kept")
    assert kept(topic) == set(FORMATS)


def test_build_exports_run_twice_builds_nothing_more(topic):
    build_exports.delay(topic.pk, topic.version)
    with mock.patch("argmap.interchange.export_map") as export_map:
        assert build_exports.delay(topic.pk, topic.version).get() == dict.fromkeys(FORMATS, "cached")
    export_map.assert_not_called()


def test_build_exports_of_an_old_version_does_nothing(topic):
    assert build_exports.delay(topic.pk, topic.version - 1).get() == {}
    assert build_exports.delay(topic.pk + 1000, topic.version).get() == {}
    assert kept(topic) == set()


def test_a_kept_download_is_the_one_a_reader_gets(client, topic):
    build_exports.delay(topic.pk, topic.version)
    with mock.patch("argmap.interchange.export_map") as export_map:
        response = client.get(f"/api/v1/topics/{topic.slug}/export/json/")
        body = b"".join(response.streaming_content)
    export_map.assert_not_called()
    assert body == caches["exports"].get(topic.cache_key("export", "json"))


def test_a_database_failure_is_retried(topic):
    calls = []

    def flaky(topic, format):
        calls.append(format)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return keep_export(topic, format)

    with mock.patch("argmap.tasks.keep_export", side_effect=flaky):
        result = build_exports.apply((topic.pk, topic.version), throw=False)  # as a worker: retry, not raise
    assert result.get() == dict.fromkeys(FORMATS, "kept")
    assert len(calls) == len(FORMATS) + 1  # the first format twice
    assert build_exports.autoretry_for == (OperationalError, mock.ANY)
    assert build_exports.retry_backoff == 2


def test_a_new_version_of_a_topic_page_queues_its_downloads(client, topic, settings):
    settings.EXPORTS_IN_BACKGROUND = True
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert kept(topic) == set(FORMATS)


def test_an_unreachable_broker_costs_the_page_nothing(client, topic, settings, caplog):
    settings.EXPORTS_IN_BACKGROUND = True
    with (
        mock.patch.object(build_exports, "apply_async", side_effect=BrokerUnreachable("connection refused")),
        caplog.at_level(logging.WARNING, logger="argmap.tasks"),
    ):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert f"Could not queue the exports of {topic.slug}" in caplog.text


# --- Progress, as the admin shows it ---


def test_queued_exports_say_how_far_they_got_for_their_version(topic):
    build_exports_later(topic)  # no broker here: run at once
    assert exports_state(topic.pk) == {
        "version": topic.version,
        "state": "done",
        "formats": dict.fromkeys(FORMATS, "kept"),
    }


def states_of(topic, keep_export_side_effect) -> list[str]:
    """The states build_exports passes through, run as a worker would (retries included)."""
    states = []
    original = tasks._exports_progress

    def record(*args, **kwargs):
        states.append(args[2])
        original(*args, **kwargs)

    with (
        mock.patch("argmap.tasks.keep_export", side_effect=keep_export_side_effect),
        mock.patch("argmap.tasks._exports_progress", side_effect=record),
    ):
        build_exports.apply((topic.pk, topic.version), throw=False)
    return states


def test_exports_retried_after_a_database_failure_say_so_then_finish(topic):
    calls = []

    def flaky(topic, format):
        calls.append(format)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return keep_export(topic, format)

    states = states_of(topic, flaky)
    assert states == ["running", "retrying", "running", *["running"] * len(FORMATS), "done"]
    assert exports_state(topic.pk)["formats"] == dict.fromkeys(FORMATS, "kept")


def test_exports_that_fail_otherwise_are_shown_failed_with_the_reason(topic):
    def broken(topic, format):
        if format == "csv":
            raise ValueError("a bad row")
        return keep_export(topic, format)

    assert states_of(topic, broken)[-1] == "failed"
    state = exports_state(topic.pk)
    assert state["state"] == "failed"
    assert state["error"] == "ValueError: a bad row"
    assert "csv" not in state["formats"]
    assert state["formats"]  # the formats before it were built


def test_exports_that_could_not_be_queued_are_shown_failed(topic, settings):
    with mock.patch.object(build_exports, "apply_async", side_effect=BrokerUnreachable("connection refused")):
        build_exports_later(topic)
    state = exports_state(topic.pk)
    assert (state["version"], state["state"]) == (topic.version, "failed")
    assert state["error"] == "Not queued (no worker reachable: OperationalError)"


def test_the_topic_admin_page_shows_its_background_jobs(editor_client, topic):
    url = reverse("admin:argmap_topic_change", args=[topic.pk])
    page = editor_client.get(url).content.decode()
    assert "Background jobs" in page
    assert "None built in the background lately" in page
    build_exports_later(topic)
    page = editor_client.get(url).content.decode()
    assert f"Built\n      for version {topic.version}" in page
    assert all(f"<li>{spec.label}: kept</li>" in page for spec in FORMATS.values())
    ClaimFactory(topic=topic)  # a new version: the state shown is the old one's, and says so
    assert "the map has changed since" in editor_client.get(url).content.decode()


def test_the_topic_admin_page_shows_a_failed_publishing(editor_client, topic):
    caches["default"].set(tasks.publishing_key(topic.pk), {"state": "failed", "errors": ["Nothing to publish."]})
    page = editor_client.get(reverse("admin:argmap_topic_change", args=[topic.pk])).content.decode()
    assert "Failed: Nothing to publish." in page
