"""Undo of the last map-editor action (argmap/undo.py): a reason added, a text edited, a
claim moved or unlinked is reverted exactly, in history with the editor; if something it
touched changed since, nothing is undone and the editor is told what."""

import pytest
from django.urls import reverse

from argmap.models import Citation, Claim, Link, Source, Stance
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, StakeholderFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate():
    topic = TopicFactory(title="The bypass")
    yes = PositionFactory(topic=topic, title="Build it")
    no = PositionFactory(topic=topic, title="Do not build it")
    claim = ClaimFactory(topic=topic, text="Traffic is unbearable")
    link = LinkFactory(claim=claim, target_position=yes, polarity="supports")
    return {"topic": topic, "yes": yes, "no": no, "claim": claim, "link": link}


def undo(client, topic):
    return client.post(reverse("admin:argmap_topic_map_undo", args=[topic.pk]), follow=True)


def messages_of(response) -> list[str]:
    """The messages the page shows after the earlier ones (of the action itself)."""
    return [str(m) for m in response.context["messages"]][-1:]


def add_reason(client, debate, **extra):
    data = {"target": f"position-{debate['yes'].pk}", "polarity": "opposes", "text": "It costs too much",
            "new_source_title": "The council's budget", "quote": "forty million", "locator": "p. 3",
            "stakeholder": StakeholderFactory(name="Treasury").pk, "stance": "supports",
            "basis": "stated"} | extra  # fmt: skip
    response = client.post(reverse("admin:argmap_topic_map_reason", args=[debate["topic"].pk]), data)
    assert response.status_code == 302
    return Claim.objects.get(text=data["text"])


def test_undo_after_adding_a_reason_deletes_all_it_created_in_history(editor_client, editor, debate):
    claim = add_reason(editor_client, debate)
    page = editor_client.get(reverse("admin:argmap_topic_change", args=[debate["topic"].pk])).content.decode()
    assert "Your last change: added the claim “It costs too much”" in page
    response = undo(editor_client, debate["topic"])
    assert messages_of(response) == ["Undone: added the claim “It costs too much”."]
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Link.objects.filter(claim_id=claim.pk).exists()
    assert not Citation.objects.filter(claim_id=claim.pk).exists()
    assert not Stance.objects.filter(claim_id=claim.pk).exists()
    assert not Source.objects.filter(title="The council's budget").exists()
    assert Claim.history.filter(id=claim.pk, history_type="-").get().history_user == editor
    assert Link.objects.filter(pk=debate["link"].pk).exists()  # nothing else touched
    again = undo(editor_client, debate["topic"])
    assert messages_of(again) == ["There is nothing to undo."]


def test_undo_is_refused_when_the_new_claim_changed_since(editor_client, debate):
    claim = add_reason(editor_client, debate)
    claim.text = "Someone else's better wording"
    claim.save()
    response = undo(editor_client, debate["topic"])
    assert "was changed at" in messages_of(response)[0]
    assert "Nothing was undone" in messages_of(response)[0]
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert Citation.objects.filter(claim=claim).exists()


def test_undo_is_refused_when_a_reason_was_added_to_the_new_claim(editor_client, debate):
    claim = add_reason(editor_client, debate)
    LinkFactory(claim=ClaimFactory(topic=debate["topic"]), target_position=None, target_claim=claim)
    response = undo(editor_client, debate["topic"])
    assert "have been added to “It costs too much” since" in messages_of(response)[0]
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_undo_after_editing_a_text_in_place_brings_the_old_text_back(editor_client, debate):
    claim = debate["claim"]
    url = reverse("admin:argmap_topic_map_text", args=[debate["topic"].pk, f"claim-{claim.pk}"])
    form = editor_client.get(url).context["form"]
    response = editor_client.post(
        url + "?fragment=1", {"text": "Traffic is awful", "loaded_at": form["loaded_at"].value()}
    )
    assert response.status_code == 200
    assert "edited the claim" in response["X-Workbench-Undo"].replace("%20", " ")
    undo(editor_client, debate["topic"])
    claim.refresh_from_db()
    assert claim.text == "Traffic is unbearable"
    assert [r.text for r in claim.history.order_by("history_date")][-2:] == [
        "Traffic is awful",
        "Traffic is unbearable",
    ]


def link_form(link, **changes):
    data = {"claim": link.claim_id, "polarity": link.polarity, "target_position": link.target_position_id or "",
            "target_claim": link.target_claim_id or "", "basis": link.basis,
            "loaded_at": link.updated_at.isoformat()}  # fmt: skip
    return data | changes


def test_undo_after_moving_a_claim_puts_it_back(editor_client, debate):
    link = debate["link"]
    url = reverse("admin:argmap_link_change", args=[link.pk])
    assert (
        editor_client.post(url, link_form(link, target_position=debate["no"].pk, polarity="opposes")).status_code == 302
    )
    link.refresh_from_db()
    assert (link.target_position, link.polarity) == (debate["no"], "opposes")
    response = undo(editor_client, debate["topic"])
    assert messages_of(response) == ["Undone: moved the claim “Traffic is unbearable”."]
    link.refresh_from_db()
    assert (link.target_position, link.polarity) == (debate["yes"], "supports")


def test_undo_after_unlinking_a_claim_restores_the_link(editor_client, debate):
    link = debate["link"]
    response = editor_client.post(reverse("admin:argmap_link_delete", args=[link.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Link.objects.filter(pk=link.pk).exists()
    undo(editor_client, debate["topic"])
    restored = Link.objects.get(pk=link.pk)
    assert (restored.claim, restored.target_position, restored.polarity) == (debate["claim"], debate["yes"], "supports")


def test_undoing_an_unlink_whose_target_is_gone_restores_nothing(editor_client, debate):
    other = ClaimFactory(topic=debate["topic"])
    link = LinkFactory(claim=debate["claim"], target_position=None, target_claim=other)
    editor_client.post(reverse("admin:argmap_link_delete", args=[link.pk]), {"post": "yes"})
    other.delete()
    response = undo(editor_client, debate["topic"])
    assert "Nothing was undone" in messages_of(response)[0]
    assert not Link.objects.filter(pk=link.pk).exists()


def test_undo_is_a_post(editor_client, debate):
    assert editor_client.get(reverse("admin:argmap_topic_map_undo", args=[debate["topic"].pk])).status_code == 405
