"""generate_map: deterministic, shaped like a real debate, and obeying every rule."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from argmap.graph import support_path_exists
from argmap.models import Claim, Link, Stance, Topic
from argmap.synthetic import generate_map

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # full_clean() on every row of a 300-claim map
def test_generated_map_obeys_every_rule():
    result = generate_map(claims=300, seed=7)
    topic = result.topic
    for model in [Claim, Link, Stance]:
        for obj in model.objects.all():
            obj.full_clean()
    for relation in [topic.positions, topic.saliences]:
        for obj in relation.all():
            obj.full_clean()
    edges = list(
        Link.objects.filter(polarity="supports").exclude(target_claim=None).values_list("claim_id", "target_claim_id")
    )
    assert not any(support_path_exists(edges, start=target, goal=claim) for claim, target in edges)


@pytest.mark.slow  # a 2,000-claim map
def test_generated_map_is_deep_and_branching():
    generate_map(claims=2000, seed=1)
    parent = dict(Link.objects.exclude(target_claim=None).order_by("-id").values_list("claim_id", "target_claim_id"))

    def depth(claim_id):
        seen = 0
        while claim_id in parent and seen < 100:
            claim_id, seen = parent[claim_id], seen + 1
        return seen

    depths = [depth(c) for c in Claim.objects.values_list("pk", flat=True)]
    assert max(depths) >= 8
    children = Counter(Link.objects.values_list("target_claim_id", flat=True).exclude(target_claim=None))
    assert max(children.values()) >= 5
    assert Link.objects.count() > Claim.objects.count(), "some claims are used in two places"
    assert Link.objects.filter(polarity="opposes").count() > 0.2 * Link.objects.count()


def test_same_seed_gives_the_same_map():
    a = generate_map(claims=100, seed=3, slug="a")
    b = generate_map(claims=100, seed=3, slug="b")
    c = generate_map(claims=100, seed=4, slug="c")

    def texts(topic):
        return list(Claim.objects.filter(topic=topic).order_by("pk").values_list("text", flat=True))

    assert texts(a.topic) == texts(b.topic)
    assert texts(a.topic) != texts(c.topic)


def test_generated_objects_have_history():
    result = generate_map(claims=50, seed=1)
    assert Claim.history.filter(topic_id=result.topic.pk).count() == 50


def test_command_reports_what_it_made(capsys):
    call_command("generate_map", claims=120, seed=5, publish=True)
    output = capsys.readouterr().out
    assert "Generated “synthetic-120-5”: 120 claims" in output
    assert Topic.objects.get(slug="synthetic-120-5").status == "published"


def test_command_refuses_an_existing_slug():
    call_command("generate_map", claims=10, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_map", claims=10, seed=1)


def test_command_refuses_zero_claims():
    with pytest.raises(CommandError, match="at least one claim"):
        call_command("generate_map", claims=0, seed=1)
