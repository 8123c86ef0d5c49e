"""The stakeholder page's "Through <stakeholder>'s lens" section: what its lens changes in
each map it holds a stance in. The public reads what was stored at publish (nothing is
evaluated per request); editors read the live map, computed once per version."""

from unittest import mock

import orjson
import pytest
from django.core.cache import cache
from django.urls import reverse

from argmap import lenses
from argmap.analysis import stakeholder_lens
from argmap.models import Claim, Stakeholder, Stance, TopicStatus
from argmap.publishing import publish
from argmap.synthetic import generate_map
from tests.factories import (
    EditorFactory,
    ReviewerFactory,
    divided_topic,
)

pytestmark = pytest.mark.django_db

THROUGH_INDUSTRY = (
    "“Yes: go ahead”</a>: an objection is unanswered (0.00) through this lens; contested (0.40) on the map as recorded."
)


@pytest.fixture
def divided():
    """A position, an objection to it and an answer to the objection (the position stands);
    the industry holds the objection and opposes the position, the ministry holds the answer
    and supports it. A draft, for the tests to publish."""
    return divided_topic(status=TopicStatus.DRAFT, title="Go ahead?")


def stakeholder_page(client, slug: str) -> str:
    response = client.get(reverse("argmap:stakeholder-detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_stakeholder_page_says_what_its_lens_changes(client, divided):
    publish(divided, user=ReviewerFactory())

    content = stakeholder_page(client, "industry")

    assert "Through The industry’s lens" in content
    # Each claim is unsourced and held by one stakeholder: base 0.28 (evidence.py). As
    # recorded, the answer lowers the objection to 0.2016 and the position stands at 0.40;
    # through the industry's lens the objection is beyond dispute and the position falls to 0.
    assert "The industry holds 1 claim of this map (beyond dispute through its lens) and opposes 0" in content
    assert THROUGH_INDUSTRY in content
    assert "rejected" not in content.split("Through The industry’s lens")[1].split("<h2")[0]
    assert (
        "Of those on the other side of a position, The industry agrees least with The ministry: they take"
        " opposite sides on “Yes: go ahead”. If The ministry accepted this claim, their lenses would agree:"
    ) in content
    assert '?lens=industry">See “Go ahead?” through The industry’s lens</a>' in content


def test_the_claims_a_lens_moves_most_are_named(client, divided):
    publish(divided, user=ReviewerFactory())

    content = stakeholder_page(client, "ministry")

    # Through the ministry's lens the answer is beyond dispute: the objection falls from
    # 0.28 − 0.28 × 0.28 = 0.20 to 0, still rejected; the position rises from 0.40 to 0.50.
    assert "“Yes: go ahead”</a>: well supported (0.50) through this lens; contested (0.40) on the map as recorded." in (
        content
    )
    assert "No claim The ministry neither holds nor opposes changes its verdict through this lens" in content
    assert "“It would cost too much.”</a>: an objection is unanswered (0.00) through this lens;" in content
    assert "an objection is unanswered (0.20) as recorded." in content


def test_a_link_from_the_section_opens_the_topic_page_through_the_lens(client, divided):
    publish(divided, user=ReviewerFactory())
    url = divided.get_absolute_url() + "?lens=industry"
    assert f'href="{url}"' in stakeholder_page(client, "industry")
    assert "Seen through The industry’s lens." in client.get(url).content.decode()


def test_a_publication_stores_a_lens_summary_for_each_stakeholder_with_a_stance(divided):
    publication = publish(divided, user=ReviewerFactory())
    stored = {row["stakeholder_id"]: row for row in orjson.loads(publication.analysis)["lenses"]}
    industry, ministry = (Stakeholder.objects.get(slug=slug).pk for slug in ("industry", "ministry"))
    assert set(stored) == {industry, ministry}
    (position,) = stored[industry]["positions"]
    assert (position["default_label"], position["label"]) == ("accepted", "rejected")
    assert stored[industry]["bridge"]["accepted_by"] == ministry


def test_the_public_page_reads_the_lens_stored_at_publish_and_evaluates_nothing(client, divided):
    publish(divided, user=ReviewerFactory())
    # An edit after publication: the public still reads the publication.
    Stance.objects.filter(claim__text="It would cost too much.").delete()
    with (
        mock.patch("argmap.lenses.evaluate_lens", side_effect=AssertionError("evaluated per request")),
        mock.patch("argmap.graph.ArgumentGraph.evaluate", side_effect=AssertionError("evaluated per request")),
    ):
        content = stakeholder_page(client, "industry")
    assert THROUGH_INDUSTRY in content


def test_a_stakeholder_without_a_stored_lens_is_told_so(client, divided, monkeypatch):
    monkeypatch.setattr(lenses, "MAX_LENSES", 1)  # the industry and the ministry hold as many stances: by id
    publish(divided, user=ReviewerFactory())

    assert THROUGH_INDUSTRY in stakeholder_page(client, "industry")
    content = stakeholder_page(client, "ministry")
    assert "What its lens changes is worked out once per version of a map" in content
    assert "not for The ministry in this one." in content
    assert '?lens=ministry">See “Go ahead?” through The ministry’s lens</a>' in content


@pytest.mark.parametrize("claims", [20, 200])
def test_the_published_stakeholder_page_with_its_lens_costs_four_queries_at_any_size(
    client, django_assert_num_queries, claims
):
    cache.clear()
    topic = generate_map(claims=claims, seed=7).topic
    publish(topic, user=ReviewerFactory())
    holder = (
        Stance.objects.filter(topic=topic, claim__isnull=False, stance__in=("supports", "conditional", "opposes"))
        .order_by("pk")
        .values_list("stakeholder__slug", flat=True)
        .first()
    )
    url = reverse("argmap:stakeholder-detail", args=[holder])
    # the stakeholder and its parent; its rows, its lens summaries with them; the rows they
    # name (stakeholder_page); its parts
    with django_assert_num_queries(4):
        response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "’s lens</h2>" in content
    assert "of this map (beyond dispute through its lens) and opposes" in content


@pytest.fixture
def editor(client):
    client.force_login(EditorFactory(username="editor"))
    return client


def test_an_editor_reads_the_live_lens_computed_once_per_version(editor, divided, django_assert_num_queries):
    divided.publish()
    divided.save()
    url = reverse("argmap:stakeholder-detail", args=["industry"])
    # the stakeholder and its parent; the session, the user and their permissions;
    # loading.load_stakeholder; the topics of its stances; the map of each not in the cache (one here)
    with django_assert_num_queries(7):
        assert THROUGH_INDUSTRY in editor.get(url).content.decode()
    with django_assert_num_queries(6):  # the lenses of this version come from the cache
        editor.get(url)
    with django_assert_num_queries(6):  # the ministry's page: computed with the industry's
        assert (
            "through The ministry’s lens"
            in editor.get(reverse("argmap:stakeholder-detail", args=["ministry"])).content.decode()
        )
    # A new version of the map: computed anew, and the editor sees the change at once.
    Stance.objects.filter(claim__text="It would cost too much.").delete()
    Claim.objects.get(text="It would cost too much.").save()
    with django_assert_num_queries(7):
        content = editor.get(url).content.decode()
    assert "The industry holds and opposes no claim of this map: its lens sees the map as recorded." in content
    assert "Every position stands as on the map as recorded." in content


def test_the_public_sees_no_lens_of_a_map_published_before_publications_existed(client, divided):
    """Such a map is read live until its first publication, which stores the lenses."""
    divided.publish()
    divided.save()
    content = stakeholder_page(client, "industry")
    assert "The industry holds this" not in content
    assert "’s lens</h2>" not in content
    publish(divided, user=ReviewerFactory())
    assert THROUGH_INDUSTRY in stakeholder_page(client, "industry")


def test_the_lens_section_words_facts_and_other_positions_plainly():
    """stakeholder_lens puts a stored summary into the public's words: a fact is a "disputed
    fact", never "rejected"; the positions the lens leaves alone are counted."""

    def change(node_id, label, strength, default_label, default_strength, check=None, default_check=None):
        return {
            "id": node_id,
            "label": label,
            "strength": strength,
            "check": check,
            "default_label": default_label,
            "default_strength": default_strength,
            "default_check": default_check,
        }

    summary = {
        "stakeholder_id": 1, "held": 0, "opposed": 1, "claims_relabelled": 1, "bridge": None,
        "positions": [change(5, "accepted", 0.7, "accepted", 0.6), change(6, "rejected", 0.2, "rejected", 0.2)],
        "claims": [change(9, "accepted", 0.6, "rejected", 0.3, "unchecked", "disputed")],
    }  # fmt: skip
    entry = {
        "summary": summary, "topic_slug": "t", "topic_title": "T", "positions": {5: "Yes", 6: "No"},
        "claims": {9: "The CMA cleared the investment."}, "stakeholders": {},
    }  # fmt: skip

    section = stakeholder_lens("The regulator", entry)

    assert (
        section.holds
        == "The regulator holds 0 claims of this map (beyond dispute through its lens) and opposes 1 (left out of it)."
    )
    assert [(line.text, line.through, line.recorded) for line in section.positions] == [
        ("Yes", "well supported (0.70)", "well supported (0.60)")
    ]
    assert section.unchanged == "The other position stands as recorded."
    assert section.claims_said.startswith(
        "Of the claims The regulator neither holds nor opposes, 1 changes its verdict"
    )
    ((text, through, recorded),) = [(line.text, line.through, line.recorded) for line in section.claims]
    assert (through, recorded) == ("well supported (0.60)", "disputed fact (0.30)")
    assert "rejected" not in f"{section}"
