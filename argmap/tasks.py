"""Background tasks (Celery, config/celery.py). Each is idempotent and keyed by the
topic's version: run twice, or after a newer version, it does nothing more; a failure
of the database is retried with a growing delay."""

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction

from argmap import metrics
from argmap.interchange import FORMATS, jobs, keep_export
from argmap.models import ImportJob, ImportStatus, Publication, Topic
from argmap.sharing import kept_preview

logger = logging.getLogger("argmap.tasks")


RETRIED = (OperationalError, InterfaceError)
STATE_SECONDS = 24 * 3600  # how long the admin shows a background job's last state


def exports_key(topic_id: int) -> str:
    return f"argmap:exports:{topic_id}"


def exports_state(topic_id: int) -> dict | None:
    """Where the building of the topic's downloads stands, for the admin's topic page:
    {"version": v, "state": "queued" | "running" | "done" | "retrying" | "failed",
    "formats": {format: "kept" | "cached" | "not kept"} (those built so far), and "error"
    when retrying or failed}; None if none was asked for lately."""
    return cache.get(exports_key(topic_id))


def _exports_progress(topic_id: int, version: int, state: str, formats: dict[str, str], error: str = "") -> None:
    progress = {"version": version, "state": state, "formats": dict(formats)}
    cache.set(exports_key(topic_id), progress | ({"error": error} if error else {}), STATE_SECONDS)


@shared_task(
    bind=True,
    autoretry_for=RETRIED,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def build_exports(self, topic_id: int, version: int) -> dict[str, str]:
    """Write each download of the topic at `version` into the "exports" cache, unless
    it is there already; nothing if the topic has moved on to another version (its
    own task builds that) or is gone. Returns what happened to each format, and says
    how far it has got in the cache as it goes (exports_state)."""
    topic = Topic.objects.filter(pk=topic_id, version=version).first()
    if topic is None:
        metrics.TASKS.labels("build_exports", "stale").inc()
        return {}
    outcome: dict[str, str] = {}
    _exports_progress(topic_id, version, "running", outcome)
    try:
        for format in FORMATS:
            outcome[format] = keep_export(topic, format)
            _exports_progress(topic_id, version, "running", outcome)
    except Exception as error:
        retried = isinstance(error, RETRIED) and self.request.retries < self.max_retries
        state = "retrying" if retried else "failed"
        _exports_progress(topic_id, version, state, outcome, f"{type(error).__name__}: {error}"[:300])
        metrics.TASKS.labels("build_exports", state).inc()
        raise
    _exports_progress(topic_id, version, "done", outcome)
    metrics.TASKS.labels("build_exports", "done").inc()
    logger.info("Exports of %s v%s: %s", topic.slug, version, outcome)
    return outcome


def build_exports_later(topic: Topic) -> None:
    """Ask a worker to build the topic's downloads. A broker that cannot be reached
    costs the downloads' head start, never the request that asked (logged, and shown
    in the admin)."""
    _exports_progress(topic.pk, topic.version, "queued", {})
    try:
        build_exports.apply_async((topic.pk, topic.version), retry=False)
    except Exception as error:
        logger.warning("Could not queue the exports of %s v%s", topic.slug, topic.version, exc_info=True)
        if exports_state(topic.pk) == {"version": topic.version, "state": "queued", "formats": {}}:
            message = f"Not queued (no worker reachable: {type(error).__name__})"
            _exports_progress(topic.pk, topic.version, "failed", {}, message)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int) -> str:
    """Run an import job (interchange.jobs). Not retried: an import that failed reports
    why on its job, and one whose worker was killed is marked failed when redelivered."""
    report = jobs.run_job(job_id)
    outcome = "skipped" if report is None else ("done" if report.ok else "refused")
    metrics.TASKS.labels("run_import", outcome).inc()
    return outcome


def queue_import(*, file: Path, name: str, format: str, user, options: dict[str, Any]) -> ImportJob:
    """A job for the file at `file` (removed once the job has run), handed to a worker: run
    here and now without a broker. A broker that cannot be reached is logged, and the job
    marked failed."""
    job = ImportJob.objects.create(user=user, name=name, format=format, options=options, file=str(file))
    try:
        run_import.apply_async((job.pk,), retry=False)
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise  # the import itself failed, in this process
        logger.warning("Could not queue import job %s", job.pk, exc_info=True)
        jobs.finish(
            job, ImportStatus.FAILED, problems=["The import could not be queued (no worker reachable); try again."]
        )
        file.unlink(missing_ok=True)
    job.refresh_from_db()
    return job


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def build_publication_documents(publication_id: int) -> dict[str, str]:
    """Write a publication's big documents, compressed (published_documents.py): its map,
    analysis and exports. Keyed by the publication, which never changes: run twice, it
    writes nothing more. Returns what happened to each document."""
    from argmap.api.documents import store_documents  # it imports the API's modules

    outcome = store_documents(publication_id)
    metrics.TASKS.labels("build_publication_documents", "done" if outcome else "stale").inc()
    logger.info("Documents of publication %s: %s", publication_id, outcome)
    return outcome


def documents_after_publishing(sender, instance, created, **kwargs):
    """post_save of a Publication (connected in argmap.apps): once it is committed, ask a
    worker to write its documents (inline when there is no broker)."""
    if created:
        publication_id = instance.pk
        transaction.on_commit(lambda: build_documents_later(publication_id))


def build_documents_later(publication_id: int) -> None:
    """A broker that cannot be reached (or a failure writing them inline) costs the
    documents' head start, never the publication: the endpoints build them meanwhile (logged)."""
    try:
        build_publication_documents.apply_async((publication_id,), retry=False)
    except Exception:
        logger.warning("Could not write the documents of publication %s", publication_id, exc_info=True)


def publishing_key(topic_id: int) -> str:
    return f"argmap:publishing:{topic_id}"


def publishing_state(topic_id: int) -> dict | None:
    """Where the topic's publishing stands, for the reviewer's progress page: {"state":
    "running", "step": …}, {"state": "done", "publication": id, "number": n} or {"state":
    "failed", "errors": […]}; None if none was asked for (or it was long ago)."""
    return cache.get(publishing_key(topic_id))


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def publish_topic(
    topic_id: int, user_id: int, *, note: str = "", is_correction: bool = False, correction_note: str = ""
) -> dict:
    """Publish the topic (publishing.publish, all or nothing) and say how far it has got
    in the cache as it goes. Returns its last state (see publishing_state)."""
    from argmap.publishing import publish  # publishing imports the models this module's callers need

    key = publishing_key(topic_id)

    def progress(step: str) -> None:
        cache.set(key, {"state": "running", "step": step}, 3600)

    progress("starting")
    topic = Topic.objects.get(pk=topic_id)
    user = get_user_model().objects.get(pk=user_id)
    try:
        publication = publish(
            topic,
            user=user,
            note=note,
            is_correction=is_correction,
            correction_note=correction_note,
            progress=progress,
        )
    except PermissionDenied as error:
        state = {"state": "failed", "errors": [str(error)]}
    except ValidationError as error:
        state = {"state": "failed", "errors": error.messages}
    else:
        state = {"state": "done", "publication": publication.pk, "number": publication.number}
    cache.set(key, state, 3600)
    metrics.TASKS.labels("publish_topic", state["state"]).inc()
    return state


@shared_task(
    autoretry_for=RETRIED,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def draw_preview(publication_id: int, site: str) -> str:
    """Draw the preview image of a publication for `site` into the cache (sharing.kept_preview),
    unless it is there already or being drawn: "drawn", "cached", or "gone" (the
    publication was deleted)."""
    publication = Publication.objects.without_documents().select_related("topic").filter(pk=publication_id).first()
    if publication is None:
        outcome = "gone"
    else:
        _content, outcome = kept_preview(publication.topic, publication, site)
    metrics.TASKS.labels("draw_preview", outcome).inc()
    return outcome


def draw_preview_after_publishing(sender, instance, created, **kwargs):
    """post_save of a Publication (connected in argmap.apps): once it is committed, have a
    worker draw its image for SITE_URL's host, so that the first share finds it ready.
    Without SITE_URL the host is not known before a request: the first request draws it."""
    if created and settings.SITE_URL:
        site = urlsplit(settings.SITE_URL).netloc
        publication_id = instance.pk
        transaction.on_commit(lambda: draw_preview_later(publication_id, site))


def draw_preview_later(publication_id: int, site: str) -> None:
    """Ask a worker to draw a publication's preview image (here and now without a broker).
    A broker that cannot be reached costs only the head start: the first request draws it."""
    try:
        draw_preview.apply_async((publication_id, site), retry=False)
    except Exception:
        logger.warning("Could not queue the preview image of publication %s", publication_id, exc_info=True)
