"""The public site's speed: a topic page rendered uncached (the bar: ≤ 250 ms at 10,000
claims), from the page cache, and answered 304; with the steps of an uncached render
(the one query, the tree, the analysis, the template) and the other pages beside it."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from argmap.loading import PAGE_COLUMNS, load_map
from argmap.models import Claim, Stakeholder
from argmap.publishing import Edition
from argmap.tree import build_tree
from argmap.views import TopicDetailView

AREA = "site"


def run(bench) -> None:
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")

    def get(url: str, **headers) -> None:
        response = client.get(url, **headers)
        if response.status_code not in (200, 304):
            raise RuntimeError(f"{url} answered {response.status_code}")

    for size in bench.sizes:
        topic = bench.topic(size)
        url = topic.get_absolute_url()

        def uncached(url=url):
            cache.clear()
            get(url)

        bench.report(
            AREA, "topic page, uncached (whole request)", size, bench.median_ms(uncached), "ms", bar="≤ 250 ms"
        )
        bench.report(
            AREA,
            "  of which: load_map (one query, without uids)",
            size,
            bench.median_ms(lambda t=topic: load_map(t.pk, PAGE_COLUMNS)),
            "ms",
        )
        data = load_map(topic.pk, PAGE_COLUMNS)
        bench.report(AREA, "  of which: build the tree", size, bench.median_ms(lambda d=data: build_tree(d)), "ms")
        tree = build_tree(data)
        roots = tree.roots()
        shown = tree.shown_claims(roots, tree.expanded(roots, settings.TOPIC_TREE_BUDGET))
        view = TopicDetailView()
        view.request = RequestFactory().get(topic.get_absolute_url())
        edition = Edition(topic, data)
        deferred = size > settings.TOPIC_ANALYSIS_INLINE_CLAIMS
        bench.report(
            AREA,
            "  of which: the analysis ("
            + (
                "strengths, whys; cruxes and coalitions on their page"
                if deferred
                else "strengths, whys, cruxes, coalitions"
            )
            + ")",
            size,
            bench.median_ms(lambda e=edition, t=tree, s=shown, v=view: v.analysis_context(e, t, s)),
            "ms",
        )
        context = view.get_context_data(edition)
        bench.report(
            AREA,
            "  of which: render the template",
            size,
            bench.median_ms(lambda c=context: render_to_string(TopicDetailView.template_name, c)),
            "ms",
        )
        analysis_url = reverse("argmap:topic-analysis", args=[topic.slug])

        def analysis_uncached(url=analysis_url):
            cache.clear()
            get(url)

        bench.report(
            AREA,
            "analysis page (cruxes, coalitions), uncached (whole request)",
            size,
            bench.median_ms(analysis_uncached),
            "ms",
            bar="loaded after the topic page" if deferred else "",
        )
        get(url)
        bench.report(AREA, "topic page, from the page cache", size, bench.median_ms(lambda u=url: get(u)), "ms")
        bench.report(
            AREA,
            "topic page, conditional GET (304)",
            size,
            bench.median_ms(lambda u=url, e=topic.etag: get(u, HTTP_IF_NONE_MATCH=e)),
            "ms",
            bar="one query",
        )
        claim = Claim.objects.filter(topic=topic).order_by("pk").first()
        bench.report(AREA, "claim page", size, bench.median_ms(lambda c=claim: get(c.get_absolute_url())), "ms")
        stakeholder = Stakeholder.objects.filter(saliences__topic=topic).order_by("pk").first()
        bench.report(
            AREA, "stakeholder page", size, bench.median_ms(lambda s=stakeholder: get(s.get_absolute_url())), "ms"
        )
        bench.report(
            AREA,
            "search (“public risk”)",
            size,
            bench.median_ms(lambda: get(reverse("argmap:search") + "?q=public+risk")),
            "ms",
        )
