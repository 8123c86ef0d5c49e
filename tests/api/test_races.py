"""Concurrent writes: a rule two writes break together is refused by the database and
answered 409 with the reason; writes lock their topics first, in one order, so they
queue instead of deadlocking; a deadlock or serialization failure that remains is a 409,
never "the database is unreachable" (503).

The threaded tests run on PostgreSQL (SQLite takes its write lock at BEGIN, so writers
never overlap), each thread with its own connection."""

import threading
import time
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from argmap.api.serializers import ModelRulesSerializer
from argmap.api.views import SourceViewSet
from argmap.models import Claim, Link, Stakeholder
from tests.factories import ClaimFactory, PositionFactory, SourceFactory, StakeholderFactory, TopicFactory

TRIALS = 15


def has_circle() -> bool:
    parents = dict(Stakeholder.objects.values_list("pk", "parent_id"))
    for start in parents:
        seen, at = set(), parents[start]
        while at is not None and at not in seen:
            if at == start:
                return True
            seen.add(at)
            at = parents.get(at)
    return False


def run_together(token, requests) -> list[tuple[int, str]]:
    """Each (method, url, body) sent at once from its own thread and connection; the
    statuses and messages, in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def send(index, method, url, body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        try:
            barrier.wait(timeout=10)
            response = getattr(client, method)(url, body, format="json", headers={"If-Match": "*"})
            results[index] = (response.status_code, str(response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=[i, *request]) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def parent_change(stakeholder, parent):
    return ("patch", reverse("api:stakeholder-detail", args=[stakeholder.slug]), {"parent": parent.pk})


@pytest.fixture
def postgresql_only(on_postgresql):
    if not on_postgresql:
        pytest.skip("concurrent transactions: runs on PostgreSQL (SQLite serializes writers at BEGIN)")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("topics", [0, 3], ids=["no-topic", "three-topics"])
def test_concurrent_parent_edits_never_store_a_circle(postgresql_only, restore_editors_group, editor_token, topics):
    # With no topic to lock, the writes overlap and the trigger refuses the last tie; with
    # topics, stakeholder writes take turns and validation refuses it. Either way a 409.
    for _ in range(topics):
        TopicFactory()
    statuses = []
    for _ in range(TRIALS):
        a, b, c = (StakeholderFactory() for _ in range(3))
        results = run_together(editor_token, [parent_change(a, b), parent_change(b, c), parent_change(c, a)])
        statuses += [status for status, _ in results]
        assert not has_circle(), results
        losers = [(status, message) for status, message in results if status != 200]
        assert losers, results
        assert all(status == 409 and "part of itself" in message for status, message in losers), results
        Stakeholder.objects.update(parent=None)
    assert 503 not in statuses
    assert 500 not in statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("topics", [0, 3], ids=["no-topic", "three-topics"])
def test_concurrent_parent_swaps_do_not_deadlock(postgresql_only, restore_editors_group, editor_token, topics):
    for _ in range(topics):
        TopicFactory()
    for _ in range(TRIALS):
        a, b = StakeholderFactory(), StakeholderFactory()
        results = run_together(editor_token, [parent_change(a, b), parent_change(b, a)])
        assert sorted(status for status, _ in results)[0] == 200, results
        assert sorted(status for status, _ in results)[1] == 409, results
        assert not has_circle()
        Stakeholder.objects.update(parent=None)


@pytest.mark.django_db(transaction=True)
def test_a_link_racing_a_move_of_its_claim_does_not_deadlock(postgresql_only, restore_editors_group, editor_token):
    elsewhere = TopicFactory()
    statuses = []
    for _ in range(TRIALS):
        position = PositionFactory()
        claim = ClaimFactory(topic=position.topic)
        link = (
            "post",
            reverse("api:link-list"),
            {"claim": claim.pk, "target_position": position.pk, "polarity": "supports"},
        )
        move = ("patch", reverse("api:claim-detail", args=[claim.pk]), {"topic": elsewhere.pk})
        results = run_together(editor_token, [link, move])
        statuses += [status for status, _ in results]
        linked, moved = results[0][0] == 201, results[1][0] == 200
        assert linked != moved, results  # one wins; the other is refused
        claim.refresh_from_db()
        assert Link.objects.filter(claim=claim).exists() == linked
        assert (claim.topic_id == elsewhere.pk) == moved
    assert set(statuses) <= {200, 201, 400, 409}, statuses


@pytest.mark.django_db
def test_a_circle_the_database_refuses_is_a_409_with_the_reason(editor_api):
    a, b, c = (StakeholderFactory() for _ in range(3))
    Stakeholder.objects.filter(pk=a.pk).update(parent=b)
    Stakeholder.objects.filter(pk=b.pk).update(parent=c)
    # As if a concurrent write had come between validation and the save:
    with mock.patch.object(ModelRulesSerializer, "validate", lambda self, attrs: attrs):
        response = editor_api.patch(*parent_change(c, a)[1:], format="json", headers={"If-Match": "*"})
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "A stakeholder cannot be part of itself, directly or through others: with a change saved at the same time"
    )
    assert Stakeholder.objects.get(pk=c.pk).parent_id is None


class Lost(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["40P01", "40001", "55P03"])
def test_a_deadlock_or_serialization_failure_is_a_409_not_a_503(editor_api, sqlstate):
    source = SourceFactory(title="Before")

    def collide(view, serializer):
        raise OperationalError("deadlock detected") from Lost(sqlstate)

    with mock.patch.object(SourceViewSet, "perform_update", collide):
        response = editor_api.patch(
            reverse("api:source-detail", args=[source.pk]), {"title": "After"}, format="json", headers={"If-Match": "*"}
        )
    assert response.status_code == 409
    assert "collided with another" in response.json()["detail"]
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_an_unreachable_database_is_still_a_503(editor_api):
    source = SourceFactory()

    def unreachable(view, serializer):
        raise OperationalError("connection refused") from Lost("08006")

    with mock.patch.object(SourceViewSet, "perform_update", unreachable):
        response = editor_api.patch(
            reverse("api:source-detail", args=[source.pk]), {"title": "After"}, format="json", headers={"If-Match": "*"}
        )
    assert response.status_code == 503
    assert Claim.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_past_validation_never_store_a_circle(postgresql_only):
    """The trigger alone holds the rule: raw updates, each in its own transaction, that
    together would close a circle (each commits a moment after its update)."""
    refused = 0
    for _ in range(TRIALS):
        a, b, c = (StakeholderFactory() for _ in range(3))
        barrier = threading.Barrier(3)
        outcomes = []

        def tie(child, parent, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                with transaction.atomic():
                    Stakeholder.objects.filter(pk=child.pk).update(parent=parent)
                    time.sleep(0.05)
                outcomes.append("stored")
            except (IntegrityError, OperationalError) as error:
                outcomes.append(type(error).__name__)
            finally:
                connection.close()

        threads = [threading.Thread(target=tie, args=pair) for pair in [(a, b), (b, c), (c, a)]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not has_circle(), outcomes
        assert outcomes.count("stored") == 2, outcomes
        refused += outcomes.count("IntegrityError")
        Stakeholder.objects.update(parent=None)
    assert refused == TRIALS  # each time by the rule, not by a deadlock
