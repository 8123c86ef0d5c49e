"""The drills' deployment on loopback: PostgreSQL primary and replica (scripts/pgcluster),
Redis, gunicorn, a Celery worker; every port free when asked for, every file in one
temporary folder."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drills.load import request

ROOT = Path(__file__).resolve().parent.parent
PGCLUSTER = str(ROOT / "scripts" / "pgcluster")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*command: str, env: dict | None = None, timeout: float = 600) -> str:
    result = subprocess.run(  # noqa: S603 - the drills' own commands
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed: {result.stderr[-2000:]}")
    return result.stdout


def wait_until(condition, seconds: float, what: str) -> float:
    """Poll `condition` until true; the seconds it took. Raises after `seconds`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise RuntimeError(f"{what}: not within {seconds} s")
        time.sleep(0.1)
    return time.monotonic() - started


class Cluster:
    def __init__(self, folder: Path, name: str):
        self.dir = str(folder / name)
        self.port = free_port()

    def url(self, database: str = "argmap") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, *how: str) -> None:
        run(PGCLUSTER, how[0], self.dir, str(self.port), *how[1:])

    def stop(self) -> None:
        run(PGCLUSTER, "stop", self.dir)

    def start(self) -> None:
        run(PGCLUSTER, "start", self.dir)

    def sql(self, statement: str, database: str = "argmap") -> str:
        return run("psql", self.url(database), "-Atc", statement).strip()


class Redis:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.dir = folder / "redis"
        self.dir.mkdir()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(  # noqa: S603 - redis-server
            command, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self.answers, 20, "redis-server started")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Process:
    """A process of ours (gunicorn, a Celery worker), its output in a log file."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own server and worker
                command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Stack:
    """Everything the drills break. Made by `up()`, removed by `down()`."""

    def __init__(self, http_ports: list[int]):
        self.folder = Path(tempfile.mkdtemp(prefix="argmap-drills-"))
        self.folder.chmod(0o755)  # the clusters run as the postgres user
        self.primary = Cluster(self.folder, "primary")
        self.replica = Cluster(self.folder, "replica")
        self.redis = Redis(self.folder)
        self.http_ports = http_ports
        self.processes: list[Process] = []
        self.token = ""

    def env(self, *, replicas: bool = False, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        env |= {
            "DEBUG": "false",
            "SECRET_KEY": "drills-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.primary.url(),
            "REDIS_URL": self.redis.url,
            "API_ANON_RATE": "1000000/minute",
            "LOG_LEVEL": "WARNING",
            "DATABASE_RETRY_AFTER": "5",
            "CELERY_VISIBILITY_TIMEOUT": "10",
            "DB_CONNECT_TIMEOUT": "2",
            # The Celery drill counts the downloads kept: the 30,000-claim map's (up to ~20 MB) all fit.
            "EXPORT_CACHE_MAX_BYTES": str(128 * 1024 * 1024),
        }
        if replicas:
            env |= {"DATABASE_REPLICA_URLS": self.replica.url(), "REPLICA_CHECK_INTERVAL": "2"}
        return env | extra

    def manage(self, *args: str, **extra) -> str:
        return run(sys.executable, "manage.py", *args, env=self.env(**extra))

    def up(self) -> None:
        self.primary.create("primary")
        self.primary.sql("CREATE DATABASE argmap", database="postgres")
        self.redis.start()
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("load_demo")
        self.manage("generate_map", "--claims", "3000", "--slug", "drill-big", "--publish")
        # The Celery drill's task: exports long enough (seconds) to be killed mid-way.
        self.manage("generate_map", "--claims", "30000", "--slug", "drill-exports", "--publish")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.token = self.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from django.contrib.auth.models import Group; from rest_framework.authtoken.models import Token; "
            "from tests.factories import EditorFactory; "
            "print(Token.objects.create(user=EditorFactory(username='drill')).key)",
        ).strip()
        self.replica.create("replica", str(self.primary.port))

    def gunicorn(self, port: int, *, workers: int = 2, threads: int = 4, replicas: bool = False) -> Process:
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        env = self.env(replicas=replicas, GUNICORN_WORKERS=str(workers), GUNICORN_THREADS=str(threads))
        process = Process([*command, "config.wsgi"], env, self.folder / f"gunicorn-{port}.log")
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: request(base, "GET", "/healthz", timeout=2)[0] == 200, 60, "gunicorn started")
        return process

    def worker(self, name: str = "worker") -> Process:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO"]
        process = Process(command, self.env(LOG_LEVEL="INFO"), self.folder / f"{name}.log")
        self.processes.append(process)
        wait_until(lambda: "ready." in process.text(), 60, "the Celery worker started")
        return process

    def down(self) -> None:
        for process in self.processes:
            process.stop()
        self.redis.stop()
        for cluster in (self.replica, self.primary):
            subprocess.run([PGCLUSTER, "remove", cluster.dir], capture_output=True, check=False)  # noqa: S603
        if os.environ.get("DRILL_KEEP"):  # the logs, for a drill that failed
            print(f"Kept {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
