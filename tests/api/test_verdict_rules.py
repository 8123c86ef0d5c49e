"""The rules of issue 13 on every write path: a fact checked false needs its settling
source, only a fact is checked, a base score stays within 0–1 — in the database and as a
400 naming the field in the API."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from argmap.models import Claim
from tests.factories import ClaimFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_false_fact_without_its_settling_source():
    claim = ClaimFactory(kind="fact")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(fact_check="false")


def test_the_database_refuses_a_check_on_what_is_not_a_fact():
    claim = ClaimFactory(kind="value")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(fact_check="confirmed")


def claims_url():
    return reverse("api:claim-list")


def test_a_false_check_without_a_source_is_a_400_naming_the_field(editor_api):
    topic = TopicFactory()
    response = editor_api.post(
        claims_url(), {"topic": topic.pk, "text": "It happened.", "kind": "fact", "fact_check": "false"}, format="json"
    )
    assert response.status_code == 400
    assert "settled_by" in response.json()
    assert not Claim.objects.exists()


def test_a_false_check_with_its_source_is_stored(editor_api):
    topic, record = TopicFactory(), SourceFactory(kind="regulator_decision")
    response = editor_api.post(
        claims_url(),
        {"topic": topic.pk, "text": "It happened.", "kind": "fact", "fact_check": "false", "settled_by": record.pk},
        format="json",
    )
    assert response.status_code == 201
    assert Claim.objects.get().settled_by == record


def test_a_check_on_an_interpretation_is_a_400(editor_api):
    response = editor_api.post(
        claims_url(), {"topic": TopicFactory().pk, "text": "It means much.", "fact_check": "disputed"}, format="json"
    )
    assert response.status_code == 400
    assert "fact_check" in response.json()


@pytest.mark.parametrize("score", [-0.1, 1.5])
def test_an_override_outside_0_to_1_is_a_400_naming_the_field(editor_api, score):
    response = editor_api.post(
        claims_url(),
        {"topic": TopicFactory().pk, "text": "A claim.", "base_score": score, "score_reason": "the editor's estimate"},
        format="json",
    )
    assert response.status_code == 400
    assert "base_score" in response.json()
    assert not Claim.objects.exists()
