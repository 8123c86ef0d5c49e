"""Imports through the API as background jobs: with a broker, POST /api/v1/imports/ answers
202 with the job and its address; the editor who queued it polls it for its progress,
then the new topic, or every problem with its place (nothing written). Without a broker
the import runs in the request (tests/api/test_interchange.py)."""

import os
import time
from pathlib import Path
from unittest import mock

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from argmap.interchange.jobs import JobProgress, run_job
from argmap.models import Claim, ImportJob, ImportStatus, Topic
from argmap.tasks import run_import
from tests.factories import CitationFactory, EditorFactory, LinkFactory, StanceFactory
from tests.interchange import database_unchanged, empty_the_database, exported, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings, tmp_path):
    """A broker that takes the task and runs nothing: the test runs the job as a worker would."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    with mock.patch.object(run_import, "apply_async") as queued:
        yield queued


@pytest.fixture
def document() -> bytes:
    link = LinkFactory(claim__topic__slug="small-map")
    LinkFactory(claim__topic=link.claim.topic, target_position=None, target_claim=link.claim)
    CitationFactory(claim=link.claim)
    StanceFactory(position=link.target_position)
    content = exported(link.claim.topic)
    empty_the_database()
    return content


def post_import(client, content: bytes, **fields):
    body = {"file": SimpleUploadedFile("map.json", content), "format": "json", "dry_run": "false", **fields}
    return client.post(reverse("api:import-list"), body, format="multipart")


def map_rows() -> dict[str, int]:
    return {table: count for table, count in snapshot().items() if table != "argmap.ImportJob"}


def test_with_a_broker_an_import_is_a_202_with_the_job_and_its_address(editor_api, document, broker):
    before = map_rows()
    response = post_import(editor_api, document)
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/imports/{job.pk}/"
    data = response.json()
    assert data["status"] == "queued"
    assert data["url"] == response["Location"]
    assert data["file"] == "map.json"
    assert data["topic"] is None
    assert data["problems"] == []
    broker.assert_called_once_with((job.pk,), retry=False)
    assert map_rows() == before  # nothing written until a worker runs it


def test_the_editor_polls_the_job_until_it_gives_the_new_topic(editor_api, editor, document, broker, tmp_path):
    url = post_import(editor_api, document, slug="from-a-job")["Location"]
    assert editor_api.get(url).json()["status"] == "queued"
    run_job(ImportJob.objects.get().pk)  # the worker
    response = editor_api.get(url)
    assert response.status_code == 200
    data = response.json()
    topic = Topic.objects.get(slug="from-a-job")
    assert data["status"] == "done"
    assert data["topic"] == {
        "slug": "from-a-job",
        "url": "http://testserver/api/v1/topics/from-a-job/",
        "page": "http://testserver/topics/from-a-job/",
    }
    assert data["created"]["claims"] == Claim.objects.filter(topic=topic).count() == 2
    assert data["summary"].startswith("map.json: imported “from-a-job”")
    assert {record.history_user for record in Claim.history.filter(topic_id=topic.pk)} == {editor}
    assert list((tmp_path / "staging").iterdir()) == []  # the uploaded file, removed once imported


def test_a_running_job_shows_its_stage_and_progress(editor_api, document, broker):
    url = post_import(editor_api, document)["Location"]
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, worker="elsewhere:1")
    job.refresh_from_db()
    JobProgress(job)("saving", 3, 11)
    data = editor_api.get(url).json()
    assert (data["status"], data["stage"], data["done"], data["total"]) == ("running", "saving", 3, 11)


def test_a_bad_file_fails_its_job_naming_each_problem_and_writes_nothing(editor_api, document, broker):
    bad = orjson.loads(document)
    bad["claims"][0]["text"] = ""
    bad["links"][0]["polarity"] = "maybe"
    url = post_import(editor_api, orjson.dumps(bad))["Location"]
    with database_unchanged():
        run_job(ImportJob.objects.get().pk)
    data = editor_api.get(url).json()
    assert data["status"] == "failed"
    assert data["topic"] is None
    assert {problem["where"] for problem in data["problems"]} == {"claims[0]", "links[0]"}
    assert any("text: may not be empty" in problem["message"] for problem in data["problems"])


def test_a_job_is_seen_only_by_the_editor_who_queued_it(editor_api, anonymous, outsider_api, document, broker):
    url = post_import(editor_api, document)["Location"]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=EditorFactory(username='other')).key}")
    assert other.get(url).status_code == 404
    assert anonymous.get(url).status_code == 401
    assert outsider_api.get(url).status_code == 403


def test_a_dry_run_still_answers_in_the_request_with_a_broker(editor_api, document, broker):
    with database_unchanged():
        response = post_import(editor_api, document, dry_run="true")
    assert response.status_code == 200
    assert response.json()["created"]["claims"] == 2
    assert not ImportJob.objects.exists()
    broker.assert_not_called()


def test_a_broker_that_cannot_be_reached_is_a_503_and_nothing_is_written(editor_api, document, broker):
    broker.side_effect = ConnectionError("connection refused")
    before = map_rows()
    response = post_import(editor_api, document)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "could not be queued" in response.json()["detail"]
    assert map_rows() == before
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_without_a_broker_an_import_is_still_a_201_with_its_report(editor_api, document, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    response = post_import(editor_api, document)
    assert response.status_code == 201
    assert response.json()["topic"]["slug"] == "small-map"
    assert not ImportJob.objects.exists()


def test_the_schema_describes_the_job(editor_api):
    schema = editor_api.get(reverse("api:schema"), {"format": "json"}).json()
    imports = schema["paths"]["/api/v1/imports/"]["post"]
    assert imports["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportJob"
    }
    job = schema["paths"]["/api/v1/imports/{id}/"]["get"]
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportJob"
    }
    fields = schema["components"]["schemas"]["ImportJob"]["properties"]
    assert {"status", "stage", "done", "total", "problems", "topic", "created"} <= set(fields)


def test_a_file_waiting_for_its_worker_is_not_cleared_as_stale(editor_api, document, broker, tmp_path):
    post_import(editor_api, document, slug="first")
    waiting = ImportJob.objects.get()
    two_hours_ago = time.time() - 7200
    os.utime(waiting.file, (two_hours_ago, two_hours_ago))
    post_import(editor_api, document, slug="second")  # stages another file, clearing stale ones
    assert Path(waiting.file).exists()
    run_job(waiting.pk)
    assert Topic.objects.filter(slug="first").exists()


# Query budget of polling a job: the token with its user, the user's permissions, then
# the job with its topic (one query).
POLL = 3


@pytest.mark.parametrize("done", [False, True])
def test_polling_a_job_takes_constant_queries(django_assert_num_queries, editor_api, document, broker, done):
    url = post_import(editor_api, document)["Location"]
    if done:
        run_job(ImportJob.objects.get().pk)
    with django_assert_num_queries(POLL):
        response = editor_api.get(url)
    assert response.json()["status"] == ("done" if done else "queued")
