"""Publications (issue 16): publishing makes an immutable, numbered snapshot of a map with
its analysis; review steps; the two-person rule; the diff between two snapshots."""

import io
import subprocess
import sys
from unittest import mock

import orjson
import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.test import override_settings
from django.urls import reverse

from argmap.interchange import import_map
from argmap.models import Publication, ReviewAction, ReviewStep, Topic, TopicStatus
from argmap.publishing import (
    describe,
    map_diff,
    may_publish,
    pending_review,
    publish,
    send_back,
    stored_analysis,
    stored_coalitions,
    stored_evaluation,
    submit_for_review,
)
from argmap.tasks import publish_topic, publishing_key, publishing_state
from config.garbage import THRESHOLDS
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


@pytest.fixture
def small_map():
    topic = TopicFactory(title="Deepen the partnership?", slug="partnership", status=TopicStatus.DRAFT)
    yes = PositionFactory(topic=topic, title="Yes: deepen it", order=1)
    no = PositionFactory(topic=topic, title="No: not now", order=2)
    lags = ClaimFactory(topic=topic, text="The UK lags in AI investment.")
    LinkFactory(claim=lags, target_position=yes)
    return {"topic": topic, "yes": yes, "no": no, "lags": lags}


def test_publishing_numbers_dates_and_records_the_snapshot_with_its_analysis(small_map, reviewer):
    topic = small_map["topic"]
    first = publish(topic, user=reviewer, note="First look")
    second = publish(topic, user=reviewer, note="Again")
    assert (first.number, second.number) == (1, 2)
    assert first.publisher == reviewer
    assert first.note == "First look"
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PUBLISHED
    document = orjson.loads(first.snapshot)
    assert document["format"] == "argmap-map/1"
    assert [row["text"] for row in document["claims"]] == ["The UK lags in AI investment."]
    evaluation = stored_evaluation(stored_analysis(first))
    assert set(evaluation.positions) == {small_map["yes"].pk, small_map["no"].pk}
    assert evaluation.claims[small_map["lags"].pk].why is not None
    assert stored_coalitions(stored_analysis(first)).position_ids == [small_map["yes"].pk, small_map["no"].pk]
    # every step is kept: the topic's history says who published, and the review log too
    assert topic.history.first().history_user == reviewer
    assert ReviewStep.objects.filter(topic=topic, action=ReviewAction.PUBLISHED).count() == 2


def test_a_snapshot_round_trips_through_the_json_import(small_map, reviewer):
    publication = publish(small_map["topic"], user=reviewer)
    report = import_map(io.BytesIO(publication.snapshot.encode()), "json", slug="copy", new_uids=True)
    assert report.ok, report.problems
    copy = Topic.objects.get(slug="copy")
    assert copy.claims.get().text == "The UK lags in AI investment."
    assert copy.positions.count() == 2


def test_a_publication_never_changes_in_the_model_or_the_database(small_map, reviewer):
    publication = publish(small_map["topic"], user=reviewer)
    publication.note = "rewritten"
    with pytest.raises(ValidationError):
        publication.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(snapshot='{"format": "forged"}')
    with pytest.raises(DatabaseError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(note="rewritten")
    publication.refresh_from_db()
    assert publication.note == ""


def test_a_correction_must_say_what_it_corrects(small_map, reviewer):
    with pytest.raises(ValidationError):
        publish(small_map["topic"], user=reviewer, is_correction=True)
    assert not Publication.objects.exists()


def test_editors_without_publish_topic_cannot_publish(small_map):
    editor = EditorFactory(username="editor")
    assert not may_publish(editor)
    with pytest.raises(PermissionDenied):
        publish(small_map["topic"], user=editor)
    assert not Publication.objects.exists()


def test_review_steps_submit_send_back_and_publish(small_map, reviewer):
    topic = small_map["topic"]
    editor = EditorFactory(username="editor")
    submit_for_review(topic, user=editor, comment="Ready")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IN_REVIEW
    assert pending_review(topic).user == editor
    with pytest.raises(ValidationError):
        send_back(topic, user=reviewer, comment="  ")
    send_back(topic, user=reviewer, comment="Cite the report")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DRAFT
    assert pending_review(topic) is None
    submit_for_review(topic, user=editor)
    publish(topic, user=reviewer)
    actions = list(ReviewStep.objects.filter(topic=topic).order_by("id").values_list("action", flat=True))
    assert actions == ["submitted", "sent_back", "submitted", "published"]


def test_the_strict_two_person_rule_refuses_a_self_publish(small_map, settings):
    settings.STRICT_TWO_PERSON_RULE = True
    author, other = ReviewerFactory(username="author"), ReviewerFactory(username="other")
    claim = small_map["lags"]
    claim._history_user = author
    claim.text = "The UK lags far behind in AI investment."
    claim.save()
    with pytest.raises(PermissionDenied, match="two-person"):
        publish(small_map["topic"], user=author)
    assert not Publication.objects.exists()
    assert publish(small_map["topic"], user=other).number == 1


def test_the_two_person_rule_is_off_by_default(small_map, reviewer):
    claim = small_map["lags"]
    claim._history_user = reviewer
    claim.save()
    assert publish(small_map["topic"], user=reviewer).number == 1


def test_the_diff_names_what_was_added_changed_removed_and_which_verdicts_moved(small_map, reviewer):
    topic = small_map["topic"]
    topic.alternatives = False  # the two may be held together: each stands on its own arguments
    topic.save()
    first = publish(topic, user=reviewer)
    cma = StakeholderFactory(name="The CMA", slug="cma", kind="regulator")
    a = ClaimFactory(topic=topic, text="It locks the state into one supplier.")
    b = ClaimFactory(topic=topic, text="Public services need modernising.")
    LinkFactory(claim=a, target_position=small_map["yes"], polarity="opposes")
    LinkFactory(claim=b, target_position=small_map["yes"], polarity="opposes")
    StanceFactory(stakeholder=cma, position=small_map["no"], stance="supports", basis="inferred", source=None)
    second = publish(topic, user=reviewer)
    old, new = orjson.loads(first.snapshot), orjson.loads(second.snapshot)
    diff = map_diff(old, new, orjson.loads(first.analysis), orjson.loads(second.analysis))
    assert [row["text"] for row in diff.parts["claims"].added] == [a.text, b.text]
    assert len(diff.parts["links"].added) == 2
    assert not diff.parts["links"].removed
    words = describe(diff, new)
    assert "2 new claims against “Yes: deepen it”" in words
    assert "The CMA’s stance on “No: not now” added" in words
    assert second.changes == words
    # the position was accepted (nothing opposed it) and is no longer
    assert [(v.text, v.old) for v in diff.verdicts if v.kind == "position"] == [("Yes: deepen it", "accepted")]
    assert "went from well supported to" in words


def test_the_diff_of_a_map_with_itself_is_empty(small_map, reviewer):
    first = publish(small_map["topic"], user=reviewer)
    document, analysis = orjson.loads(first.snapshot), orjson.loads(first.analysis)
    diff = map_diff(document, document, analysis, analysis)
    assert not diff
    assert describe(diff, document) == "No change to the map."


def test_the_reviewer_sees_the_diff_then_sends_back_or_publishes_in_the_admin(client, small_map, reviewer):
    topic = small_map["topic"]
    publish(topic, user=reviewer)
    ClaimFactory(topic=topic, text="A brand new objection.")
    submit_for_review(topic, user=EditorFactory(username="editor"), comment="Added an objection")
    client.force_login(reviewer)
    review = reverse("admin:argmap_publication_review", args=[topic.pk])
    html = client.get(review).content.decode()
    assert "A brand new objection." in html
    assert "Added an objection" in html
    response = client.post(review, {"comment": "Cite it first", "_send_back": "Send back"})
    assert response.status_code == 302
    assert ReviewStep.objects.latest_for(topic).comment == "Cite it first"
    response = client.post(review, {"note": "With the objection", "_publish": "Publish"})
    assert response.status_code == 302
    assert topic.publications.count() == 2
    listing = client.get(reverse("admin:argmap_publication_changelist")).content.decode()
    assert "1 new claim" in listing  # the changes of version 2, in words


@pytest.mark.slow
@pytest.mark.parametrize("module", ["config.wsgi", "config.celery"])
def test_the_web_server_and_the_worker_collect_garbage_less_often(module):
    """The web server and the worker (which publishes) tune Python's cyclic collector for
    their whole process, in one place (config/garbage.py); Python's default is 700."""
    code = f"import gc, {module}; print(*gc.get_threshold())"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert tuple(int(n) for n in found.stdout.split()) == THRESHOLDS


def test_publishing_in_the_admin_runs_as_a_task_and_goes_to_the_publication(client, small_map, reviewer):
    topic = small_map["topic"]
    client.force_login(reviewer)
    response = client.post(reverse("admin:argmap_publication_review", args=[topic.pk]), {"_publish": "Publish"})
    publication = topic.publications.get()  # no broker here: the task ran in this process
    assert response["Location"] == reverse("admin:argmap_publication_change", args=[publication.pk])
    assert publishing_state(topic.pk) == {"state": "done", "publication": publication.pk, "number": 1}


def test_a_queued_publishing_shows_its_progress_until_the_publication_is_made(client, small_map, reviewer):
    topic = small_map["topic"]
    client.force_login(reviewer)
    review = reverse("admin:argmap_publication_review", args=[topic.pk])
    progress = reverse("admin:argmap_publication_progress", args=[topic.pk])
    with mock.patch.object(publish_topic, "apply_async"), override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.post(review, {"_publish": "Publish"})  # queued for a worker
    assert response["Location"] == progress
    assert not topic.publications.exists()
    assert "waiting for a worker" in client.get(progress).content.decode()
    cache.set(publishing_key(topic.pk), {"state": "running", "step": "analysing it"})
    html = client.get(progress).content.decode()
    assert "analysing it" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    publish_topic(topic.pk, reviewer.pk, note="From the worker")  # the worker's turn
    response = client.get(progress)
    publication = topic.publications.get()
    assert publication.note == "From the worker"
    assert response["Location"] == reverse("admin:argmap_publication_change", args=[publication.pk])


def test_the_worker_tells_the_reviewer_each_step_of_publishing_as_it_starts(small_map, reviewer):
    topic = small_map["topic"]
    key = publishing_key(topic.pk)
    seen = []
    set_state = cache.set

    def kept(name, value, *args, **kwargs):
        if name == key:
            seen.append(value.get("step", value["state"]))
        return set_state(name, value, *args, **kwargs)

    with mock.patch.object(cache, "set", side_effect=kept):
        publish_topic(topic.pk, reviewer.pk)
    assert seen == [
        "starting",
        "reading the map",
        "comparing it with the last publication",
        "analysing it",
        "storing it for the pages",
        "done",
    ]


def test_a_refused_publishing_says_why_on_the_form_and_on_its_progress_page(client, small_map, settings):
    settings.STRICT_TWO_PERSON_RULE = True
    topic = small_map["topic"]
    author = ReviewerFactory(username="author")
    submit_for_review(topic, user=author)
    client.force_login(author)
    response = client.post(reverse("admin:argmap_publication_review", args=[topic.pk]), {"_publish": "Publish"})
    assert response.status_code == 200
    assert "two-person rule" in response.content.decode()
    assert not topic.publications.exists()
    html = client.get(reverse("admin:argmap_publication_progress", args=[topic.pk])).content.decode()
    assert "was not published" in html
    assert "two-person rule" in html


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the benchmark publishes its own map, rolled back after each run
def test_the_publish_benchmark_prints_publish_and_each_step():
    from benchmarks.bench import main

    out = io.StringIO()
    results = main(["--sizes", "30", "--only", "publish", "--repeat", "1"], write=lambda line: print(line, file=out))
    report = out.getvalue()
    assert "publish(): snapshot, analysis, diff, rows, records" in report
    steps = [r["what"].strip() for r in results if r["area"] == "publish" and r["what"].startswith("  ")]
    assert steps == [
        "its CPU time (this process)",
        "reading the map",
        "comparing it with the last publication",
        "analysing it",
        "storing it for the pages",
    ]
    assert Publication.objects.count() == 1  # the benchmark's own; each measured one was rolled back
