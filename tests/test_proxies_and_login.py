"""The client address behind proxies, and what it drives: the API's anonymous throttle
and the login's throttle (per account at an address, and per address, atomically)."""

import threading
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from argmap.clients import client_address
from argmap.login import LoginThrottle
from tests.factories import EditorFactory
from tests.services import REDIS_TEST_URL
from tests.test_cache import caches_in, closed_port

PASSWORD = "correct horse battery staple"  # noqa: S105 - the factories' password


@pytest.fixture(autouse=True)
def fresh_counts():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "client"),
    [
        ([], "6.6.6.6", "10.0.0.2", "10.0.0.2"),  # no proxies trusted: the header is ignored
        (1, "6.6.6.6, 203.0.113.7", "10.0.0.2", "203.0.113.7"),  # one proxy: the hop it appended
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", "203.0.113.7"),
        (1, "", "10.0.0.2", "10.0.0.2"),  # came in without the proxy: what connected
        (["10.0.0.0/8"], "6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", "203.0.113.7"),
        (["10.0.0.0/8"], "203.0.113.7", "198.51.100.1", "198.51.100.1"),  # not from a proxy: ignored
        (["10.0.0.0/8", "2001:db8::/32"], "203.0.113.7", "2001:db8::1", "203.0.113.7"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(settings, trusted, forwarded, remote, client):
    settings.TRUSTED_PROXIES = trusted
    assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}) == client


def anonymous_statuses(headers: list[dict]) -> list[int]:
    client = APIClient()
    with mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": "3/minute"}):
        return [client.get(reverse("api:topic-list"), **extra).status_code for extra in headers]


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_anonymous_throttle():
    forged = [{"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"} for n in range(5)]
    assert anonymous_statuses(forged) == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]  # the test client connects from 127.0.0.1
    one, other = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, {"HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    assert anonymous_statuses([one, one, one, one, other]) == [200, 200, 200, 429, 200]


@pytest.mark.django_db
def test_https_is_believed_from_trusted_proxies_only(client):
    proxy_ssl = ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], SECURE_PROXY_SSL_HEADER=proxy_ssl, SECURE_SSL_REDIRECT=True):
        from_proxy = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.1.2.3")
        forged = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.1")
    assert from_proxy.status_code == 200
    assert forged.status_code == 301  # taken for plain HTTP: sent to HTTPS
    assert forged["Location"].startswith("https://")


def log_in(client, username: str, password: str, address: str):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_bad_passwords_lock_that_account_at_that_address_only(client):
    EditorFactory(username="alice")
    EditorFactory(username="bob")
    for _ in range(5):
        assert "correct username and password" in log_in(client, "alice", "wrong", "198.51.100.1").content.decode()
    locked = log_in(client, "alice", PASSWORD, "198.51.100.1")
    assert "Too many failed attempts to log in" in locked.content.decode()
    assert log_in(client, "bob", PASSWORD, "198.51.100.1").status_code == 302  # another account
    client.logout()
    assert log_in(client, "alice", PASSWORD, "203.0.113.7").status_code == 302  # the editor, elsewhere


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_stopped(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    for n in range(8):
        assert "correct username and password" in log_in(client, f"user{n}", "guess", "198.51.100.1").content.decode()
    EditorFactory(username="carol")
    assert "Too many failed attempts" in log_in(client, "carol", PASSWORD, "198.51.100.1").content.decode()
    assert log_in(client, "carol", PASSWORD, "203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_a_correct_password_does_not_count_as_a_failure(client):
    EditorFactory(username="dora")
    for _ in range(4):
        log_in(client, "dora", "wrong", "198.51.100.1")
    assert log_in(client, "dora", PASSWORD, "198.51.100.1").status_code == 302
    client.logout()
    for _ in range(4):  # the count started again
        log_in(client, "dora", "wrong", "198.51.100.1")
    assert log_in(client, "dora", PASSWORD, "198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_attempts_refused_for_one_account_do_not_use_up_the_address(client):
    """Were they counted for the address, the 25 attempts refused for erin would leave the
    address no room (20) for frank's password."""
    EditorFactory(username="frank")
    for _ in range(30):
        LoginThrottle("erin", "198.51.100.1").attempt()
    assert log_in(client, "frank", PASSWORD, "198.51.100.1").status_code == 302


def concurrent_attempts(n: int) -> int:
    allowed = []
    start = threading.Barrier(n)

    def attempt():
        start.wait()
        allowed.append(LoginThrottle("erin", "198.51.100.1").attempt())

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(allowed)


def test_forty_concurrent_attempts_get_exactly_five_passwords_checked():
    assert concurrent_attempts(40) == 5


def test_forty_concurrent_attempts_get_exactly_five_checked_in_redis():
    import redis

    server = redis.Redis.from_url(REDIS_TEST_URL)
    server.flushdb()
    try:
        with override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", REDIS_TEST_URL)):
            assert concurrent_attempts(40) == 5
    finally:
        server.flushdb()
        server.close()


@pytest.mark.django_db
def test_no_password_is_checked_while_the_counts_are_unavailable(client):
    EditorFactory(username="fred")
    stopped = f"redis://127.0.0.1:{closed_port()}/5"
    with override_settings(CACHES=caches_in("django.core.cache.backends.redis.RedisCache", stopped)):
        response = log_in(client, "fred", PASSWORD, "198.51.100.1")
    assert response.status_code == 200
    assert "Logging in is not possible just now" in response.content.decode()
    assert "_auth_user_id" not in client.session
