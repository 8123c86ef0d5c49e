"""Issue 13's bad input in the admin: a base score outside 0–1 and a fact checked false
without its settling source are form errors naming the field, never a 500."""

import pytest
from django.urls import reverse

from argmap.models import Claim
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def add_claim(client, **fields):
    data = {
        "topic": TopicFactory().pk,
        "text": "The deal was blocked.",
        "kind": "fact",
        "fact_check": "unchecked",
        "base_score": "0.5",
        **fields,
    }
    for prefix in ("links", "citations", "stances"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
        data |= {f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    return client.post(reverse("admin:argmap_claim_add"), data)


@pytest.mark.parametrize("score", ["1.5", "-0.1"])
def test_a_base_score_outside_0_to_1_is_a_form_error(editor_client, score):
    response = add_claim(editor_client, base_score=score, score_reason="the editor's estimate")
    assert response.status_code == 200
    assert "base_score" in response.context["adminform"].form.errors
    assert not Claim.objects.exists()


def test_a_fact_checked_false_without_its_settling_source_is_a_form_error(editor_client):
    response = add_claim(editor_client, fact_check="false")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["settled_by"] == [
        "A fact checked false needs the source that settles it."
    ]
    assert not Claim.objects.exists()
