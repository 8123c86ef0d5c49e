"""Undo in the admin: an earlier version is reverted from the history page without a
false conflict (the form submitted exactly as the page renders it), a real change made
meanwhile is still refused, and a deleted claim comes back with its links and citations."""

from datetime import timedelta

import pytest
from django.urls import reverse

from argmap.models import Citation, Claim, Link
from tests.factories import CitationFactory, ClaimFactory, LinkFactory, PositionFactory, SourceFactory

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


def claim_with_links_and_citation():
    position = PositionFactory()
    claim = ClaimFactory(topic=position.topic, text="Deleted by mistake")
    other = ClaimFactory(topic=position.topic)
    LinkFactory(claim=claim, target_position=position, polarity="supports")
    LinkFactory(claim=claim, target_position=None, target_claim=other, polarity="opposes")
    CitationFactory(claim=claim, source=SourceFactory(), quote="the words", locator="paragraph 3")
    return claim, position, other


def test_a_deleted_claim_is_restored_with_its_links_and_citations(editor_client, editor):
    claim, position, other = claim_with_links_and_citation()
    pk = claim.pk
    assert editor_client.post(reverse("admin:argmap_claim_delete", args=[pk]), {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=pk).exists()
    listing = editor_client.get(reverse("admin:argmap_claim_deleted"))
    assert f'id="deleted-claim-{pk}"' in listing.content.decode()
    assert "Deleted by mistake" in listing.content.decode()
    response = editor_client.post(reverse("admin:argmap_claim_restore", args=[pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:argmap_claim_change", args=[pk])
    claim = Claim.objects.get(pk=pk)
    assert claim.text == "Deleted by mistake"
    assert {(link.polarity, link.target) for link in claim.links.all()} == {("supports", position), ("opposes", other)}
    assert [(c.quote, c.locator) for c in claim.citations.all()] == [("the words", "paragraph 3")]
    assert claim.history.latest().history_type == "+"
    assert claim.history.latest().history_user == editor
    assert {link.history.latest().history_user for link in claim.links.all()} == {editor}
    assert f"deleted-claim-{pk}" not in editor_client.get(reverse("admin:argmap_claim_deleted")).content.decode()


def test_a_link_removed_before_the_claim_was_deleted_stays_removed(editor_client):
    claim, position, other = claim_with_links_and_citation()
    pk = claim.pk
    Link.objects.get(claim=claim, target_claim=other).delete()
    earlier = Link.history.filter(claim_id=pk, history_type="-")
    earlier.update(history_date=earlier.get().history_date - timedelta(minutes=5))  # an edit of some minutes ago
    claim.delete()
    editor_client.post(reverse("admin:argmap_claim_restore", args=[pk]))
    assert [link.target for link in Claim.objects.get(pk=pk).links.all()] == [position]


def test_a_restore_that_would_break_a_rule_says_why_and_restores_nothing(editor_client):
    claim, position, other = claim_with_links_and_citation()
    pk = claim.pk
    claim.delete()
    other.delete()  # the target of one of its links, gone since
    response = editor_client.post(reverse("admin:argmap_claim_restore", args=[pk]), follow=True)
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("Cannot restore its link")
    assert not Claim.objects.filter(pk=pk).exists()
    assert not Link.objects.filter(claim_id=pk).exists()
    assert not Citation.objects.filter(claim_id=pk).exists()


def test_restoring_is_a_post(editor_client):
    claim, *_ = claim_with_links_and_citation()
    pk = claim.pk
    claim.delete()
    assert editor_client.get(reverse("admin:argmap_claim_restore", args=[pk])).status_code == 405
    assert not Claim.objects.filter(pk=pk).exists()


def test_restoring_needs_the_add_permission(outsider_client):
    claim, *_ = claim_with_links_and_citation()
    pk = claim.pk
    claim.delete()
    assert outsider_client.post(reverse("admin:argmap_claim_restore", args=[pk])).status_code == 403
    assert not Claim.objects.filter(pk=pk).exists()
