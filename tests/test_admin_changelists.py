"""Admin changelists of the big tables (argmap/admin.py, EditorChangeList): newest first
by an index, a deep page in the queries of the first, with its own rows only, counts of
related rows for the page's rows, and a count that stops being exact where counting gets
dear, beyond which the pages list the first rows only (EditorPaginator)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from argmap import counting
from argmap.models import Claim
from tests.factories import CitationFactory, ClaimFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def listed_ids(html: str, model: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'href="/admin/argmap/{model}/(\d+)/change/', html)]


def test_a_deep_claims_page_lists_the_next_newest_in_the_queries_of_the_first(editor_client):
    ClaimFactory.create_batch(120, topic=TopicFactory())
    newest = list(Claim.objects.order_by("-pk").values_list("pk", flat=True))
    url = reverse("admin:argmap_claim_changelist")
    pages, queries = [], []
    for page in (1, 3):
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(url, {"p": page})
        assert response.status_code == 200
        pages.append(listed_ids(response.content.decode(), "claim"))
        queries.append(len(captured))
    assert pages == [newest[:50], newest[100:]]
    assert queries[0] == queries[1]


def test_every_page_in_a_clicked_order_lists_each_row_once_in_that_order(editor_client):
    # Ties in the clicked column are broken by the id, so no row is listed twice or lost.
    topic = TopicFactory()
    for number in range(130):
        ClaimFactory(topic=topic, text=f"claim {number % 7}")
    expected = list(Claim.objects.order_by("text", "-pk").values_list("pk", flat=True))
    url = reverse("admin:argmap_claim_changelist")
    listed = []
    for page in (1, 2, 3):
        listed += listed_ids(editor_client.get(url, {"o": "1", "p": page}).content.decode(), "claim")
    assert listed == expected


def counts_of(captured) -> list[str]:
    return [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]


@pytest.fixture
def estimated_beyond_five(monkeypatch, on_postgresql):
    """Counting stops being exact after 5 rows, with the statistics PostgreSQL estimates from."""
    monkeypatch.setattr(counting, "COUNT_EXACT_UP_TO", 5)
    ClaimFactory.create_batch(120, topic=TopicFactory(), text="a public claim")
    if on_postgresql:
        with connection.cursor() as database:
            database.execute("ANALYZE argmap_claim")


def test_a_long_list_says_about_how_many_and_counts_no_further(editor_client, estimated_beyond_five, on_postgresql):
    url = reverse("admin:argmap_claim_changelist")
    for params in ({}, {"q": "public"}):
        with CaptureQueriesContext(connection) as captured:
            html = editor_client.get(url, params).content.decode()
        assert listed_ids(html, "claim") == list(Claim.objects.order_by("-pk").values_list("pk", flat=True)[:50])
        if on_postgresql:  # counted up to 6, then the planner's estimate
            assert re.search(r"about [\d,]+ claims", html)
            assert all("LIMIT" in sql.upper() for sql in counts_of(captured))
        else:  # SQLite has no estimate: it counts them all
            assert "about" not in html
            assert "120 claims" in html


def test_an_estimated_list_pages_its_first_rows_only(editor_client, estimated_beyond_five, monkeypatch, on_postgresql):
    # Paging deeper would take the exact count the estimate spares (a search matching most
    # of a million rows: 350–680 ms); a page past the last listed shows the last listed.
    monkeypatch.setattr(counting, "COUNT_EXACT_UP_TO", 60)
    newest = list(Claim.objects.order_by("-pk").values_list("pk", flat=True))
    url = reverse("admin:argmap_claim_changelist")
    for params in ({}, {"q": "public"}):
        for page in (2, 3, 40):
            with CaptureQueriesContext(connection) as captured:
                response = editor_client.get(url, {**params, "p": page})
            assert response.status_code == 200
            html = response.content.decode()
            if on_postgresql:  # two pages of 50 reach the first 60 rows; counted up to 61 only
                assert listed_ids(html, "claim") == newest[50:100]
                assert "the pages list the first 100. Search or filter to reach the others." in html
                assert '<span class="this-page">2</span>' in html
                assert all("LIMIT" in sql.upper() for sql in counts_of(captured))
            else:  # counted exactly: every page is reached
                assert listed_ids(html, "claim") == (newest[50:100] if page == 2 else newest[100:])
                assert "120 claims" in html
                assert "the pages list" not in html


def test_an_exact_list_pages_to_its_end(editor_client, estimated_beyond_five, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_EXACT_UP_TO", 200)
    newest = list(Claim.objects.order_by("-pk").values_list("pk", flat=True))
    html = editor_client.get(reverse("admin:argmap_claim_changelist"), {"p": 9}).content.decode()
    assert listed_ids(html, "claim") == newest[100:]
    assert '<span class="this-page">3</span>' in html
    assert "120 claims" in html
    assert "about" not in html
    assert "the pages list" not in html


def test_a_page_number_below_one_shows_the_first_page(editor_client, estimated_beyond_five):
    # (Django's own changelist redirects to an error page that blames the database.)
    response = editor_client.get(reverse("admin:argmap_claim_changelist"), {"p": "-2"})
    assert response.status_code == 200
    newest = list(Claim.objects.order_by("-pk").values_list("pk", flat=True)[:50])
    assert listed_ids(response.content.decode(), "claim") == newest


def test_a_clicked_column_still_orders_the_changelist(editor_client):
    ClaimFactory(topic=TopicFactory(), text="b second")
    ClaimFactory(topic=TopicFactory(), text="a first")
    response = editor_client.get(reverse("admin:argmap_claim_changelist"), {"o": "1"})  # by text
    html = response.content.decode()
    assert html.index("a first") < html.index("b second")


def test_the_sources_changelist_counts_the_citations_of_its_rows(editor_client):
    cited, uncited = SourceFactory(title="Cited twice"), SourceFactory(title="Never cited")
    CitationFactory.create_batch(2, source=cited)
    html = editor_client.get(reverse("admin:argmap_source_changelist")).content.decode()
    cells = dict(
        re.findall(
            r'<a href="/admin/argmap/source/(\d+)/change/">.*?<td class="field-citation_count">(\d+)</td>', html, re.S
        )
    )
    assert cells[str(cited.pk)] == "2"
    assert cells[str(uncited.pk)] == "0"
