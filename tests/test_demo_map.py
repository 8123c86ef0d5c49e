"""The demo map (fixtures/, drawn from the report in fixtures/sources/) loads into SQLite
and PostgreSQL, idempotently, and every object in it obeys the rules."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max

from argmap.graph import support_path_exists
from argmap.management.commands.load_demo import DEMO_TOPICS
from argmap.models import (
    Claim,
    Link,
    Publication,
    PublicationDocument,
    PublicRecord,
    PublishedRow,
    Relationship,
    ReviewStep,
    Stakeholder,
    Stance,
    Topic,
)
from argmap.publishing import publish
from tests.factories import ReviewerFactory

# What publishing the demo writes (publishing.publish), beside the map it loads.
PUBLISHED = {Publication, PublishedRow, PublicRecord, PublicationDocument, ReviewStep}

pytestmark = pytest.mark.django_db

EXPECTED_STAKEHOLDERS = {
    "uk-government",
    "uk-ai-security-institute",
    "openai",
    "microsoft",
    "google-cloud",
    "softbank",
    "deepmind",
    "creative-industries",
    "analysts",
    "competition-and-markets-authority",
}


@pytest.fixture
def demo(demo_map, db):
    """The demo map, loaded once for the module (conftest.demo_map); each test reads and
    changes it in a savepoint of its own."""


def snapshot():
    return {
        model._meta.model_name: sorted(model.objects.values_list("pk", "updated_at"))
        for model in apps.get_app_config("argmap").get_models()
        if not model._meta.model_name.startswith("historical")
        and any(field.name == "updated_at" for field in model._meta.fields)  # not publications, replies
    }


def test_demo_map_has_the_three_topics_published(demo):
    topics = dict(Topic.objects.values_list("slug", "status"))
    assert topics == {
        "uk-openai-partnership": "published",
        "ai-copyright-easing": "published",
        "microsoft-openai-control": "published",
    }


def test_demo_map_names_every_stakeholder_of_the_report(demo):
    assert set(Stakeholder.objects.values_list("slug", flat=True)) >= EXPECTED_STAKEHOLDERS
    institute = Stakeholder.objects.get(slug="uk-ai-security-institute")
    assert institute.parent.slug == "uk-government"


def test_every_demo_object_passes_full_clean(demo):
    checked = 0
    for model in apps.get_app_config("argmap").get_models():
        if model._meta.model_name.startswith("historical") or model in PUBLISHED:
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 100


def test_every_demo_claim_is_cited_with_a_quote_from_the_report(demo):
    text = (settings.BASE_DIR / "fixtures" / "sources" / "uk-openai-partnership-2025.txt").read_text("utf-8")
    for claim in Claim.objects.prefetch_related("citations"):
        assert claim.citations.all(), claim
        for citation in claim.citations.all():
            assert citation.quote in text, citation.quote


def test_demo_stances_never_claim_more_than_the_text(demo):
    # The report quotes no one directly: a "stated" stance would put words in mouths.
    assert not Stance.objects.filter(basis="stated").exists()
    assert Stance.objects.filter(basis="paraphrased").exclude(source=None).exists()
    for stance in Stance.objects.filter(basis="inferred"):
        assert stance.note, "an inferred stance explains the editor's reasoning"


def test_demo_relationships_include_the_reported_ones(demo):
    ties = {
        (r.from_stakeholder.slug, r.kind, r.to_stakeholder.slug)
        for r in Relationship.objects.select_related("from_stakeholder", "to_stakeholder")
    }
    assert ("microsoft", "invests_in", "openai") in ties
    assert ("softbank", "partners_with", "openai") in ties
    assert ("google-cloud", "supplies", "openai") in ties
    assert any(kind == "regulates" and source == "competition-and-markets-authority" for source, kind, _ in ties)


def test_demo_map_has_no_support_cycle_and_some_depth(demo):
    edges = list(
        Link.objects.filter(polarity="supports").exclude(target_claim=None).values_list("claim_id", "target_claim_id")
    )
    for claim_id, target_id in edges:
        assert not support_path_exists(edges, start=target_id, goal=claim_id)
    assert Link.objects.exclude(target_claim=None).exists(), "claims argue about claims, not only positions"


def test_load_demo_twice_changes_nothing(demo):
    before = snapshot()
    versions = dict(Topic.objects.values_list("slug", "version"))
    history = sum(
        model.history.count() for model in apps.get_app_config("argmap").get_models() if hasattr(model, "history")
    )
    call_command("load_demo", verbosity=0)
    assert snapshot() == before
    assert dict(Topic.objects.values_list("slug", "version")) == versions
    assert history == sum(
        model.history.count() for model in apps.get_app_config("argmap").get_models() if hasattr(model, "history")
    )


def test_loading_the_demo_records_history_for_every_object(demo):
    for model in apps.get_app_config("argmap").get_models():
        if hasattr(model, "history"):
            # (a topic's publication is a step of its history too)
            assert model.history.values("id").distinct().count() == model.objects.count(), model


def test_loading_the_demo_publishes_each_topic_once(demo, client):
    for slug in DEMO_TOPICS:
        topic = Topic.objects.get(slug=slug)
        assert list(topic.publications.values_list("number", flat=True)) == [1]
        assert PublicRecord.objects.filter(topic=topic, part="claim").count() == topic.claims.count()
        assert topic.publications.get().page_plan is not None
        assert client.get(f"/topics/{slug}/v/1/").status_code == 200
        response = client.get(f"/api/v1/topics/{slug}/publications/1/map/")
        assert response.status_code == 200
        assert len(response.json()["claims"]) == topic.claims.count()
    call_command("load_demo", verbosity=0)
    call_command("load_demo", force=True, verbosity=0)
    assert Publication.objects.count() == len(DEMO_TOPICS)  # nothing changed: nothing more published


def test_a_forced_reload_publishes_the_topics_it_changed(demo):
    claim = Claim.objects.filter(topic__slug="ai-copyright-easing").order_by("pk").first()
    claim.text = "an editor's change"
    claim.save()
    publish(claim.topic, user=ReviewerFactory())  # v2 holds the change
    call_command("load_demo", force=True, verbosity=0)  # the fixture's text again
    numbers = dict(Topic.objects.values_list("slug").annotate(latest=Max("publications__number")))
    assert numbers == {"uk-openai-partnership": 1, "ai-copyright-easing": 3, "microsoft-openai-control": 1}


def test_forced_reload_restores_an_edited_object_without_duplicates(demo):
    claims = Claim.objects.count()
    claim = Claim.objects.first()
    original = claim.text
    claim.text = "an editor's change"
    claim.save()
    call_command("load_demo", force=True, verbosity=0)
    claim.refresh_from_db()
    assert claim.text == original
    assert Claim.objects.count() == claims


# Each stance, link and relationship held to its basis: what the report states, and what an editor inferred.
INFERRED_LINKS = {
    ("OpenAI has committed to sharing technical insights", "supports", "The collaboration aims to deepen"),
    ("Such partnerships risk entrenching", "supports", "Only with safeguards"),
    ("Eased copyright rules could undermine the rights", "supports", "Easing copyright regulations to benefit"),
    ("Eased copyright rules could undermine the livelihoods", "supports", "Easing copyright regulations to benefit"),
    ("The CMA’s scrutiny of AI investments", "supports", "The CMA cleared"),
    ("This diversification reduces", "supports", "No: it is not a controlling merger"),
    ("Microsoft has significant influence", "supports", "Yes: Microsoft’s significant influence"),
    ("OpenAI is notably backed by Microsoft", "supports", "Microsoft has significant influence"),
    ("Microsoft’s $13 billion investment in OpenAI is substantial", "supports", "Microsoft has significant influence"),
    ("OpenAI’s infrastructure diversification reflects", "supports", "This diversification reduces"),
    ("OpenAI’s infrastructure diversification supports its scaling", "supports", "OpenAI is broadening"),
    ("The UK–OpenAI partnership encapsulates", "supports", "Only with safeguards"),
}
INFERRED_STANCES = {
    ("uk-government", "The partnership reflects the UK’s desire"),
    ("competition-and-markets-authority", "OpenAI’s diversification efforts"),
    ("openai", "Yes: deepen it"),
    ("analysts", "Only with safeguards"),
}
INFERRED_TIES = {
    ("competition-and-markets-authority", "regulates", "openai"),
    ("openai", "advises", "uk-ai-security-institute"),
    ("uk-ai-security-institute", "part_of", "uk-government"),
}


def _starts(text, prefixes):
    return next((p for p in prefixes if text.startswith(p)), None)


def test_every_demo_link_stance_and_relationship_has_its_basis(demo):
    links = {
        (link.claim.text, link.polarity, str(link.target), link.basis)
        for link in Link.objects.select_related("claim", "target_claim", "target_position")
    }
    inferred = set()
    for claim, polarity, target, basis in links:
        key = next(
            (k for k in INFERRED_LINKS if claim.startswith(k[0]) and polarity == k[1] and target.startswith(k[2])), None
        )
        assert basis == ("inferred" if key else "stated"), (claim, polarity, target)
        inferred.add(key)
    assert inferred - {None} == INFERRED_LINKS
    for stance in Stance.objects.select_related("stakeholder", "position", "claim"):
        inferred_stance = any(
            stance.stakeholder.slug == slug and str(stance.subject).startswith(start)
            for slug, start in INFERRED_STANCES
        )
        assert stance.basis == ("inferred" if inferred_stance else "paraphrased"), stance
    for tie in Relationship.objects.select_related("from_stakeholder", "to_stakeholder"):
        key = (tie.from_stakeholder.slug, tie.kind, tie.to_stakeholder.slug)
        assert tie.basis == ("inferred" if key in INFERRED_TIES else "stated"), key


def test_no_demo_claim_opposes_the_reported_fact_of_the_cma_decision(demo):
    cleared = Claim.objects.get(text__startswith="The CMA cleared")
    assert cleared.kind == "fact"
    assert not Link.objects.filter(target_claim=cleared, polarity="opposes").exists()


def test_every_demo_fact_is_marked_and_the_missing_parts_of_the_report_are_mapped(demo):
    facts = set(Claim.objects.filter(kind="fact").values_list("text", flat=True))
    for start in ["The CMA cleared", "The CMA’s decision followed", "OpenAI is broadening", "OpenAI has committed",
                  "The government has pledged", "OpenAI is notably backed"]:  # fmt: skip
        assert any(text.startswith(start) for text in facts), start
    texts = list(Claim.objects.values_list("text", flat=True))
    for words in ["multi-cloud strategies", "scaling ambitions", "promise and the challenges"]:
        assert any(words in text for text in texts), words


def test_demo_alternatives_are_never_both_accepted_and_the_cma_decision_stands(demo):
    from argmap.loading import evaluate_topic

    for topic in Topic.objects.all():
        for basis in (None, "stated"):
            evaluation = evaluate_topic(topic, basis=basis)
            if topic.alternatives:
                assert sum(a.label == "accepted" for a in evaluation.positions.values()) <= 1
    assert dict(Topic.objects.values_list("slug", "alternatives")) == {
        "uk-openai-partnership": False,
        "ai-copyright-easing": True,
        "microsoft-openai-control": True,
    }
    control = Topic.objects.get(slug="microsoft-openai-control")
    cleared = Claim.objects.get(text__startswith="The CMA cleared").pk
    for basis in (None, "stated"):
        assert evaluate_topic(control, basis=basis).claims[cleared].label != "rejected"
