"""argmap as deployed, with its Redis stopped (REDIS_URL at a closed port): pages are
served uncached, the failure is logged, /readyz says what is wrong. A module of its own,
so that its server does not meet test_deployment's on the same port."""

import json
import socket
import subprocess
import sys

import pytest

from tests.test_deployment import PORTS, ROOT, TOPIC, deployment, environment, fetch, stop, wait_for

__all__ = ["deployment"]  # the fixture, used here

pytestmark = pytest.mark.slow  # a server in a process of its own


def test_with_redis_stopped_pages_are_served_and_the_failure_logged(deployment, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        stopped = f"redis://127.0.0.1:{sock.getsockname()[1]}/5"  # closed once the socket is
    url = f"http://127.0.0.1:{PORTS[0]}"
    log = tmp_path / "server.log"
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORTS[0]}"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own server
            command, cwd=ROOT, env=environment(deployment, REDIS_URL=stopped), stdout=output, stderr=output
        )
        try:
            wait_for(url + "/healthz", process)
            statuses = [fetch(url + path)[0] for path in [TOPIC, TOPIC, "/", "/api/v1/topics/", TOPIC]]
            ready, body = fetch(url + "/readyz")
        finally:
            stop(process)
    assert statuses == [200] * 5
    assert ready == 503
    assert json.loads(body)["checks"]["cache"].startswith("ConnectionError")
    assert json.loads(body)["checks"]["broker"] != "ok"
    logged = log.read_text()
    assert "The pages cache failed (ConnectionError" in logged
    # (the demo topics are published: their downloads were written at publish, with the
    # publication's documents, so no page view queues them; tests/test_tasks.py checks a
    # broker that cannot be reached when a live topic's page does)
    assert " 500 " not in logged
