"""argmap's Prometheus metrics, served at /metrics (argmap.monitoring).

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to a folder that every worker writes to, so
that /metrics adds up all of them (gunicorn.conf.py marks a worker's figures dead when it
exits); without it each process counts on its own.
"""

import os

from prometheus_client import Counter, Gauge, Histogram

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Every process writes its figures there (the Celery worker and `migrate` too, in
    # the image): a missing folder must not turn counting into a failure.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUESTS = Counter(
    "argmap_http_requests_total",
    "HTTP requests answered, by method, view and status code.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "argmap_http_request_duration_seconds",
    "Time from the request to the response (streamed bodies not included), by method and view.",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CACHE_ERRORS = Counter(
    "argmap_cache_errors_total",
    "Failures of a cache backend, which the site answered without the cache.",
    ["cache"],
)
TASKS = Counter(
    "argmap_tasks_total",
    "Background tasks run in this process, by task and outcome.",
    ["task", "outcome"],
)
REPLICA_HEALTHY = Gauge(
    "argmap_replica_healthy",
    "Whether a read replica serves reads (1) or reads go to the primary (0), as last checked.",
    ["replica"],
    multiprocess_mode="liveall",
)
REPLICA_FALLBACKS = Counter(
    "argmap_replica_fallbacks_total",
    "Requests run again on the primary because their replica failed midway.",
    ["replica"],
)
