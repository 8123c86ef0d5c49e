"""Search that scales (argmap/search.py, migrations 0012 and 0023): a stored, indexed
document per searched table (a generated tsvector on PostgreSQL, FTS5 on SQLite), ranking
over a bounded set of candidates; the public searches what the latest publications hold
(their records), editors the live rows of published topics; trigram indexes for
`icontains`."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from argmap import search
from argmap.models import Claim, Source, Stakeholder, Stance, TopicStatus
from argmap.publishing import publish
from tests.factories import (
    ClaimFactory,
    ReviewerFactory,
    SourceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


@pytest.fixture(params=["index", "contains"])
def matching(request, monkeypatch, on_postgresql):
    """Search by the full-text index, and on SQLite also as without FTS5 (every word
    contained in a field)."""
    if request.param == "contains":
        if on_postgresql:
            pytest.skip("PostgreSQL always searches its full-text index")
        monkeypatch.setattr(search, "sqlite_has_fts5", lambda: False)
    return request.param


def published_topic(reviewer, *texts: str, **fields):
    """A topic published with a claim of each of `texts`: read from its records."""
    topic = TopicFactory(status=TopicStatus.DRAFT, **fields)
    claims = [ClaimFactory(topic=topic, text=text) for text in texts]
    publish(topic, user=reviewer, note="Published")
    return topic, claims


def page(client, words: str) -> str:
    response = client.get(reverse("argmap:search"), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def claim_urls(client, words: str) -> list[str]:
    return re.findall(r'<li class="hit hit--claim">\s*<a href="(/claims/\d+/)"', page(client, words))


def full_text(on_postgresql: bool) -> bool:
    return on_postgresql or search.sqlite_has_fts5()


def test_the_claim_that_says_it_most_ranks_first_and_word_forms_match(client, on_postgresql, reviewer):
    if not full_text(on_postgresql):
        pytest.skip("this SQLite has no FTS5: search matches the words as typed, unranked")
    _topic, (once, often) = published_topic(
        reviewer,
        "Creators' livelihoods are at stake, and other things are too.",
        "Creator creator creator: livelihoods of creators matter.",
    )
    assert claim_urls(client, "creator") == [often.get_absolute_url(), once.get_absolute_url()]


def test_search_finds_published_topics_claims_only(client, reviewer, matching):
    _topic, (published,) = published_topic(reviewer, "Quokkas thrive on the island.")
    ClaimFactory(topic=TopicFactory(status="draft"), text="Quokkas in a draft are secret.")
    withdrawn, _claims = published_topic(reviewer, "Quokkas of a withdrawn topic.")
    withdrawn.status = TopicStatus.DRAFT
    withdrawn.save()
    assert claim_urls(client, "quokkas") == [published.get_absolute_url()]


def test_a_claim_edited_after_publication_is_found_as_published_until_the_next(client, reviewer, matching):
    topic, (rewritten, deleted) = published_topic(reviewer, "Wombats dig burrows.", "Echidnas lay eggs.")
    Claim.objects.filter(pk=rewritten.pk).update(text="Platypuses secretly lay eggs too.")
    added = ClaimFactory(topic=topic, text="Numbats eat termites.")
    deleted_url = deleted.get_absolute_url()
    deleted.delete()
    # The public reads the publication: the rewritten claim as it was, the deleted one, not the added one.
    assert claim_urls(client, "wombats") == [rewritten.get_absolute_url()]
    assert claim_urls(client, "platypuses") == []
    assert "Platypuses" not in page(client, "eggs")
    assert claim_urls(client, "echidnas") == [deleted_url]
    assert claim_urls(client, "numbats") == []
    assert "Numbats" not in page(client, "termites")
    topic.refresh_from_db()
    publish(topic, user=reviewer, note="Second version")
    assert claim_urls(client, "wombats") == []
    assert claim_urls(client, "platypuses") == [rewritten.get_absolute_url()]
    assert claim_urls(client, "echidnas") == []
    assert claim_urls(client, "numbats") == [added.get_absolute_url()]


def test_a_topic_stakeholder_and_source_are_found_as_published(client, reviewer, matching):
    topic, (claim,) = published_topic(reviewer, "Bilbies burrow.", title="Bandicoots in the outback")
    stakeholder = StakeholderFactory(name="Bettong Trust", slug="bettong-trust")
    source = SourceFactory(title="Potoroo survey", publisher="Quoll Press")
    StanceFactory(topic=topic, stakeholder=stakeholder, claim=claim, position=None, source=source)
    assert "Bettong" not in page(client, "bettong")  # not in the publication yet
    topic.refresh_from_db()
    publish(topic, user=reviewer, note="Second version")
    topic.refresh_from_db()
    topic.title = "Renamed since"
    topic.save()
    Stakeholder.objects.filter(pk=stakeholder.pk).update(name="Renamed trust")
    Source.objects.filter(pk=source.pk).update(title="Renamed survey")
    assert topic.get_absolute_url() in page(client, "bandicoots")
    assert "Bandicoots in the outback" in page(client, "bilbies")  # the claim's topic, as published
    assert "Renamed" not in page(client, "bandicoots bilbies")
    found = page(client, "bettong")
    assert stakeholder.get_absolute_url() in found
    assert "Renamed" not in found
    assert source.get_absolute_url() in page(client, "potoroo")
    assert source.get_absolute_url() in page(client, "quoll")
    assert page(client, "renamed").count('class="hit ') == 0


def test_editors_search_the_live_rows_of_published_topics(editor_client, reviewer, matching):
    topic, (claim,) = published_topic(reviewer, "Wombats dig burrows.")
    Claim.objects.filter(pk=claim.pk).update(text="Platypuses lay eggs.")
    ClaimFactory(topic=TopicFactory(status="draft"), text="Platypuses in a draft.")
    assert claim_urls(editor_client, "platypuses") == [claim.get_absolute_url()]
    assert claim_urls(editor_client, "wombats") == []


def test_a_topic_published_before_records_is_searched_live_beside_the_records(client, reviewer, matching):
    """A topic published before records existed (no "topic" record, as TopicFactory makes
    one) is read live, as the API reads it, until its next publication."""
    claim = ClaimFactory(topic=TopicFactory(), text="Wombats dig burrows.")
    _topic, (recorded,) = published_topic(reviewer, "Wombats sleep all day.")
    assert sorted(claim_urls(client, "wombats")) == sorted([claim.get_absolute_url(), recorded.get_absolute_url()])
    claim.text = "Platypuses lay eggs."
    claim.save()
    assert claim_urls(client, "wombats") == [recorded.get_absolute_url()]
    assert claim_urls(client, "platypuses") == [claim.get_absolute_url()]
    claim.delete()
    assert claim_urls(client, "platypuses") == []


def test_a_common_word_ranks_only_a_bounded_set_of_candidates(client, monkeypatch, django_assert_num_queries, reviewer):
    monkeypatch.setattr(search, "CANDIDATES", 4)
    published_topic(reviewer, *["Common words are everywhere in common claims."] * 10)
    # Whether topics without records remain, then one UNION ALL of topics, claims, stakeholders, sources.
    with django_assert_num_queries(2):
        found = claim_urls(client, "common")
    assert len(found) == 4
    ClaimFactory.create_batch(10, topic=TopicFactory(), text="Common, common, common: read live.")
    with django_assert_num_queries(2):  # the same, with a part per kind read live
        found = claim_urls(client, "common")
    assert len(found) == 8


def test_the_search_page_costs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, reviewer):
    published_topic(reviewer, "Wombats dig burrows.")
    with django_assert_num_queries(2):  # whether topics without records remain, the search
        assert len(claim_urls(Client(), "wombats")) == 1
    with django_assert_num_queries(4):  # the session, the user, their permissions, the search
        assert len(claim_urls(editor_client, "wombats")) == 1


def test_bad_queries_have_a_clear_answer(client, reviewer, matching):
    published_topic(reviewer, 'Say "NEAR" or AND not <b>bold</b>.')
    for words in ['"', 'NEAR(" AND', "* OR -", "a:b", "^x", "''", "-", "OR", "!!!", "(", "\\"]:
        response = client.get(reverse("argmap:search"), {"q": words})
        assert response.status_code == 200, words
    assert client.get(reverse("argmap:search"), {"q": ""}).status_code == 200
    assert client.get(reverse("argmap:search"), {"q": "   "}).status_code == 200
    too_long = client.get(reverse("argmap:search"), {"q": "word " * 2048})
    assert too_long.status_code == 400
    assert "at most 200 characters" in too_long.content.decode()
    html = page(client, "<script>alert(1)</script> bold")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    found = page(client, "bold")
    assert "<b>bold</b>" not in found
    assert "&lt;b&gt;" in found


def test_each_searched_table_has_its_stored_document_indexed(on_postgresql):
    with connection.cursor() as cursor:
        for table in ("argmap_topic", "argmap_claim", "argmap_stakeholder", "argmap_source"):
            if on_postgresql:
                cursor.execute(
                    "SELECT is_generated FROM information_schema.columns "
                    "WHERE table_name = %s AND column_name = 'search_document'",
                    [table],
                )
                assert cursor.fetchone() == ("ALWAYS",)
                assert f"{table}_document" in connection.introspection.get_constraints(cursor, table)
            else:
                tables = connection.introspection.table_names(cursor)
                assert (f"{table}_fts" in tables) == search.sqlite_has_fts5()


def test_the_records_have_a_stored_document_indexed_per_searched_part(on_postgresql):
    with connection.cursor() as cursor:
        if not on_postgresql:
            tables = connection.introspection.table_names(cursor)
            assert ("argmap_publicrecord_fts" in tables) == search.sqlite_has_fts5()
            return
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'argmap_publicrecord' AND column_name = 'search_document'"
        )
        assert cursor.fetchone() == ("ALWAYS",)
        constraints = connection.introspection.get_constraints(cursor, "argmap_publicrecord")
        for part in ("topic", "claim", "stakeholder", "source"):
            assert f"argmap_publicrecord_{part}_document" in constraints


@pytest.mark.parametrize(
    ("model", "field"),
    [(Claim, "text"), (Source, "publisher"), (Source, "title"), (Stance, "note"), (Stakeholder, "name")],
)
def test_icontains_filters_can_use_trigram_indexes_on_postgresql(on_postgresql, model, field):
    if not on_postgresql:
        pytest.skip("pg_trgm is PostgreSQL's")
    sql, params = model.objects.filter(**{f"{field}__icontains": "water"}).values("pk").query.sql_with_params()
    # The tables are empty: leave the planner bitmap scans only, to see which index it can use.
    scans = ("seqscan", "indexscan", "indexonlyscan")
    with connection.cursor() as cursor:
        try:
            for scan in scans:
                cursor.execute(f"SET enable_{scan} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for scan in scans:
                cursor.execute(f"RESET enable_{scan}")
    assert f"{model._meta.db_table}_{field}_trgm" in plan, plan
