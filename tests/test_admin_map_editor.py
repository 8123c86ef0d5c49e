"""The map editor on a topic's admin page: the tree with its stances, branches on demand,
and "add a reason" creating the claim, its link, its citation and a stance in one save,
in history with the editor; every broken rule a form error with nothing saved."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from argmap.models import Citation, Claim, Link, Source, Stance
from tests.factories import (
    ClaimFactory,
    LinkFactory,
    PositionFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def reason_url(topic, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("admin:argmap_topic_map_reason", args=[topic.pk]) + (f"?{query}" if query else "")


@pytest.fixture
def debate():
    topic = TopicFactory(title="Copyright for AI")
    yes = PositionFactory(topic=topic, title="Yes: ease the rules")
    claim = ClaimFactory(topic=topic, text="AI firms need the data")
    LinkFactory(claim=claim, target_position=yes, polarity="supports")
    deeper = ClaimFactory(topic=topic, text="Licensing markets exist already")
    LinkFactory(claim=deeper, target_position=None, target_claim=claim, polarity="opposes")
    StanceFactory(position=yes, stakeholder=StakeholderFactory(name="OpenAI"))
    return {"topic": topic, "yes": yes, "claim": claim, "deeper": deeper}


def test_a_topics_page_shows_its_tree_with_stances_and_the_first_level_only(editor_client, debate):
    html = editor_client.get(reverse("admin:argmap_topic_change", args=[debate["topic"].pk])).content.decode()
    assert 'id="map-editor"' in html
    assert "Yes: ease the rules" in html
    assert "OpenAI: supports" in html
    assert f'id="wb-claim-{debate["claim"].pk}"' in html
    assert f'id="wb-claim-{debate["deeper"].pk}"' not in html  # a deeper branch comes on demand
    assert "show 1 reason" in html
    link = debate["claim"].links.get()
    assert reverse("admin:argmap_link_change", args=[link.pk]) in html  # move it to another parent
    assert reverse("admin:argmap_link_delete", args=[link.pk]) in html  # unlink it


def test_a_branch_comes_as_a_fragment_or_a_page(editor_client, debate):
    url = reverse("admin:argmap_topic_map_branch", args=[debate["topic"].pk, f"claim-{debate['claim'].pk}"])
    fragment = editor_client.get(url + "?fragment=1").content.decode()
    assert fragment.lstrip().startswith("<li")
    assert "Licensing markets exist already" in fragment
    assert "Licensing markets exist already" in editor_client.get(url).content.decode()
    other = ClaimFactory()
    assert (
        editor_client.get(
            reverse("admin:argmap_topic_map_branch", args=[debate["topic"].pk, f"claim-{other.pk}"])
        ).status_code
        == 404
    )


def test_the_form_opens_with_topic_target_and_polarity_filled_in(editor_client, debate):
    response = editor_client.get(reason_url(debate["topic"], target=f"claim-{debate['claim'].pk}", polarity="opposes"))
    form = response.context["form"]
    assert form["target"].value() == f"claim-{debate['claim'].pk}"
    assert form["polarity"].value() == "opposes"
    assert "A reason against the claim “AI firms need the data”" in response.content.decode()


def test_one_save_creates_claim_link_citation_new_source_and_stance_in_history(editor_client, editor, debate):
    stakeholder = StakeholderFactory(name="Creative industries")
    data = {
        "target": f"claim-{debate['claim'].pk}",
        "polarity": "opposes",
        "text": "Easing copyright would undermine creators' livelihoods.",
        "new_source_title": "The July report",
        "new_source_url": "https://example.org/july",
        "quote": "undermine creators' livelihoods",
        "locator": "paragraph 4",
        "stakeholder": stakeholder.pk,
        "stance": "supports",
        "basis": "stated",
    }
    response = editor_client.post(reason_url(debate["topic"]), data)
    assert response.status_code == 302
    claim = Claim.objects.get(text=data["text"])
    assert response.url.endswith(f"#wb-claim-{claim.pk}")
    assert claim.topic == debate["topic"]
    link = Link.objects.get(claim=claim)
    assert (link.polarity, link.target) == ("opposes", debate["claim"])
    citation = Citation.objects.get(claim=claim)
    assert (citation.source.title, citation.quote, citation.locator) == (
        "The July report",
        data["quote"],
        "paragraph 4",
    )
    stance = Stance.objects.get(claim=claim)
    assert (stance.stakeholder, stance.basis, stance.quote, stance.source) == (
        stakeholder,
        "stated",
        data["quote"],
        citation.source,
    )
    for obj in (claim, link, citation, citation.source, stance):
        assert obj.history.get().history_user == editor


def test_the_fragment_answer_is_the_new_claims_place_in_the_tree(editor_client, debate):
    source = SourceFactory()
    data = {"target": f"position-{debate['yes'].pk}", "polarity": "supports", "text": "Faster public services",
            "source": source.pk, "quote": "faster", "locator": "p. 2"}  # fmt: skip
    response = editor_client.post(reason_url(debate["topic"], fragment=1), data)
    claim = Claim.objects.get(text="Faster public services")
    assert response.status_code == 200
    assert response["X-Workbench-Created"] == f"claim-{claim.pk}"
    assert f'id="wb-claim-{claim.pk}"' in response.content.decode()


def nothing_saved(before: dict) -> bool:
    return {m: m.objects.count() for m in before} == before


@pytest.fixture
def counts():
    return {m: m.objects.count() for m in (Claim, Link, Citation, Source, Stance)}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"target": "claim-999999"}, "target", "no longer exists"),
        ({"target": "position-1; DROP TABLE"}, "target", "no longer exists"),
        ({"quote": "words", "source": ""}, "source", "needs the source"),
        ({"text": "a\x00b"}, "text", "Null characters"),
        ({"new_source_title": "A report", "new_source_url": "javascript:alert(1)"}, "new_source_url", "valid URL"),
        ({"polarity": "destroys"}, "polarity", "valid choice"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(editor_client, debate, counts, change, field, message):
    data = {"target": f"claim-{debate['claim'].pk}", "polarity": "supports", "text": "A reason", **change}
    counts = {m: m.objects.count() for m in counts}
    response = editor_client.post(reason_url(debate["topic"], fragment=1), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert nothing_saved(counts)


def test_a_target_from_another_topic_is_refused(editor_client, debate, counts):
    elsewhere = ClaimFactory(text="Elsewhere")
    counts = {m: m.objects.count() for m in counts}
    data = {"target": f"claim-{elsewhere.pk}", "polarity": "supports", "text": "A forged reason"}
    response = editor_client.post(reason_url(debate["topic"]), data)
    assert response.status_code == 400
    assert "belongs to another topic" in response.context["form"].errors["target"][0]
    assert nothing_saved(counts)


def test_a_rule_broken_late_leaves_nothing_half_saved(editor_client, debate, counts):
    # The stakeholder already holds a stance on... nothing yet: a stated stance without a
    # quote breaks a model rule after the claim, link and source were written.
    counts = {m: m.objects.count() for m in counts}
    data = {"target": f"claim-{debate['claim'].pk}", "polarity": "supports", "text": "A reason",
            "new_source_title": "A report", "stakeholder": StakeholderFactory().pk, "stance": "supports",
            "basis": "stated"}  # fmt: skip
    response = editor_client.post(reason_url(debate["topic"]), data)
    assert response.status_code == 400
    assert "stakeholder's words" in " ".join(response.context["form"].errors["quote"])
    assert nothing_saved(counts)


def grow(debate, claims: int) -> None:
    """`claims` more claims on the position "yes", against and for in turn, each with a stance."""
    for i in range(claims):
        claim = ClaimFactory(topic=debate["topic"])
        LinkFactory(claim=claim, target_position=debate["yes"], polarity="opposes" if i % 2 else "supports")
        StanceFactory(position=None, claim=claim)


def change_page(client, topic) -> tuple[int, bytes]:
    """The map editor's page: its queries (the ContentType cache emptied, as test_admin
    does, so the count does not depend on test order) and its HTML."""
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:argmap_topic_change", args=[topic.pk]))
    assert response.status_code == 200
    return len(queries), response.content


@override_settings(TOPIC_FIRST_LEVEL=6)
def test_the_map_editor_page_loads_in_a_constant_number_of_queries_and_bounded_html(editor_client, debate):
    grow(debate, 10)
    small_queries, small_html = change_page(editor_client, debate["topic"])
    grow(debate, 100)
    large_queries, large_html = change_page(editor_client, debate["topic"])
    # session, user, permissions, the topic, its ContentType, 2 inlines (positions, salience)
    # and a COUNT of its salience rows, then the map editor: positions, a slice of the links
    # to them, how many argue about each claim shown, the stances. The gaps panel comes
    # from the cache or after the page (test_admin), never from the whole map here.
    assert small_queries == large_queries == 13
    # Three reasons for and three against the position, then "show more" for each polarity:
    # the page holds the same claims at both sizes, so about the same bytes.
    assert large_html.count(b'class="wb-node wb-claim') == small_html.count(b'class="wb-node wb-claim') == 6
    assert abs(len(large_html) - len(small_html)) < 200  # only the counts "not shown" differ
    assert b"show more reasons for (53 not shown)" in large_html
    assert b"show more reasons against (52 not shown)" in large_html


@override_settings(TOPIC_FIRST_LEVEL=6, TOPIC_MORE=4)
def test_show_more_loads_the_next_reasons_of_one_polarity(editor_client, debate):
    grow(debate, 20)  # with the debate's first claim: 11 for, 10 against
    html = change_page(editor_client, debate["topic"])[1].decode()
    shown = [int(pk) for pk in re.findall(r'id="wb-claim-(\d+)"', html)]
    more = re.search(r'<a class="wb-more" href="([^"]+)">show more reasons for \(8 not shown\)', html)
    assert more, "a 'show more' link for the reasons for"
    fragment = editor_client.get(more.group(1).replace("&amp;", "&") + "&fragment=1").content.decode()
    supports = Link.objects.filter(target_position=debate["yes"], polarity="supports").order_by("id")
    expected = [link.claim_id for link in supports[3:7]]
    assert [int(pk) for pk in re.findall(r'id="wb-claim-(\d+)"', fragment)] == expected
    assert not set(expected) & set(shown)
    assert "wb-supports" in fragment
    assert "wb-opposes" not in fragment
    assert "show more reasons for (4 not shown)" in fragment


@pytest.mark.parametrize("query", ["polarity=maybe&start=3", "polarity=supports&start=x", "start=99999999999999"])
def test_bad_show_more_parameters_give_the_first_reasons(editor_client, debate, query):
    url = reverse("admin:argmap_topic_map_branch", args=[debate["topic"].pk, f"position-{debate['yes'].pk}"])
    response = editor_client.get(f"{url}?{query}&fragment=1")
    assert response.status_code == 200
    assert f'id="wb-claim-{debate["claim"].pk}"' in response.content.decode()


def test_a_show_more_page_beyond_the_end_is_empty(editor_client, debate):
    url = reverse("admin:argmap_topic_map_branch", args=[debate["topic"].pk, f"position-{debate['yes'].pk}"])
    response = editor_client.get(f"{url}?polarity=supports&start=9999999")
    assert response.status_code == 200
    assert "Nothing argues about it yet." in response.content.decode()


def test_the_map_level_is_four_queries(debate, django_assert_num_queries):
    from argmap.workbench import map_level

    grow(debate, 16)
    # positions + a slice of the links to them (with their claims) + how many argue about
    # each claim shown + the stances (with stakeholders)
    with django_assert_num_queries(4):
        nodes = map_level(debate["topic"])
    assert (
        len([node for node in nodes[0]["children"] if node["kind"] == "claim"]) == 17
    )  # 9 for, 8 against: under 10 each
    counts = {node["key"]: node["children_count"] for node in nodes[0]["children"]}
    assert counts.pop(f"claim-{debate['claim'].pk}") == 1  # the deeper claim argues about it
    assert set(counts.values()) == {0}


def test_moving_a_claim_under_its_own_supporter_is_a_form_error(editor_client, debate):
    supporter = ClaimFactory(topic=debate["topic"])
    LinkFactory(claim=supporter, target_position=None, target_claim=debate["claim"], polarity="supports")
    link = debate["claim"].links.get()
    url = reverse("admin:argmap_link_change", args=[link.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {"claim": link.claim_id, "polarity": "supports", "target_claim": supporter.pk,
            "loaded_at": form["loaded_at"].value()}  # fmt: skip
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "circle of support" in str(response.context["adminform"].form.errors)
    link.refresh_from_db()
    assert link.target_position == debate["yes"]


def test_moving_a_claim_to_another_topics_position_is_a_form_error(editor_client, debate):
    """A forged target on the move page (the map editor's "move"): the picker offers only
    the topic's positions, and a hand-made request naming another topic's is refused."""
    elsewhere = PositionFactory(title="Another topic's answer")
    link = debate["claim"].links.get()
    url = reverse("admin:argmap_link_change", args=[link.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {"claim": link.claim_id, "polarity": "opposes", "target_position": elsewhere.pk, "basis": link.basis,
            "loaded_at": form["loaded_at"].value()}  # fmt: skip
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "belongs to another topic" in str(response.context["adminform"].form.errors)
    link.refresh_from_db()
    assert (link.target_position, link.polarity) == (debate["yes"], "supports")


def text_url(debate, key, fragment=True):
    url = reverse("admin:argmap_topic_map_text", args=[debate["topic"].pk, key])
    return url + "?fragment=1" if fragment else url


def test_a_claims_text_is_edited_in_place_and_kept_in_history(editor_client, editor, debate):
    claim = debate["claim"]
    form = editor_client.get(text_url(debate, f"claim-{claim.pk}")).context["form"]
    data = {"text": "AI firms need lawful access to data", "loaded_at": form["loaded_at"].value()}
    response = editor_client.post(text_url(debate, f"claim-{claim.pk}"), data)
    assert response.status_code == 200
    assert response.content.decode().strip() == '<span class="wb-text">AI firms need lawful access to data</span>'
    claim.refresh_from_db()
    assert claim.text == "AI firms need lawful access to data"
    assert claim.history.latest().history_user == editor


def test_editing_text_over_someone_elses_change_is_refused(editor_client, debate):
    position = debate["yes"]
    loaded_at = editor_client.get(text_url(debate, f"position-{position.pk}")).context["form"]["loaded_at"].value()
    position.title = "Their title"
    position.save()  # a second editor, meanwhile
    response = editor_client.post(
        text_url(debate, f"position-{position.pk}"), {"title": "Mine", "loaded_at": loaded_at}
    )
    assert response.status_code == 400
    assert "Someone else changed this position" in response.content.decode()
    position.refresh_from_db()
    assert position.title == "Their title"


def test_text_of_another_topic_or_a_bad_key_is_not_found(editor_client, debate):
    elsewhere = ClaimFactory()
    assert editor_client.get(text_url(debate, f"claim-{elsewhere.pk}")).status_code == 404
    assert editor_client.get(text_url(debate, "stakeholder-1")).status_code == 404
