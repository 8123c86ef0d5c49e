"""What operators watch: /healthz, /readyz and /metrics.

- /healthz: the process is up and answers (touches nothing else): for a liveness probe.
- /readyz: the database answers, its migrations are all applied, every cache alias keeps
  a value, and the Celery broker is reachable (when there is one): for a readiness probe
  or a load balancer. JSON naming each check; 200, or 503 if any fails. With read
  replicas, each one's state and lag too: a replica down or lagging makes the status
  "degraded", still a 200 (its reads go to the primary).
- /metrics: Prometheus text (argmap.metrics, plus a few figures read from the database
  at each scrape), for editors and operators only: a session or an
  `Authorization: Token …` header of a user who may change topics; 403 otherwise.

`ProbesMiddleware`, first in MIDDLEWARE, answers /healthz and /readyz before anything
else runs: probes reach the process by its own address, which is not among
ALLOWED_HOSTS, over plain HTTP, which SECURE_SSL_REDIRECT would redirect.

`MetricsMiddleware` counts every request and its time, by view name (never by path, so
that the number of series stays bounded).
"""

import os
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from argmap import metrics, replicas
from argmap.models import Claim, Stakeholder, Topic


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return no_store(JsonResponse({"status": "ok"}))


def check_database() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied, the first {pending[0][0]}")


def check_caches() -> None:
    for alias in settings.CACHES:
        caches[alias].ping()


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker: tasks run in the process that asks for them
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_caches,
    "broker": check_broker,
}


def readyz(request):
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            checks[name] = f"{type(error).__name__}: {error}"[:300]
        else:
            checks[name] = "ok"
    ready = all(result == "ok" for result in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    if settings.DATABASE_REPLICAS:
        # A replica down or lagging costs only its share of the reads (they fall back to
        # the primary): "degraded", still ready.
        body["replicas"] = {alias: replicas.health.report(alias) for alias in settings.DATABASE_REPLICAS}
        if ready and any(report["status"] != "ok" for report in body["replicas"].values()):
            body["status"] = "degraded"
    return no_store(JsonResponse(body, status=200 if ready else 503))


class ContentCollector:
    """A few figures of the database, read at each scrape (three small queries)."""

    def collect(self):
        topics = GaugeMetricFamily("argmap_topics", "Topics, by status.", labels=["status"])
        counts = dict(Topic.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in Topic.Status.values:
            topics.add_metric([status], counts.get(status, 0))
        yield topics
        yield GaugeMetricFamily("argmap_claims", "Claims in all topics.", value=Claim.objects.count())
        yield GaugeMetricFamily("argmap_stakeholders", "Stakeholders.", value=Stakeholder.objects.count())


def may_read_metrics(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        try:
            user = (TokenAuthentication().authenticate(request) or (user, None))[0]
        except AuthenticationFailed:
            return False
    return user.is_active and user.has_perm("argmap.change_topic")


def metrics_view(request):
    if not may_read_metrics(request):
        return no_store(HttpResponse("Metrics are for editors and operators.\n", status=403, content_type="text/plain"))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    content = CollectorRegistry()
    content.register(ContentCollector())
    return no_store(
        HttpResponse(generate_latest(registry) + generate_latest(content), content_type=CONTENT_TYPE_LATEST)
    )


class ProbesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": healthz, "/readyz": readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unmatched"
        metrics.LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        metrics.REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response
