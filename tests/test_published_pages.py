"""A publication's map stored as rows (published_map.py): the public pages read only the
slice they show, so their queries and bytes stay the same whatever the size of the map."""

import importlib
import re

import orjson
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from argmap.analysis import BECAUSE_LISTED, WHY_LISTED
from argmap.models import Link, Polarity, Publication, PublishedRow
from argmap.published_map import LEVELS, map_rows, path_to, write_rows
from argmap.publishing import publish, published_document, published_map
from argmap.synthetic import generate_map
from argmap.tree import build_tree
from tests.factories import ClaimFactory, LinkFactory, PositionFactory, ReviewerFactory, published_synthetic

pytestmark = pytest.mark.django_db

PAGE_BYTES = 1_000_000  # issue 17: a topic page is at most 1 MB, whatever the size of the map


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


published = published_synthetic


def first_level(publication: Publication) -> int:
    return PublishedRow.objects.filter(publication=publication, part="links", key__lt=0).count()


@pytest.mark.slow  # a 3,000-claim map
def test_the_topic_page_reads_the_same_queries_and_bounded_bytes_at_two_sizes(
    client, django_assert_num_queries, reviewer, settings
):
    settings.TOPIC_FIRST_LEVEL = 3
    settings.TOPIC_TREE_BUDGET = 0  # the first level only: opening branches is the next test's
    small, small_publication = published(300, reviewer)
    large, large_publication = published(3000, reviewer, seed=4)
    assert first_level(large_publication) > 4 * first_level(small_publication)
    for topic in (small, large):
        # the topic with its latest publication's id; the publication with its page plan;
        # the rows the plan lists (the topic's frame, the claims shown and their links,
        # citations and stances, the sources and the claims their whys name)
        with django_assert_num_queries(3):
            response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert len(response.content) < PAGE_BYTES  # what grows is the stakeholders' sections (200 at most)
        # at most 3 claims under each of at most 5 positions, and 3 at the top
        assert response.content.count(b'class="argument ') <= 3 * 5 + 3


@pytest.mark.slow  # a 3,000-claim map
def test_the_topic_page_opens_branches_within_its_budget_at_two_sizes(client, django_assert_num_queries, reviewer):
    for claims, seed in ((300, 3), (3000, 4)):
        topic, _publication = published(claims, reviewer, seed=seed)
        # as above: the levels opened below the first are in the plan, read in the same query
        with django_assert_num_queries(3):
            response = client.get(topic.get_absolute_url())
        assert len(response.content) < PAGE_BYTES
        assert (
            response.content.count(b'class="argument ')
            <= django_settings.TOPIC_TREE_BUDGET + 5 * django_settings.TOPIC_FIRST_LEVEL
        )


@pytest.mark.slow  # a 3,000-claim map
def test_the_first_level_is_ranked_by_strength_and_shows_more_by_a_plain_link(client, reviewer, settings):
    settings.TOPIC_FIRST_LEVEL = settings.TOPIC_MORE = 5
    topic, publication = published(3000, reviewer, seed=4)
    html = client.get(topic.get_absolute_url()).content.decode()
    position = publication.rows.filter(part="positions").order_by("rank").first()
    ranked = list(
        publication.rows.filter(part="links", key=-position.object_id).order_by("rank").values_list("claim", flat=True)
    )
    strengths = dict(publication.rows.filter(part="claims").values_list("object_id", "strength"))
    assert [strengths[c] for c in ranked] == sorted((strengths[c] for c in ranked), reverse=True)
    shown = ranked[: settings.TOPIC_FIRST_LEVEL]
    assert f'id="claim-{shown[0]}"' in html
    assert f'id="claim-{ranked[settings.TOPIC_FIRST_LEVEL]}"' not in html
    more = reverse("argmap:topic-more", args=[topic.slug, position.object_id, settings.TOPIC_FIRST_LEVEL])
    assert f'href="{more}"' in html

    fragment = client.get(more)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    following = ranked[settings.TOPIC_FIRST_LEVEL : 2 * settings.TOPIC_FIRST_LEVEL]
    for claim_id in following:
        assert f'id="claim-{claim_id}"' in text or f'href="#claim-{claim_id}"' in text
    positions = [m.start() for claim_id in following for m in re.finditer(f'id="claim-{claim_id}"', text)]
    assert positions == sorted(positions)
    if len(ranked) > 2 * settings.TOPIC_FIRST_LEVEL:
        next_url = reverse("argmap:topic-more", args=[topic.slug, position.object_id, 2 * settings.TOPIC_FIRST_LEVEL])
        assert f'href="{next_url}"' in text
    beyond = reverse("argmap:topic-more", args=[topic.slug, position.object_id, len(ranked) + 10])
    assert client.get(beyond).status_code == 404


@pytest.mark.slow  # a 3,000-claim map
def test_a_branch_fragment_is_bounded_and_the_path_is_one_query(client, django_assert_max_num_queries, reviewer):
    topic, publication = published(3000, reviewer, seed=4)
    tree = build_tree(published_map(Publication.objects.get(pk=publication.pk)))
    busiest = max(tree.parents, key=lambda c: tree.descendants.get(c, 0))
    url = reverse("argmap:topic-branch", args=[topic.slug, busiest])
    # the topic; the branch's rows (published_map._branch_rows); the sources and named claims
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < PAGE_BYTES
    assert response.content.count(b'class="argument ') <= django_settings.TOPIC_TREE_BUDGET + 50
    deepest = max(tree.depths, key=tree.depths.get)
    assert path_to(publication.pk, deepest) == tree.path_to(deepest)
    assert client.get(reverse("argmap:topic-path", args=[topic.slug, deepest])).json() == {
        "path": tree.path_to(deepest)
    }
    assert client.get(reverse("argmap:topic-branch", args=[topic.slug, 987654321])).status_code == 404


def branch_shows(tree, claim_id: int, budget: int) -> set[int]:
    """The claims a branch fragment shows, worked out on the whole tree: its arguments, then
    breadth-first while the claims shown stay within `budget` (a claim shows all its
    arguments or none; the first overflow stops), at most LEVELS levels below them."""
    roots = tree.node(claim_id).arguments
    shown, opened = len(roots), set()
    level = [node for node in roots if not node.is_reference]
    for _ in range(LEVELS):
        opening, full = [], False
        for node in level:
            if node.arguments and shown + len(node.arguments) > budget:
                full = True
                break
            if node.arguments:
                shown += len(node.arguments)
                opening.append(node)
        opened.update(node.claim_id for node in opening)
        level = [child for node in opening for child in node.placed_arguments]
        if full or not level:
            break
    return {node.claim_id for node in tree.shown_claims(roots, opened)}


@pytest.mark.parametrize(("claims", "seed"), [(300, 3), pytest.param(3000, 4, marks=pytest.mark.slow)])
def test_a_branch_fragment_is_three_queries_and_shows_the_budget_s_claims_at_two_sizes(
    client, django_assert_num_queries, reviewer, claims, seed
):
    topic, publication = published(claims, reviewer, seed=seed)
    tree = build_tree(published_map(Publication.objects.get(pk=publication.pk)))
    with_arguments = sorted(c for c in tree.parents if tree.node(c).arguments)
    busiest = sorted(with_arguments, key=lambda c: -tree.descendants.get(c, 0))[:10]
    assert tree.descendants[busiest[0]] > django_settings.TOPIC_BRANCH_BUDGET  # the budget cuts it
    for claim_id in [*busiest, *with_arguments[:: max(1, len(with_arguments) // 10)]]:
        cache.clear()
        # the topic (with its latest publication's id); the branch's rows, read within the
        # budget by one recursive query; the sources and the claims its links and whys name
        with django_assert_num_queries(3):
            response = client.get(reverse("argmap:topic-branch", args=[topic.slug, claim_id]))
        assert response.status_code == 200
        assert len(response.content) < PAGE_BYTES
        shown = {int(found) for found in re.findall(rb'id="claim-(\d+)"', response.content)}
        assert shown == branch_shows(tree, claim_id, django_settings.TOPIC_BRANCH_BUDGET), claim_id
    cache.clear()
    version = reverse("argmap:topic-version-branch", args=[topic.slug, publication.number, busiest[0]])
    with django_assert_num_queries(3):  # the topic with that version's id; as above
        fragment = client.get(version).content
    assert fragment == client.get(reverse("argmap:topic-branch", args=[topic.slug, busiest[0]])).content
    for number in (publication.number + 1, 2**70):
        assert (
            client.get(reverse("argmap:topic-version-branch", args=[topic.slug, number, busiest[0]])).status_code == 404
        )


def test_a_publication_round_trips_to_its_document_and_its_rows_never_change(reviewer):
    topic, publication = published(300, reviewer)
    document = published_document(Publication.objects.get(pk=publication.pk))
    rows = PublishedRow.objects.filter(publication=publication)
    for part in ("positions", "claims", "links", "stances", "sources", "citations", "stakeholders", "salience"):
        stored = sorted((orjson.loads(d) for d in rows.filter(part=part).values_list("data", flat=True)), key=str)
        assert stored == sorted(document[part], key=str), part
    assert orjson.loads(rows.get(part="topic").data) == document["topic"]
    row = rows.filter(part="claims").first()
    with pytest.raises(Exception, match="never changes"):
        row.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.filter(pk=row.pk).update(data="{}")


def test_the_migration_lays_out_a_publication_made_before_it(reviewer):
    topic, publication = published(300, reviewer)
    expected = sorted(
        PublishedRow.objects.filter(publication=publication).values_list("part", "object_id", "key", "rank")
    )
    PublishedRow.objects.filter(publication=publication).delete()  # as before the migration
    migration = importlib.import_module("argmap.migrations.0015_published_rows")
    migration.store_existing_publications(apps, None)
    assert (
        sorted(PublishedRow.objects.filter(publication=publication).values_list("part", "object_id", "key", "rank"))
        == expected
    )


def test_writing_rows_takes_bulk_statements(django_assert_max_num_queries, reviewer):
    topic, publication = published(300, reviewer)
    document = published_document(Publication.objects.get(pk=publication.pk))
    analysis = orjson.loads(Publication.objects.get(pk=publication.pk).analysis)
    PublishedRow.objects.filter(publication=publication).delete()
    rows = list(map_rows(publication.pk, document, {**analysis, "bytes": 1}))
    # PostgreSQL: one COPY, then ANALYZE; SQLite: an INSERT per batch of 2,000
    with django_assert_max_num_queries(max(2, 1 + len(rows) // 2000)):
        assert write_rows(rows) == len(rows)


def test_robustness_is_stored_with_the_publication_and_served_as_the_live_map_s(client, reviewer):
    topic = generate_map(claims=300, seed=5).topic
    Link.objects.filter(topic=topic, pk__in=Link.objects.filter(topic=topic).values("pk")[:40]).update(basis="inferred")
    publication = publish(topic, user=reviewer)
    cache.clear()
    url = reverse("api:topic-evaluation", args=[topic.slug])
    published = APIClient().get(url).json()  # anonymous: the publication
    editor = APIClient()
    editor.force_authenticate(reviewer)
    live = editor.get(url).json()  # a reviewer: the live map, whose robustness is computed
    assert live["version"] == topic.__class__.objects.get(pk=topic.pk).version
    assert published["robustness"] is not None
    assert published["robustness"] == live["robustness"]
    assert [p["robustness"] for p in published["positions"]] == [p["robustness"] for p in live["positions"]]
    fragile = {row["id"] for row in published["robustness"]["fragile_claims"]}
    stored = {
        row.object_id
        for row in publication.rows.filter(part="claims")
        if orjson.loads(row.assessment or "{}").get("flip")
    }
    assert stored == fragile


def test_a_row_keeps_the_listed_part_of_a_why_and_the_page_counts_the_rest_as_the_whole_why_does(client, reviewer):
    # A position of a million-claim map has thousands of contributions (330 KB of JSON):
    # its row keeps the WHY_LISTED a page lists, the BECAUSE_LISTED it names, and the counts.
    position = PositionFactory()
    for polarity, claims in ((Polarity.OPPOSES, 14), (Polarity.SUPPORTS, 3)):
        for _ in range(claims):
            LinkFactory(claim=ClaimFactory(topic=position.topic), target_position=position, polarity=polarity)
    publication = publish(position.topic, user=reviewer)
    row = PublishedRow.objects.get(publication=publication, part="positions", object_id=position.pk)
    listed = orjson.loads(row.assessment)["why"]
    whole = orjson.loads(Publication.objects.get(pk=publication.pk).analysis)["evaluation"]["positions"]
    whole = whole[str(position.pk)]["why"]
    assert listed["contributions"] == whole["contributions"][:WHY_LISTED]
    assert listed["because"] == whole["because"][:BECAUSE_LISTED]
    assert len(whole["contributions"]) == 17
    assert listed["counts"] == [3, 14, 14]
    cache.clear()
    html = client.get(position.topic.get_absolute_url()).content.decode()
    assert "Its 3 supporters together count" in html
    assert "its 14 opponents together count" in html
    assert f'<li class="note">and {17 - WHY_LISTED} more, each moving it less</li>' in html
    assert f'<li class="note">and {14 - BECAUSE_LISTED} more</li>' in html
    assert "Rejected: these claims against it stand unanswered" in html


def test_a_map_without_positions_is_laid_out_with_its_claims_at_the_top(client, reviewer):
    topic = ClaimFactory().topic
    LinkFactory(claim=ClaimFactory(topic=topic), target_position=None, target_claim=topic.claims.first())
    publication = publish(topic, user=reviewer)
    claims = publication.rows.filter(part="claims").order_by("id")
    assert [row.key for row in claims] == [0, topic.claims.first().pk]  # the top claim, then what argues about it
    assert client.get(topic.get_absolute_url()).status_code == 200
