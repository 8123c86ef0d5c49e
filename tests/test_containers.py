"""The deployment files: gunicorn.conf.py started for real (on SQLite, port 8104 unless
ARGMAP_TEST_PORTS says otherwise), compose.yaml's services, the Dockerfile's shape.
(No Docker engine runs here: the image itself is linted by hadolint in `make lint`.)"""

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.test_deployment import PORTS, ROOT, environment, fetch, manage, stop, wait_for


def test_gunicorn_takes_its_workers_from_the_cpus_and_recycles_them():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cpus = len(os.sched_getaffinity(0))
    assert config["workers"] == min(2 * cpus + 1, 8)
    assert config["max_requests"] == 1000
    assert config["max_requests_jitter"] == 100
    assert config["timeout"] == 60
    assert config["graceful_timeout"] == 30


@pytest.mark.slow  # a gunicorn server in a process of its own
def test_gunicorn_serves_argmap_with_its_config(tmp_path):
    manage(tmp_path, "migrate", "--no-input", "-v", "0", REDIS_URL="")
    url = f"http://127.0.0.1:{PORTS[0]}"
    log = tmp_path / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{PORTS[0]}",
        "config.wsgi",
    ]  # fmt: skip
    production = {
        "DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "argmap.example.org", "REDIS_URL": "",
        "GUNICORN_WORKERS": "2", "SECURE_SSL_REDIRECT": "false", "LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own server
            command, cwd=ROOT, env=environment(tmp_path, **production), stdout=output, stderr=output
        )
        try:
            wait_for(url + "/healthz", process)
            health = fetch(url + "/healthz")
            ready = fetch(url + "/readyz")
        finally:
            stop(process)
    text = log.read_text()
    assert health == (200, b'{"status": "ok"}'), text
    assert ready[0] == 200, ready
    assert json.loads(ready[1])["checks"]["migrations"] == "ok"
    assert text.count("Booting worker with pid") == 2, text
    assert (tmp_path / "metrics").is_dir()


def test_compose_runs_app_worker_postgres_redis_and_a_one_shot_migrate():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "worker", "postgres", "redis", "migrate"}
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_the_image_runs_gunicorn_as_an_unprivileged_user_with_static_files_collected():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.findall(r"^FROM (\S+)(?: AS (\w+))?$", dockerfile, re.MULTILINE) == [
        ("python:3.11-slim-bookworm", "build"),
        ("python:3.11-slim-bookworm", ""),
    ]
    assert "collectstatic" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi"]' in dockerfile
    ignored = Path(ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "*.sqlite3"} <= set(ignored)
