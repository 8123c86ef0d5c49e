"""Bulk writes (argmap/bulk.py, interchange saving, generate_map, import jobs): all or
nothing, the support rule checked once per map and still per edit, history for every
row, a streaming reader that refuses what is too deep or too large, progress, and jobs
whose status says what happened. Runs on SQLite and PostgreSQL."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from argmap.bulk import copy_rows, support_checked_at_the_end
from argmap.interchange import import_map
from argmap.interchange.files import MAX_DEPTH, read_json
from argmap.interchange.jobs import run_job
from argmap.interchange.reading import Unreadable
from argmap.management.progress import ProgressBar
from argmap.models import Claim, ImportJob, ImportStatus, Link, Polarity, Topic
from argmap.synthetic import generate_map
from argmap.tasks import queue_import
from tests.factories import ClaimFactory, TopicFactory, UserFactory
from tests.interchange import database_unchanged, exported, snapshot

DEEP_PREFIX = b'{"format": "argmap-export/1", "claims": '

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    """A generated map of 200 claims, exported, then its topic deleted: a file to import."""
    topic = generate_map(claims=200, seed=5, slug="source").topic
    content = exported(topic)
    return orjson.loads(content)


def map_rows() -> dict:
    """The row counts of every table but the import jobs' (which a job adds to)."""
    return {table: count for table, count in snapshot().items() if table != "argmap.ImportJob"}


def as_file(document: dict) -> io.BytesIO:
    return io.BytesIO(orjson.dumps(document))


def with_support_cycle(document: dict) -> dict:
    """The document with one more link, closing a circle of support through two claims."""
    supports = [link for link in document["links"] if link["polarity"] == "supports" and link["target_claim"]]
    first = supports[0]
    closing = {**first, "uid": "0b3c7d0e-8f4a-4d5e-9a6b-7c8d9e0f1a2b"}
    closing["claim"], closing["target_claim"] = first["target_claim"], first["claim"]
    return {**document, "links": [*document["links"], closing]}


# All or nothing, and the support rule


def test_an_import_with_a_support_cycle_writes_nothing(document):
    with database_unchanged():
        report = import_map(as_file(with_support_cycle(document)), "json", slug="circle", new_uids=True)
    assert not report.ok
    assert any("circle" in str(problem) or "cycle" in str(problem) for problem in report.problems)


def test_the_bulk_check_refuses_a_circle_the_file_check_did_not_see():
    topic = TopicFactory()
    a, b = ClaimFactory(topic=topic), ClaimFactory(topic=topic)
    before = snapshot()
    with (
        pytest.raises(IntegrityError, match="support links may not form a cycle"),
        transaction.atomic(),
        support_checked_at_the_end(topic.pk),
    ):
        copy_rows(
            Link,
            ["claim", "target_claim", "polarity"],
            [(a.pk, b.pk, Polarity.SUPPORTS), (b.pk, a.pk, Polarity.SUPPORTS)],
            fixed={"topic": topic.pk},
        )
    assert snapshot() == before


def test_a_single_write_that_closes_a_circle_is_still_refused_after_a_bulk_write(on_postgresql):
    if not on_postgresql:
        pytest.skip("SQLite keeps the support rule by validation, not by a trigger (migration 0002)")
    topic = TopicFactory()
    a, b = ClaimFactory(topic=topic), ClaimFactory(topic=topic)
    with transaction.atomic():
        with support_checked_at_the_end(topic.pk):
            copy_rows(Link, ["claim", "target_claim", "polarity"], [(a.pk, b.pk, Polarity.SUPPORTS)])
        # The same transaction, after the block: the trigger walks again.
        with pytest.raises(IntegrityError, match="support links may not form a cycle"), transaction.atomic():
            Link.objects.create(claim=b, target_claim=a, polarity=Polarity.SUPPORTS)
    # And in a transaction of its own (an edit through the admin or the API).
    with pytest.raises(IntegrityError, match="support links may not form a cycle"), transaction.atomic():
        Link.objects.create(claim=b, target_claim=a, polarity=Polarity.SUPPORTS)
    assert Link.objects.count() == 1


def test_copy_rows_keeps_the_order_and_gives_what_bulk_create_would():
    topic = TopicFactory()
    with transaction.atomic():
        count = copy_rows(
            Claim, ["text", "base_score"], [(f"Claim {i}.", 0.5) for i in range(30)], fixed={"topic": topic.pk}
        )
    claims = list(Claim.objects.filter(topic=topic).order_by("pk"))
    assert count == 30
    assert [claim.text for claim in claims] == [f"Claim {i}." for i in range(30)]
    assert len({claim.uid for claim in claims}) == 30
    assert all(claim.created_at and claim.kind == "interpretation" and claim.score_reason == "" for claim in claims)
    for claim in claims:
        claim.full_clean()


@pytest.mark.django_db(transaction=True)
def test_copy_rows_refuses_to_write_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        copy_rows(Claim, ["text"], [("A claim.",)])


# History


def test_a_bulk_import_writes_history_for_every_row(document):
    editor = UserFactory(username="importer")
    report = import_map(as_file(document), "json", slug="copy", new_uids=True, user=editor)
    assert report.ok
    claims = Claim.objects.filter(topic=report.topic)
    links = Link.objects.filter(topic=report.topic)
    assert Claim.history.filter(id__in=claims.values("id"), history_type="+", history_user=editor).count() == 200
    assert Link.history.filter(id__in=links.values("id"), history_type="+", history_user=editor).count() == (
        links.count()
    )


def test_generate_map_writes_history_for_every_row():
    topic = generate_map(claims=150, seed=2).topic
    for model in (Claim, Link):
        rows = model.objects.filter(topic=topic)
        assert model.history.filter(id__in=rows.values("id"), history_type="+").count() == rows.count() > 0


# Reading as it streams


def test_a_json_file_nested_100000_deep_is_refused_and_nothing_is_written():
    deep = DEEP_PREFIX + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with database_unchanged():
        report = import_map(io.BytesIO(deep), "json")
    assert [str(problem) for problem in report.problems] == [
        f"line 1, column {len(DEEP_PREFIX) + MAX_DEPTH + 1}: not valid JSON: depth limit exceeded"
    ]


class Unseekable(io.RawIOBase):
    """A pipe: read once, no seeking back (standard input, a socket)."""

    def __init__(self, content: bytes) -> None:
        self.content = io.BytesIO(content)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.content.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_the_reader_streams_a_large_document_from_a_pipe():
    rows = [
        {"uid": f"{i:08d}-0000-4000-8000-000000000000", "text": f"Claim {i} ✓", "base_score": 0.5}
        for i in range(20_000)
    ]
    content = orjson.dumps({"format": "argmap-export/1", "claims": rows, "deep": [[[[1]]]], "ok": True})
    assert read_json(Unseekable(content), limit=len(content)) == orjson.loads(content)


def test_a_deep_document_from_a_pipe_is_refused_at_its_byte():
    with pytest.raises(Unreadable, match=r"not valid JSON: depth limit exceeded") as error:
        read_json(Unseekable(b"[" * 100_000), limit=200_000)
    assert error.value.problem.where.startswith("byte ")


def test_a_file_over_the_import_limit_is_refused_and_nothing_is_written(document):
    content = orjson.dumps(document)
    with database_unchanged():
        report = import_map(io.BytesIO(content), "json", slug="big", new_uids=True, limit=len(content) // 2)
    assert [str(problem) for problem in report.problems] == [
        f"the file is larger than the import limit of {len(content) // 2:,} bytes (setting IMPORT_MAX_BYTES)"
    ]


def test_a_1_gb_upload_is_a_413_before_its_body_is_read(editor_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 10_000
    with database_unchanged():
        response = editor_client.post(
            "/admin/argmap/topic/import/",
            b"x" * 1000,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=1 << 30,
        )
    assert response.status_code == 413
    assert "larger than the import limit of 10,000 bytes" in response.content.decode()


# Progress


def test_an_import_reports_its_progress_through_every_stage(document):
    seen = []
    report = import_map(as_file(document), "json", slug="copy", new_uids=True, progress=lambda *step: seen.append(step))
    assert report.ok
    stages = list(dict.fromkeys(stage for stage, _done, _total in seen))
    assert stages == ["reading", "checking", "saving"]
    assert seen[-1][1] == seen[-1][2]  # ends at 100%


def test_generate_map_reports_its_progress():
    seen = []
    generate_map(claims=120, seed=1, progress=lambda *step: seen.append(step))
    assert list(dict.fromkeys(stage for stage, _done, _total in seen)) == ["claims", "links", "citations", "history"]
    assert ("claims", 120, 120) in seen


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only_and_not_with_verbosity_0():
    terminal, pipe, quiet = Terminal(), io.StringIO(), Terminal()
    for bar in [
        ProgressBar(terminal),
        ProgressBar(pipe),
        ProgressBar(quiet, quiet=True),
    ]:
        bar("claims", 50, 100)
        bar.finish()
    assert "claims" in terminal.getvalue()
    assert "50%" in terminal.getvalue()
    assert pipe.getvalue() == quiet.getvalue() == ""


def test_generate_map_command_with_verbosity_0_prints_nothing():
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_map", "--claims", "50", "-v", "0", stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert "Generated" in out.getvalue()


# Import jobs


def staged(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "staged.upload"
    path.write_bytes(content)
    return path


def test_a_job_runs_the_import_and_says_what_it_made(tmp_path, document):
    editor = UserFactory(username="importer")
    path = staged(tmp_path, orjson.dumps(document))
    job = queue_import(
        file=path, name="map.json", format="json", user=editor, options={"slug": "job", "new_uids": True}
    )
    assert job.status == ImportStatus.DONE
    assert job.topic == Topic.objects.get(slug="job")
    assert job.summary.startswith("map.json: imported “job”: ")
    assert "200 claims" in job.summary
    assert job.started_at <= job.finished_at
    assert not path.exists()


def test_a_job_with_a_bad_file_fails_with_its_problems_and_writes_nothing(tmp_path, document):
    path = staged(tmp_path, orjson.dumps(with_support_cycle(document)))
    before = map_rows()
    job = queue_import(file=path, name="map.json", format="json", user=None, options={"slug": "x", "new_uids": True})
    assert map_rows() == before
    assert job.status == ImportStatus.FAILED
    assert job.problems
    assert job.topic is None


def test_a_job_whose_worker_is_gone_shows_as_failed(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603 - a process that ends at once
    gone.wait()
    job = ImportJob.objects.create(
        format="json",
        file=str(tmp_path / "x"),
        status=ImportStatus.RUNNING,
        worker=f"{socket.gethostname()}:{gone.pid}",
    )
    alive = ImportJob.objects.create(
        format="json",
        file=str(tmp_path / "y"),
        status=ImportStatus.RUNNING,
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
    assert ImportJob.objects.fail_lost() == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.problems == ["The worker running this import stopped midway; nothing was imported."]
    assert alive.status == ImportStatus.RUNNING


def test_a_job_handed_out_again_after_its_worker_died_is_marked_failed(tmp_path):
    job = ImportJob.objects.create(
        format="json", file=str(tmp_path / "x"), status=ImportStatus.RUNNING, worker="elsewhere:1"
    )
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_the_admin_lists_import_jobs_with_their_status(editor_client, editor):
    ImportJob.objects.create(format="json", name="big.json", file="/nowhere", user=editor, status=ImportStatus.QUEUED)
    response = editor_client.get("/admin/argmap/importjob/")
    assert response.status_code == 200
    assert "big.json" in response.content.decode()


# A worker killed halfway (PostgreSQL: a second process must see the test's database)

WORKER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
connection.settings_dict["NAME"] = sys.argv[1]
from argmap.interchange import saving
from argmap.interchange.jobs import run_job

real = saving.record_history_for
def announce_then_write(*args, **kwargs):  # inside the import's transaction: say so, then wait
    print("saving", flush=True)
    import time; time.sleep(60)
saving.record_history_for = announce_then_write
run_job(int(sys.argv[2]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_midway_leaves_nothing_and_its_job_failed(tmp_path, document, on_postgresql):
    if not on_postgresql:
        pytest.skip("the test's SQLite database is in memory: a second process cannot see it")
    path = staged(tmp_path, orjson.dumps(document))
    job = ImportJob.objects.create(
        format="json", name="map.json", file=str(path), options={"slug": "killed", "new_uids": True}
    )
    before = map_rows()
    root = Path(__file__).resolve().parent.parent
    worker = subprocess.Popen(  # noqa: S603 - our own code
        [sys.executable, "-c", WORKER, connection.settings_dict["NAME"], str(job.pk)],
        cwd=root,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert worker.stdout.readline().strip() == b"saving"  # inside the import's transaction
        job.refresh_from_db()
        assert job.status == ImportStatus.RUNNING
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    deadline = time.monotonic() + 10
    while map_rows() != before and time.monotonic() < deadline:  # the server notices the lost connection
        time.sleep(0.2)
    assert map_rows() == before
    assert not Topic.objects.filter(slug="killed").exists()
    assert ImportJob.objects.fail_lost() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
