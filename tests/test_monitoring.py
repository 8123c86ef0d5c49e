"""/healthz, /readyz, /metrics, request ids and JSON logs."""

import io
import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from argmap.logs import JsonFormatter, RequestIdFilter
from tests.factories import TopicFactory, UserFactory
from tests.test_cache import caches_in, closed_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_migrations_caches_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"},
    }


def test_readyz_is_a_503_naming_the_cache_when_redis_is_stopped(client):
    stopped = f"redis://127.0.0.1:{closed_port()}/5"
    with override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", stopped)):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"].startswith("ConnectionError")
    assert body["checks"]["database"] == "ok"


def test_readyz_is_a_503_when_the_database_does_not_answer(client):
    refused = mock.Mock(side_effect=OperationalError("connection refused"))
    with mock.patch.dict("argmap.monitoring.CHECKS", {"database": refused}):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "OperationalError: connection refused"


def test_readyz_is_a_503_while_migrations_are_pending(client):
    plan = [(mock.Mock(__str__=lambda self: "argmap.0099_future"), False)]
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=plan):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert (
        response.json()["checks"]["migrations"]
        == "RuntimeError: 1 migrations not applied, the first argmap.0099_future"
    )


def test_metrics_are_for_editors_only(client, editor_client):
    TopicFactory()
    assert Client().get("/metrics").status_code == 403
    outsider = Client()
    outsider.force_login(UserFactory(username="outsider"))
    assert outsider.get("/metrics").status_code == 403  # staff, but no editor
    editor_client.get("/metrics")
    response = editor_client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert 'argmap_http_requests_total{method="GET",status="200",view="metrics"}' in text
    assert "argmap_http_request_duration_seconds_bucket" in text
    assert 'argmap_topics{status="published"} 1.0' in text
    assert "argmap_claims 0.0" in text


def test_metrics_take_an_editors_token(client, editor):
    token = Token.objects.create(user=editor)
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Token not-a-token").status_code == 403
    other = Token.objects.create(user=UserFactory(username="reader"))
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 403


def test_each_response_carries_a_request_id_of_its_own(client):
    first, second = client.get("/metrics")["X-Request-ID"], client.get("/metrics")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_an_incoming_request_id_is_kept_from_trusted_proxies_only(client, settings):
    assert client.get("/metrics", HTTP_X_REQUEST_ID="from-anyone")["X-Request-ID"] != "from-anyone"
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    assert client.get("/metrics", HTTP_X_REQUEST_ID="edge-42.a")["X-Request-ID"] == "edge-42.a"
    assert client.get("/metrics", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_json_logs_carry_the_request_id_and_the_request_line(client, settings):
    settings.TRUSTED_PROXIES = 1
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("argmap.requests")
    logger.addHandler(handler)
    try:
        response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")
    finally:
        logger.removeHandler(handler)
    [line] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["message"] == "GET /metrics 403"
    assert line["client"] == "203.0.113.7"
    assert line["status"] == 403
    assert line["level"] == "INFO"
    assert line["logger"] == "argmap.requests"


def test_probes_answer_whatever_the_host_and_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["argmap.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # everything else: checked
