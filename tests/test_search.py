"""Search that scales (argmap/search.py, migration 0012): a stored, indexed document per
searched table (a generated tsvector on PostgreSQL, FTS5 on SQLite), ranking over a
bounded set of candidates, published topics only; trigram indexes for `icontains`."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from argmap import search
from argmap.models import Claim, Source, Stakeholder, Stance
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db


def claim_urls(client, words: str) -> list[str]:
    response = client.get(reverse("argmap:search"), {"q": words})
    assert response.status_code == 200
    return re.findall(r'<li class="hit hit--claim">\s*<a href="(/claims/\d+/)"', response.content.decode())


def full_text(on_postgresql: bool) -> bool:
    return on_postgresql or search.sqlite_has_fts5()


def test_the_claim_that_says_it_most_ranks_first_and_word_forms_match(client, on_postgresql):
    if not full_text(on_postgresql):
        pytest.skip("this SQLite has no FTS5: search matches the words as typed, unranked")
    topic = TopicFactory()
    once = ClaimFactory(topic=topic, text="Creators' livelihoods are at stake, and other things are too.")
    often = ClaimFactory(topic=topic, text="Creator creator creator: livelihoods of creators matter.")
    assert claim_urls(client, "creator") == [often.get_absolute_url(), once.get_absolute_url()]


def test_search_finds_published_topics_claims_only(client):
    published = ClaimFactory(topic=TopicFactory(), text="Quokkas thrive on the island.")
    ClaimFactory(topic=TopicFactory(status="draft"), text="Quokkas in a draft are secret.")
    assert claim_urls(client, "quokkas") == [published.get_absolute_url()]


def test_a_common_word_ranks_only_a_bounded_set_of_candidates(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(search, "CANDIDATES", 4)
    topic = TopicFactory()
    ClaimFactory.create_batch(10, topic=topic, text="Common words are everywhere in common claims.")
    with django_assert_num_queries(1):  # one UNION ALL of topics, claims, stakeholders, sources
        found = claim_urls(client, "common")
    assert len(found) == 4


def test_the_search_index_follows_edits_and_deletions(client):
    claim = ClaimFactory(topic=TopicFactory(), text="Wombats dig burrows.")
    assert claim_urls(client, "wombats") == [claim.get_absolute_url()]
    claim.text = "Platypuses lay eggs."
    claim.save()
    assert claim_urls(client, "wombats") == []
    assert claim_urls(client, "platypuses") == [claim.get_absolute_url()]
    claim.delete()
    assert claim_urls(client, "platypuses") == []


def test_a_query_of_operators_and_quotes_is_searched_as_words(client):
    ClaimFactory(topic=TopicFactory(), text='Say "NEAR" or AND not.')
    for words in ['"', 'NEAR(" AND', "* OR -", "a:b", "^x"]:
        response = client.get(reverse("argmap:search"), {"q": words})
        assert response.status_code == 200, words


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
