"""Imports as background jobs: the admin's confirmed import becomes an ImportJob
(tasks.queue_import), run by a worker (tasks.run_import, which calls run_job here;
eagerly, in the request, without a broker), whose status, progress and problems the
admin lists.

Progress goes to the job's row while no transaction is open (reading and checking the
file) and to the "default" cache always: the rows an import writes, its progress among
them, are only seen by others once it commits, so while it saves, the admin reads the
cache. A worker killed midway leaves its transaction rolled back (nothing imported) and
its job "running": ImportJob.objects.fail_lost() marks it failed, and so does the worker
that the broker hands the task to next (CELERY_TASK_ACKS_LATE).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import time
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from argmap.interchange import ImportReport, import_map
from argmap.interchange.document import PARTS, SHARED_PARTS
from argmap.models import ImportJob, ImportStatus

logger = logging.getLogger("argmap.interchange.jobs")
PROGRESS_EVERY = 1.0  # seconds between two writes of the progress
STAGED_FOR = 3600  # seconds a staged file waits (for its confirmation, or its worker)


def staging_dir() -> Path:
    """IMPORT_STAGING_DIR, made if need be, readable by this server's user only. One that
    someone else made (in a shared temporary folder) is refused: they could read the
    files, or change one between its check and its import."""
    folder = Path(settings.IMPORT_STAGING_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        raise ImproperlyConfigured(f"IMPORT_STAGING_DIR ({folder}) must be a folder of this server's own user.")
    return folder


def stage(upload: IO[bytes]) -> str:
    """Keep an uploaded file for its confirmation; returns its name in the staging folder.
    Files left unconfirmed longer than STAGED_FOR are removed (not those handed to a job,
    renamed *.importing, which may wait longer in a busy queue)."""
    folder = staging_dir()
    for old in folder.glob("*.upload"):
        try:
            if old.stat().st_mtime < time.time() - STAGED_FOR:
                old.unlink()
        except FileNotFoundError:
            pass  # removed meanwhile by another request
    name = f"{secrets.token_urlsafe(24)}.upload"
    upload.seek(0)
    with (folder / name).open("xb") as staged:
        shutil.copyfileobj(upload, staged)
    return name


def report_fields(report: ImportReport) -> dict[str, Any]:
    """What a job keeps of its import's report (ImportJob.report), as JSON."""
    return {
        "created": {part: report.created.get(part, 0) for part in PARTS},
        "reused": {part: report.reused.get(part, 0) for part in SHARED_PARTS},
        "problems": [{"where": problem.where, "message": problem.message} for problem in report.problems],
        "notes": [{"where": note.where, "message": note.message} for note in report.notes],
    }


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def live_progress(job: ImportJob) -> tuple[str, int, int]:
    """(stage, done, total) of a job: the cache's if a worker wrote there, else its row's."""
    try:
        found = caches["default"].get(progress_key(job.pk))
    except Exception:  # the cache is an accelerator: without it, the row's figures
        found = None
    return tuple(found) if found else (job.stage, job.done, job.total)


class JobProgress:
    """The progress callback of an import (stage, done, total), kept on the job."""

    def __init__(self, job: ImportJob) -> None:
        self.job, self.last = job, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.job.stage and now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        self.job.stage, self.job.done, self.job.total = stage, done, total
        try:
            caches["default"].set(progress_key(self.job.pk), (stage, done, total), 24 * 3600)
        except Exception:
            logger.warning("Could not keep the progress of import job %s", self.job.pk, exc_info=True)
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(stage=stage, done=done, total=total)


def run_job(job_id: int) -> ImportReport | None:
    """Run the import of a queued job; a job already run, or being run, is left alone,
    and one found "running" (its worker stopped midway) is marked failed."""
    job = ImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return None
    if job.status == ImportStatus.RUNNING:
        ImportJob.objects.fail_lost()
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            problems=["The worker running this import stopped midway; nothing was imported."],
            finished_at=timezone.now(),
        )
        return None
    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), worker=f"{socket.gethostname()}:{os.getpid()}"
    )
    if not started:
        return None  # another worker took it
    path = Path(job.file)
    try:
        with path.open("rb") as file:
            report = import_map(
                file, job.format, user=job.user, name=job.name, progress=JobProgress(job), **job.options
            )
    except FileNotFoundError:
        finish(job, ImportStatus.FAILED, problems=["The file to import is gone; nothing was imported."])
        return None
    except BaseException:
        finish(job, ImportStatus.FAILED, problems=["The import failed unexpectedly; nothing was imported."])
        raise
    finally:
        path.unlink(missing_ok=True)
    finish(
        job,
        ImportStatus.DONE if report.ok else ImportStatus.FAILED,
        problems=[str(problem) for problem in report.problems],
        summary=report.summary(),
        report=report_fields(report),
        topic=report.topic,
    )
    return report


def finish(job: ImportJob, status: str, **fields: Any) -> None:
    """Close a job with `status` and the given fields (problems, summary, topic)."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
    try:
        caches["default"].delete(progress_key(job.pk))
    except Exception:
        logger.warning("Could not clear the progress of import job %s", job.pk, exc_info=True)
