"""The demo map (fixtures/) loads into SQLite and PostgreSQL, idempotently, and every
object in it obeys the rules."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from argmap.graph import support_path_exists
from argmap.models import Claim, Link, Relationship, Stakeholder, Stance, Topic

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
def demo():
    call_command("load_demo", verbosity=0)


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
        if model._meta.model_name.startswith("historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 100


def test_every_demo_claim_is_cited_with_a_quote_from_the_report(demo):
    text = (settings.BASE_DIR.parent / "shared" / "seed" / "uk-openai-partnership-2025.txt").read_text("utf-8")
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
            assert model.history.count() == model.objects.count(), model


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
