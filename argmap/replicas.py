"""Read replicas: anonymous reads from a PostgreSQL standby, everything else from the primary.

settings.DATABASE_REPLICAS names the replica aliases (DATABASE_REPLICA_URLS makes them).
Which database a request reads from is decided once, at its start, by `ReplicaMiddleware`,
and kept in a context variable that `ReplicaRouter` consults for every query:

- writes always go to the primary ("default"), and so does every read of a request that
  writes (POST, PUT, PATCH, DELETE), of code outside a request (tasks, commands), and of
  a read inside a transaction on the primary;
- read your writes: a response to a write sets the cookie `argmap_wrote` (the time of the
  write), and an `Authorization` header that wrote is remembered in the cache; for
  REPLICA_READ_YOUR_WRITES seconds after it, that client's reads go to the primary, so an
  editor always sees what they just saved;
- every other read goes to a replica, if one is healthy: it answers, and it has replayed
  the primary's changes up to at most REPLICA_MAX_LAG seconds ago. Each process checks a
  replica at most once every REPLICA_CHECK_INTERVAL seconds (one small query);
- a replica that stops answering midway through a request is marked down, and the request
  (a read: nothing was written) is run again on the primary: the reader never sees it.
"""

import contextvars
import hashlib
import logging
import random
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from argmap import metrics
from argmap.api.middleware import database_unreachable

logger = logging.getLogger("argmap.replicas")

WROTE_COOKIE = "argmap_wrote"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The alias this request reads from; None (the default, outside requests too): the primary.
_reading_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("argmap_reading_from", default=None)

# Seconds of lag, or None when the standby has replayed everything it received. A standby
# that receives nothing (its primary gone quiet, or the link cut) is judged by what it
# received: `pg_stat_wal_receiver` has no streaming row then.
LAG_QUERY = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
"""


def judge(in_recovery: bool, lag, streaming: bool) -> tuple[bool, str]:
    """Whether a standby may serve reads, from LAG_QUERY's row, and if not, why."""
    if not in_recovery:
        return False, "it is not a standby (promoted?)"
    if not streaming:
        return False, "it is not streaming from the primary"
    if lag is None:  # changes to replay, and none replayed since it started
        return False, "it has replayed nothing yet since it started"
    if float(lag) > settings.REPLICA_MAX_LAG:
        return False, f"it lags {float(lag):.1f} s (REPLICA_MAX_LAG {settings.REPLICA_MAX_LAG})"
    return True, ""


def examine(alias: str) -> tuple[bool, float | None, str]:
    """Whether the replica may serve reads, its lag in seconds (None if unknown), and if
    not, why. One small query; a replica that fails to answer in any way is not to be
    read from, never a 500."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_QUERY)
            row = cursor.fetchone()
    except Exception as error:
        connections[alias].close()
        return False, None, f"it does not answer ({type(error).__name__}: {str(error).strip()[:200]})"
    healthy, reason = judge(*row)
    lag = None if row[1] is None else round(float(row[1]), 3)
    return healthy, lag, reason


class Health:
    """Per process: whether each replica may serve reads, checked at most every few seconds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.known: dict[str, tuple[bool, float]] = {}  # alias -> (healthy, checked at)

    def healthy(self, alias: str) -> bool:
        now = time.monotonic()
        healthy, checked = self.known.get(alias, (False, -1e9))
        if now - checked < settings.REPLICA_CHECK_INTERVAL:
            return healthy
        with self.lock:  # one thread checks; the others keep the last answer meanwhile
            healthy, checked = self.known.get(alias, (False, -1e9))
            if now - checked < settings.REPLICA_CHECK_INTERVAL:
                return healthy
            healthy = self.check(alias)
            self.known[alias] = (healthy, time.monotonic())
            return healthy

    def check(self, alias: str) -> bool:
        healthy, _lag, reason = examine(alias)
        return self.judged(alias, healthy, reason)

    def report(self, alias: str) -> dict:
        """The replica checked now, for /readyz: {"status": "ok" or "degraded", "lag":
        seconds or None, and "reason" when degraded}. What it finds holds for this process's
        reads too, as a periodic check's would."""
        healthy, lag, reason = examine(alias)
        self.known[alias] = (self.judged(alias, healthy, reason), time.monotonic())
        report = {"status": "ok" if healthy else "degraded", "lag": lag}
        return report if healthy else report | {"reason": reason}

    def judged(self, alias: str, healthy: bool, reason: str) -> bool:
        was, _ = self.known.get(alias, (None, 0))
        if healthy and was is False:
            logger.info("Replica %s serves reads again", alias)
        elif not healthy and was is not False:
            logger.warning("Replica %s serves no reads: %s; reading from the primary", alias, reason)
        metrics.REPLICA_HEALTHY.labels(alias).set(1 if healthy else 0)
        return healthy

    def mark_down(self, alias: str, reason: str) -> None:
        connections[alias].close()
        self.known[alias] = (self.judged(alias, False, reason), time.monotonic())

    def forget(self) -> None:
        self.known.clear()


health = Health()


def reading_from() -> str | None:
    """The replica alias this request reads from, or None for the primary."""
    return _reading_from.get()


def token_key(request) -> str | None:
    header = request.headers.get("Authorization", "")
    return "wrote:" + hashlib.sha256(header.encode()).hexdigest() if header else None


def wrote_lately(request) -> bool:
    window = settings.REPLICA_READ_YOUR_WRITES
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        wrote_at = None
    if wrote_at is not None and time.time() - wrote_at < window:
        return True
    key = token_key(request)
    return key is not None and cache.get(key) is not None


def choose(request) -> str | None:
    if request.method not in SAFE_METHODS or wrote_lately(request):
        return None
    healthy = [alias for alias in settings.DATABASE_REPLICAS if health.healthy(alias)]
    return random.choice(healthy) if healthy else None  # noqa: S311 - spreading load, not a secret


class ReplicaMiddleware:
    """Chooses the database the request reads from; right after DatabaseUnavailableMiddleware
    in MIDDLEWARE, so that it sees a replica's failure before that one answers 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        alias = choose(request)
        token = _reading_from.set(alias)
        try:
            response = self.get_response(request)
            if alias is not None and self.failed(request, response):
                # The replica failed midway: a read, so nothing was written. Again, on the primary.
                health.mark_down(alias, "a read failed midway")
                metrics.REPLICA_FALLBACKS.labels(alias).inc()
                request.database_unreachable = request.replica_failed = False
                _reading_from.set(None)
                response = self.get_response(request)
        finally:
            _reading_from.reset(token)
        if request.method not in SAFE_METHODS:
            self.remember_write(request, response)
        return response

    def process_exception(self, request, exception):
        # A view's error: noted here, before DatabaseUnavailableMiddleware turns it into a 503.
        if database_unreachable(exception):
            request.replica_failed = True

    @staticmethod
    def failed(request, response) -> bool:
        """Whether the database failed to answer (the view's error noted above; another
        middleware's, told by got_request_exception, see argmap.api.middleware)."""
        return response.status_code in {500, 503} and (
            getattr(request, "replica_failed", False) or getattr(request, "database_unreachable", False)
        )

    def remember_write(self, request, response) -> None:
        window = settings.REPLICA_READ_YOUR_WRITES
        response.set_cookie(
            WROTE_COOKIE,
            f"{time.time():.3f}",
            max_age=window,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        key = token_key(request)
        if key is not None:
            cache.set(key, 1, window)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads where ReplicaMiddleware chose, writes to the primary."""

    def db_for_read(self, model, **hints):
        alias = _reading_from.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db in settings.DATABASE_REPLICAS else None
