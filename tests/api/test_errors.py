"""Errors under /api/ are JSON everywhere; hostile bodies are a 400/413, never a 500;
while the database is unreachable every page is a 503 with Retry-After."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from argmap.models import Claim
from tests.factories import ClaimFactory, LinkFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_address_under_api_is_a_json_404(anonymous):
    for url in ["/api/v1/nothing-here/", "/api/v2/", "/api/v1/claims/not-a-number/"]:
        response = anonymous.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_a_method_not_allowed_is_a_json_405(editor_api):
    response = editor_api.put(reverse("api:claim-list"), {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_a_body_that_is_not_json_is_a_415(editor_api):
    response = editor_api.post(
        reverse("api:claim-list"), "text=hello", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"{", b'{"text": "\xff"}', b"[1, 2", b"\x00"])
def test_malformed_json_is_a_400(editor_api, body):
    response = editor_api.post(reverse("api:claim-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("number", [b"1e400", b"99999999999999999999999999", b"NaN", b"-Infinity"])
def test_numbers_no_column_can_hold_are_a_400(editor_api, number):
    topic = TopicFactory()
    body = b'{"topic": %d, "text": "x", "base_score": %s}' % (topic.pk, number)
    response = editor_api.post(reverse("api:claim-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_deeply_nested_json_is_a_400_not_a_crash(editor_api):
    body = b'{"text": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    response = editor_api.post(reverse("api:claim-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_json_nested_a_little_deeper_than_any_document_is_refused(editor_api):
    body = {"topic": TopicFactory().pk, "text": [[[[[[[[[[[[[[[[["too deep"]]]]]]]]]]]]]]]]]}
    response = editor_api.post(reverse("api:claim-list"), body, format="json")
    assert response.status_code == 400
    assert "nested more than 16 levels" in response.json()["detail"]


def test_an_oversized_body_is_a_413(editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"topic": TopicFactory().pk, "text": "x" * 2000}
    response = editor_api.post(reverse("api:claim-list"), body, format="json")
    assert response.status_code == 413
    assert "larger than 1,000 bytes" in response.json()["detail"]
    assert not Claim.objects.exists()


def test_anonymous_clients_are_rate_limited_with_a_json_429(anonymous, editor_api):
    with mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": "3/minute"}):
        statuses = [anonymous.get(reverse("api:topic-list")).status_code for _ in range(4)]
        limited = anonymous.get(reverse("api:topic-list"))
        assert editor_api.get(reverse("api:topic-list")).status_code == 200  # editors are not throttled
    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "throttled" in limited.json()["detail"]


def test_an_empty_body_is_a_400_naming_the_required_fields(editor_api):
    response = editor_api.post(reverse("api:claim-list"), b"", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"topic": ["This field is required."], "text": ["This field is required."]}


def test_an_unexpected_error_under_api_is_a_json_500():
    anonymous = APIClient(raise_request_exception=False)
    ClaimFactory()
    with mock.patch("argmap.api.views.ArgmapViewSet.readable_queryset", side_effect=ZeroDivisionError):
        response = anonymous.get(reverse("api:claim-list"))
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


# The database is unreachable


def test_an_unreachable_database_is_a_503_with_retry_after_in_json_under_api(anonymous, settings):
    topic = TopicFactory()
    with mock.patch("argmap.api.views.map_document", side_effect=OperationalError("connection refused")):
        response = anonymous.get(reverse("api:topic-map", args=[topic.slug]))
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert "unreachable" in response.json()["detail"]


def test_an_unreachable_database_is_a_503_page_on_the_site(client):
    with mock.patch("argmap.models.TopicQuerySet.site_version", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("argmap:home"))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Content-Type"].startswith("text/html")
    assert b"briefly unavailable" in response.content


class ReadsTheDatabaseFirst:
    """A middleware that touches the database before any view (as a session store would)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("server closed the connection unexpectedly")


def test_an_unreachable_database_in_another_middleware_is_a_503_too(settings):
    client = APIClient(raise_request_exception=False)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.ReadsTheDatabaseFirst"]
    response = client.get("/api/v1/topics/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["detail"]


CLIENT_REQUESTS = """
from django.test import Client
client = Client(HTTP_HOST="localhost")
for url in ["/api/v1/topics/", "/api/v1/topics/some-topic/map/", "/"]:
    response = client.get(url)
    print(url, response.status_code, response.get("Retry-After"), response["Content-Type"])
"""


def test_a_postgresql_server_that_refuses_connections_gives_503s_not_500s():
    environment = {**os.environ, "DATABASE_URL": "postgres://argmap@127.0.0.1:9/argmap", "DB_CONNECT_TIMEOUT": "2"}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", CLIENT_REQUESTS],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "/api/v1/topics/ 503 30 application/json",
        "/api/v1/topics/some-topic/map/ 503 30 application/json",
        "/ 503 30 text/html; charset=utf-8",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "map", "evaluation", "coalitions", "gaps", "export/json"])
def test_a_format_suffix_on_any_topic_endpoint_is_json_not_an_error(client, action):
    topic = LinkFactory().claim.topic
    path = f"/api/v1/topics/{topic.slug}/{action}".rstrip("/") + ".json"
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/json")
