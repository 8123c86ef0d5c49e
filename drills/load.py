"""The drills' client: threads that send requests for a bounded time (or count) and
record every answer: when it was sent, its status (0: no answer at all), its
Retry-After header."""

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class Answer:
    sent: float  # time.monotonic()
    status: int  # 0 when the connection failed or timed out
    retry_after: str | None = None
    seconds: float = 0.0


def request(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout=15):
    """One request on a fresh connection: (status, headers, body); status 0 if no answer."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (OSError, http.client.HTTPException):
        return 0, {}, b""
    finally:
        connection.close()


@dataclass
class Load:
    """GETs of `paths`, round-robin, from `clients` threads, until stopped, `seconds`
    have passed, or `limit` requests have been sent."""

    base: str
    paths: list[str]
    clients: int = 4
    seconds: float = 60
    limit: int = 1_000_000
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self):
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=[i], daemon=True) for i in range(self.clients)]

    def run(self, offset: int) -> None:
        deadline = time.monotonic() + self.seconds
        n = offset
        while not self.stopping.is_set() and time.monotonic() < deadline:
            with self.lock:
                if len(self.answers) >= self.limit:
                    return
            path = self.paths[n % len(self.paths)]
            n += 1
            sent = time.monotonic()
            status, headers, _ = request(self.base, "GET", path)
            answer = Answer(sent, status, headers.get("Retry-After"), time.monotonic() - sent)
            with self.lock:
                self.answers.append(answer)
            if status == 0:
                time.sleep(0.05)  # a refused connection answers at once: do not spin

    def __enter__(self):
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def wait(self) -> None:
        for thread in self.threads:
            thread.join()

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        return [a for a in self.answers if start <= a.sent < end]


def tally(answers: list[Answer]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for answer in answers:
        counts[answer.status] = counts.get(answer.status, 0) + 1
    return dict(sorted(counts.items()))


def describe(counts: dict[int, int]) -> str:
    return ", ".join(f"{n} × {status or 'no answer'}" for status, n in counts.items()) or "none"
