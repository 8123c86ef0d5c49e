"""argmap as deployed: separate processes sharing Redis. These tests start real servers
(on ports 8104 and 8114 unless ARGMAP_TEST_PORTS says otherwise) over a SQLite file
of their own with the demo map, and talk to the real Redis (REDIS_TEST_URL, db 5 by
default, which they flush and nothing else)."""

import json
import os
import pickle
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.services import REDIS_TEST_URL

ROOT = Path(__file__).resolve().parent.parent
PORTS = [int(port) for port in os.environ.get("ARGMAP_TEST_PORTS", "8104,8114").split(",")]
TOPIC = "/topics/uk-openai-partnership/"

pytestmark = pytest.mark.slow  # servers and a worker in processes of their own


def environment(folder: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return env | {"DATABASE_URL": "", "SQLITE_PATH": str(folder / "db.sqlite3"), "REDIS_URL": REDIS_TEST_URL} | extra


def manage(folder: Path, *args: str, **extra) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(folder, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A database file with the demo map, as `make setup` leaves it."""
    folder = tmp_path_factory.mktemp("deployment")
    manage(folder, "migrate", "--no-input", "-v", "0")
    manage(folder, "load_demo")
    return folder


@pytest.fixture
def redis_db():
    server = redis.Redis.from_url(REDIS_TEST_URL)
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def start(command: list[str], folder: Path, url: str, **extra) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own server
        command, cwd=ROOT, env=environment(folder, **extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(url, process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def two_servers(deployment):
    """Two app processes on two ports, sharing the database file and Redis."""
    processes = []
    try:
        for port in PORTS:
            command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
            processes.append(start(command, deployment, f"http://127.0.0.1:{port}/healthz", API_ANON_RATE="3/minute"))
        yield [f"http://127.0.0.1:{port}" for port in PORTS]
    finally:
        for process in processes:
            stop(process)


def test_a_page_cached_by_one_process_is_served_by_the_other(two_servers, redis_db):
    first, second = two_servers
    status, page = fetch(first + TOPIC)
    assert status == 200
    [key] = [key for key in redis_db.keys("argmap:pages:*") if b"topic_detail" in key]
    # Mark the cached copy: only a process that reads it from Redis can answer with the mark.
    cached = pickle.loads(redis_db.get(key))  # noqa: S301 - what the test's own server just stored
    assert cached.encode() == page
    redis_db.set(key, pickle.dumps(cached.replace("<title>", "<title>(from Redis) ", 1)), keepttl=True)
    status, served = fetch(second + TOPIC)
    assert status == 200
    assert b"<title>(from Redis) " in served


def test_two_processes_count_one_anonymous_client_together(two_servers, redis_db):
    first, second = two_servers
    statuses = [fetch(server + "/api/v1/topics/")[0] for server in (first, first, second, second)]
    assert statuses == [200, 200, 200, 429]


def test_readyz_checks_redis_as_cache_and_broker(two_servers):
    status, body = fetch(two_servers[0] + "/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"}


@pytest.fixture
def worker(deployment, redis_db, tmp_path):
    """A Celery worker (`make worker`) on Redis, its log in a file."""
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own worker
            command, cwd=ROOT, env=environment(deployment), stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield log
    finally:
        stop(process)


def wait_until(condition, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


QUEUE_EXPORTS = (
    "from argmap.models import Topic; from argmap.tasks import build_exports; "
    "topic = Topic.objects.get(slug='uk-openai-partnership'); build_exports.delay(topic.pk, topic.version)"
)


def test_a_worker_builds_a_topics_downloads_once_per_version(deployment, worker, redis_db):
    manage(deployment, "shell", "-v", "0", "-c", QUEUE_EXPORTS)
    wait_until(lambda: len(redis_db.keys("argmap:exports:*")) == 5, what=worker.read_text())
    wait_until(lambda: "'json': 'kept'" in worker.read_text(), what=worker.read_text())
    manage(deployment, "shell", "-v", "0", "-c", QUEUE_EXPORTS)  # again: nothing to build
    wait_until(lambda: "'json': 'cached'" in worker.read_text(), what=worker.read_text())
    assert len(redis_db.keys("argmap:exports:*")) == 5
    assert "ERROR" not in worker.read_text()
