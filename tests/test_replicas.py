"""Read replicas (argmap/replicas.py) against a real PostgreSQL streaming replica.

The PostgreSQL run starts one itself: `scripts/pgcluster replica` makes a standby of the
test server with pg_basebackup in a temporary folder, on a free port, and removes it at
the end. Under CI=1 a replica that cannot start fails these tests; elsewhere they are
skipped with the reason. The SQLite run has no replicas: only the rules that need no
database server run there (at the end of this file).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from argmap import replicas
from argmap.models import Topic
from tests.factories import EditorFactory, TopicFactory

ROOT = Path(__file__).resolve().parent.parent
ALIAS = "replica_test"
TOPICS = "/api/v1/topics/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pgcluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "pgcluster"), *args], capture_output=True, text=True, timeout=300, check=False
    )


class Replica:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.cluster = str(folder / "cluster")

    def query(self, sql: str, params=()):
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def caught_up(self, seconds: float = 30) -> None:
        """Wait until the replica has replayed everything the primary wrote so far."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            [lsn] = cursor.fetchone()
        deadline = time.monotonic() + seconds
        while not self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)

    @contextlib.contextmanager
    def replay_paused(self):
        self.query("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.query("SELECT pg_wal_replay_resume()")

    @contextlib.contextmanager
    def stopped(self):
        connections[ALIAS].close()
        result = pgcluster("stop", self.cluster)
        assert result.returncode == 0, result.stderr
        try:
            yield
        finally:
            result = pgcluster("start", self.cluster)
            assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def replica(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are PostgreSQL standbys: the PostgreSQL run tests them")
    primary = connections["default"].settings_dict
    if primary["HOST"] not in {"127.0.0.1", "localhost"}:
        pytest.skip(f"the test replica copies a server on this machine, not {primary['HOST']}")
    folder = Path(tempfile.mkdtemp(prefix="argmap-replica-"))
    folder.chmod(0o755)  # the cluster runs as the postgres user
    port = free_port()
    result = pgcluster("replica", str(folder / "cluster"), str(port), str(primary["PORT"] or 5432))
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        reason = f"the test replica did not start (scripts/pgcluster replica): {result.stderr.strip()[-800:]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    connections.settings[ALIAS] = primary | {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": primary["TEST"] | {"MIRROR": "default"},
    }
    try:
        yield Replica(folder, port)
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        pgcluster("remove", str(folder / "cluster"))
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def routed(replica, settings):
    """The site configured with the test replica, as DATABASE_REPLICA_URLS would make it."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["argmap.replicas.ReplicaRouter"]
    settings.REPLICA_MAX_LAG = 60
    settings.REPLICA_CHECK_INTERVAL = 60
    replicas.health.forget()
    yield replica
    replicas.health.forget()


needs_replica = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {topic["slug"] for topic in response.json()["results"]}


@needs_replica
def test_the_replica_alias_is_a_streaming_standby(replica):
    assert replica.query("SELECT pg_is_in_recovery()") == (True,)
    assert replica.query("SELECT status FROM pg_stat_wal_receiver") == ("streaming",)


@needs_replica
def test_an_anonymous_read_is_served_by_the_replica(routed):
    TopicFactory(slug="seen-by-both")
    routed.caught_up()
    with routed.replay_paused():
        TopicFactory(slug="only-on-the-primary")  # the replica has not replayed it
        served = slugs(APIClient().get(TOPICS))
    assert served == {"seen-by-both"}
    routed.caught_up()
    assert slugs(APIClient().get(TOPICS)) == {"seen-by-both", "only-on-the-primary"}


@needs_replica
def test_an_editor_reads_their_own_write_from_the_primary(routed):
    topic = TopicFactory(slug="edited", title="Before")
    editor = EditorFactory(username="writer")
    token = Token.objects.create(user=editor)
    routed.caught_up()
    url = reverse("api:topic-detail", args=[topic.slug])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    etag = api.get(url)["ETag"]
    with routed.replay_paused():
        changed = api.patch(url, {"title": "After"}, format="json", headers={"If-Match": etag})
        assert changed.status_code == 200, changed.content
        assert replicas.WROTE_COOKIE in changed.cookies
        # Through the cookie (a browser), and through the token alone (a script without cookies).
        assert api.get(url).json()["title"] == "After"
        api.cookies.clear()
        assert api.get(url).json()["title"] == "After"
        assert routed.query("SELECT title FROM argmap_topic WHERE slug = 'edited'") == ("Before",)
        # A browser that wrote, without a token: its cookie sends it to the primary.
        browser = APIClient()
        TopicFactory(slug="new-on-the-primary")
        browser.cookies[replicas.WROTE_COOKIE] = f"{time.time():.3f}"
        assert "new-on-the-primary" in slugs(browser.get(TOPICS))
        browser.cookies[replicas.WROTE_COOKIE] = f"{time.time() - 60:.3f}"  # long ago: the replica again
        assert "new-on-the-primary" not in slugs(browser.get(TOPICS))


@needs_replica
def test_a_lagging_replica_serves_nothing_until_it_catches_up(routed, settings):
    settings.REPLICA_MAX_LAG = 1
    settings.REPLICA_CHECK_INTERVAL = 0
    TopicFactory(slug="old")
    routed.caught_up()
    with routed.replay_paused():
        TopicFactory(slug="new")
        time.sleep(1.5)  # replay stopped 1.5 s ago, and there is more to replay
        assert slugs(APIClient().get(TOPICS)) == {"old", "new"}  # from the primary
        assert replicas.health.known[ALIAS][0] is False
    routed.caught_up()
    assert slugs(APIClient().get(TOPICS)) == {"old", "new"}
    # Healthy again once within the bound (other databases' writes stream to it too: on a
    # busy server its lag may stay above 1 s for a moment).
    deadline = time.monotonic() + 30
    while not replicas.health.healthy(ALIAS):
        assert time.monotonic() < deadline, "the replica did not become healthy again"
        time.sleep(0.2)


@needs_replica
def test_a_stopped_replica_costs_readers_nothing(routed, settings):
    TopicFactory(slug="kept")
    routed.caught_up()
    assert replicas.health.healthy(ALIAS)  # checked, and believed healthy for a minute
    with routed.stopped():
        # The first read finds the replica gone midway and is run again on the primary;
        # the next ones go to the primary straight away.
        statuses = [APIClient().get(TOPICS) for _ in range(20)]
        assert [response.status_code for response in statuses] == [200] * 20
        assert all(slugs(response) == {"kept"} for response in statuses)
        assert replicas.health.known[ALIAS][0] is False
        settings.REPLICA_CHECK_INTERVAL = 0
        assert slugs(APIClient().get(TOPICS)) == {"kept"}  # checked again: still down, the primary
    routed.caught_up()
    assert replicas.health.healthy(ALIAS)


@needs_replica
def test_readyz_reports_each_replica_and_its_lag(routed, settings):
    TopicFactory(slug="ready")
    routed.caught_up()
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["replicas"][ALIAS]["status"] == "ok"
    assert 0 <= body["replicas"][ALIAS]["lag"] <= settings.REPLICA_MAX_LAG


@needs_replica
def test_readyz_calls_a_lagging_replica_degraded_and_stays_ready(routed, settings):
    settings.REPLICA_MAX_LAG = 1
    routed.caught_up()
    with routed.replay_paused():
        TopicFactory(slug="not-replayed")
        time.sleep(1.5)
        response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    report = body["replicas"][ALIAS]
    assert report["status"] == "degraded"
    assert report["lag"] > 1
    assert report["reason"].startswith("it lags")


@needs_replica
def test_readyz_calls_a_stopped_replica_degraded_and_its_reads_go_to_the_primary(routed):
    TopicFactory(slug="still-served")
    routed.caught_up()
    with routed.stopped():
        response = Client().get("/readyz")
        assert response.status_code == 200  # the primary serves every read meanwhile
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"}
        report = body["replicas"][ALIAS]
        assert report["status"] == "degraded"
        assert report["lag"] is None
        assert report["reason"].startswith("it does not answer (OperationalError")
        assert replicas.health.known[ALIAS][0] is False  # the readers' choice knows it too
        assert slugs(APIClient().get(TOPICS)) == {"still-served"}
    routed.caught_up()
    assert Client().get("/readyz").json()["replicas"][ALIAS]["status"] == "ok"


# --- Rules that need no replica (both databases) ---


@pytest.fixture
def one_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    replicas.health.forget()
    replicas.health.known["replica1"] = (True, time.monotonic())
    yield
    replicas.health.forget()


def chosen(request) -> str | None:
    return replicas.choose(request)


def test_reads_go_to_a_healthy_replica_and_writes_to_the_primary(one_replica):
    factory = RequestFactory()
    assert chosen(factory.get("/")) == "replica1"
    assert chosen(factory.post("/")) is None
    assert chosen(factory.patch("/")) is None
    replicas.health.known["replica1"] = (False, time.monotonic())
    assert chosen(factory.get("/")) is None


def test_a_recent_write_cookie_reads_from_the_primary(one_replica, settings):
    settings.REPLICA_READ_YOUR_WRITES = 10
    request = RequestFactory().get("/")
    request.COOKIES[replicas.WROTE_COOKIE] = f"{time.time() - 5:.3f}"
    assert chosen(request) is None
    request.COOKIES[replicas.WROTE_COOKIE] = f"{time.time() - 11:.3f}"
    assert chosen(request) == "replica1"
    request.COOKIES[replicas.WROTE_COOKIE] = "not a time"
    assert chosen(request) == "replica1"


def test_a_standby_is_judged_by_its_recovery_its_stream_and_its_lag(settings):
    settings.REPLICA_MAX_LAG = 5
    assert replicas.judge(True, 0, True) == (True, "")
    assert replicas.judge(True, 4.9, True) == (True, "")
    assert replicas.judge(True, 6, True)[0] is False
    assert replicas.judge(False, 0, True) == (False, "it is not a standby (promoted?)")
    assert replicas.judge(True, 0, False) == (False, "it is not streaming from the primary")
    # Just restarted, with changes to replay and none replayed yet: no replay timestamp.
    assert replicas.judge(True, None, True) == (False, "it has replayed nothing yet since it started")


def test_a_check_that_fails_in_any_way_reads_from_the_primary(settings, caplog):
    settings.DATABASE_REPLICAS = ["replica1"]
    replicas.health.forget()
    with mock.patch.object(replicas, "connections") as connections_:
        connections_.__getitem__.return_value.cursor.side_effect = TypeError("surprise")
        assert replicas.choose(RequestFactory().get("/")) is None
    assert "Replica replica1 serves no reads: it does not answer (TypeError: surprise)" in caplog.text
    replicas.health.forget()


def test_the_router_keeps_writes_and_transactions_on_the_primary(one_replica, transactional_db):
    from django.db import transaction

    router = replicas.ReplicaRouter()
    token = replicas._reading_from.set("replica1")
    try:
        assert router.db_for_read(Topic) == "replica1"
        assert router.db_for_write(Topic) == "default"
        with transaction.atomic():
            assert router.db_for_read(Topic) == "default"
    finally:
        replicas._reading_from.reset(token)
    assert router.db_for_read(Topic) == "default"  # outside a request: the primary
    assert router.allow_migrate("replica1", "argmap") is False
    assert router.allow_migrate("default", "argmap") is None


def test_replicas_are_read_from_database_replica_urls():
    from tests.test_settings import run_manage

    script = "from django.conf import settings; print(settings.DATABASE_REPLICAS, settings.DATABASE_ROUTERS)"
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        script,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/argmap",
        DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/argmap, postgres://postgres@10.0.0.2/argmap",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['replica1', 'replica2'] ['argmap.replicas.ReplicaRouter']"
    refused = run_manage("check", DATABASE_URL="", DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/argmap")
    assert refused.returncode != 0
    assert "DATABASE_REPLICA_URLS needs DATABASE_URL to be a PostgreSQL database" in refused.stderr
