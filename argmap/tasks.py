"""Background tasks (Celery, config/celery.py). Each is idempotent and keyed by the
topic's version: run twice, or after a newer version, it does nothing more; a failure
of the database is retried with a growing delay."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError

from argmap import metrics
from argmap.interchange import FORMATS, keep_export
from argmap.models import Topic

logger = logging.getLogger("argmap.tasks")


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def build_exports(topic_id: int, version: int) -> dict[str, str]:
    """Write each download of the topic at `version` into the "exports" cache, unless
    it is there already; nothing if the topic has moved on to another version (its
    own task builds that) or is gone. Returns what happened to each format."""
    topic = Topic.objects.filter(pk=topic_id, version=version).first()
    if topic is None:
        metrics.TASKS.labels("build_exports", "stale").inc()
        return {}
    outcome = {format: keep_export(topic, format) for format in FORMATS}
    metrics.TASKS.labels("build_exports", "done").inc()
    logger.info("Exports of %s v%s: %s", topic.slug, version, outcome)
    return outcome


def build_exports_later(topic: Topic) -> None:
    """Ask a worker to build the topic's downloads. A broker that cannot be reached
    costs the downloads' head start, never the request that asked (logged)."""
    try:
        build_exports.apply_async((topic.pk, topic.version), retry=False)
    except Exception:
        logger.warning("Could not queue the exports of %s v%s", topic.slug, topic.version, exc_info=True)


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
