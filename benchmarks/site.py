"""The public site's speed, whole requests in process, each timed alternately with the raw
baseline's list page (benchmarks.raw): the topic page uncached, from the page cache and
answered 304, with the steps of an uncached render (reading the publication's slice,
the context, the template); a branch fragment; the analysis page; a claim and a stakeholder
page; search for a common and a rare word.

Bars (issue 17, QUALITY.md): the topic page ≤ 300 ms uncached at every size up to 1M
claims (its HTML ≤ 1 MB: the memory area weighs it); a branch fragment ≤ 100 ms; search
for a common word ≤ 300 ms at 1M claims.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from argmap.models import Claim, Publication, Stakeholder, Topic
from argmap.published_map import topic_slice
from argmap.publishing import Edition
from argmap.views import TopicDetailView
from benchmarks.handlers import COMMON_WORD, RARE_WORD, branch_claim, get, reader

AREA = "site"
PAGE_MS = 300
BRANCH_MS = 100
SEARCH_MS = 300


def run(bench) -> None:
    client = reader()
    for size in bench.sizes:
        topic = bench.topic(size)
        url = topic.get_absolute_url()
        timed(bench, size, "topic page, uncached (whole request)", uncached(client, url), limit=PAGE_MS)
        breakdown(bench, Topic.objects.with_latest_publication().get(pk=topic.pk), size, bench.runs(size))
        get(client, url)
        timed(bench, size, "topic page, from the page cache", lambda u=url: get(client, u))
        timed(bench, size, "topic page, conditional GET (304)",
              lambda u=url, e=topic.etag: get(client, u, HTTP_IF_NONE_MATCH=e), bar="one query")  # fmt: skip
        claim = branch_claim(topic)
        if claim:
            branch = reverse("argmap:topic-branch", args=[topic.slug, claim])
            timed(bench, size, "branch fragment (widest first-level claim), uncached", uncached(client, branch),
                  limit=BRANCH_MS)  # fmt: skip
        analysis = reverse("argmap:topic-analysis", args=[topic.slug])
        deferred = size > settings.TOPIC_ANALYSIS_INLINE_CLAIMS
        timed(bench, size, "analysis page (cruxes, coalitions), uncached", uncached(client, analysis),
              bar="loaded after the topic page" if deferred else "")  # fmt: skip
        first = Claim.objects.filter(topic=topic).order_by("pk").first()
        timed(bench, size, "claim page", lambda c=first: get(client, c.get_absolute_url()))
        stakeholder = Stakeholder.objects.filter(saliences__topic=topic).order_by("pk").first()
        timed(bench, size, "stakeholder page", lambda s=stakeholder: get(client, s.get_absolute_url()))
        search = reverse("argmap:search")
        timed(bench, size, f"search, common word “{COMMON_WORD}”", lambda s=search: get(client, f"{s}?q={COMMON_WORD}"),
              bar=f"≤ {SEARCH_MS} ms at 1M", limit=SEARCH_MS)  # fmt: skip
        timed(bench, size, f"search, rare word “{RARE_WORD}”", lambda s=search: get(client, f"{s}?q={RARE_WORD}"))


def timed(bench, size: int, what: str, function, *, bar: str = "", limit: float | None = None) -> None:
    """A figure timed alternately with the raw baseline, beside its bar (`limit` ms)."""
    took, raw_ms = bench.paired_ms(function, bench.runs(size))
    bar = bar or (f"≤ {limit:.0f} ms" if limit else "")
    bench.report(AREA, what, size, took, "ms", bar=bar, ok=took <= limit if limit else None, raw_ms=raw_ms)


def uncached(client, url: str):
    """A request for `url` with the caches emptied first, as after a change of the map."""

    def request() -> None:
        cache.clear()
        get(client, url)

    return request


def breakdown(bench, topic, size, runs) -> None:
    """The steps of an uncached topic page as the public gets it (the latest publication's
    slice, published_map.py), each timed on its own."""
    publication = Publication.objects.without_documents().get(pk=topic.latest_publication_id)

    def read():
        return topic_slice(publication.pk, budget=settings.TOPIC_TREE_BUDGET, first_level=settings.TOPIC_FIRST_LEVEL)

    bench.report(AREA, "  of which: read the slice (its queries)", size, bench.median_ms(read, runs), "ms")
    view = TopicDetailView()
    view.request = RequestFactory(HTTP_HOST="localhost").get(topic.get_absolute_url())
    view.request.user = AnonymousUser()
    took = bench.median_ms(lambda: view.get_context_data(Edition.sliced(publication, topic, read())), runs)
    bench.report(AREA, "  of which: the slice and its context (stored analysis, tree, stakeholders)", size, took, "ms")
    context = view.get_context_data(Edition.sliced(publication, topic, read()))
    took = bench.median_ms(lambda c=context: render_to_string(TopicDetailView.template_name, c), runs)
    bench.report(AREA, "  of which: render the template", size, took, "ms")
