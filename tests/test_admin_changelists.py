"""Admin changelists of the big tables (argmap/admin.py, EditorChangeList): newest first
by an index, a deep page in the queries of the first, with its own rows only, and counts
of related rows for the page's rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
