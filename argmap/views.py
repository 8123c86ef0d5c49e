"""Public pages. Anonymous readers see published topics and what belongs to them only;
a draft is a 404 so that its existence does not leak.

Every page reads the database a fixed number of times, whatever the size of the map
(tests/test_site.py pins each count). A topic page reads its whole map in one query
(loading.load_map), lays the tree out in Python (tree.py), answers a conditional GET
with 304 after a single query, and caches its HTML under a key holding the topic's
version, so that a change to the map shows at once.
"""

from __future__ import annotations

from calendar import timegm
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import DetailView, ListView, TemplateView

from argmap.analysis import analyse_page, evaluate_shown
from argmap.graph import collector_paused
from argmap.interchange import downloads
from argmap.loading import PAGE_COLUMNS, MapData, load_claim, load_map, load_stakeholder
from argmap.middleware import policy_header
from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Polarity,
    RelationshipKind,
    Source,
    Stakeholder,
    Stance,
    Topic,
    TopicStatus,
    xml_safe,
)
from argmap.search import search
from argmap.tree import build_tree, graph_elements, grid_quadrants, power_interest_grid


class HomeView(View):
    """The published topics, with their counts. The page is cached per site version (one
    cheap query): counting every topic's positions, claims and stakeholders is paid once
    per change anywhere, not per request."""

    template_name = "argmap/home.html"

    def get(self, request):
        # Every topic, drafts included: a topic published or unpublished changes the key too.
        key = f"argmap:home:{Topic.objects.site_version()}"
        content = cache.get(key)
        if content is None:
            topics = Topic.objects.published().with_counts().order_by("-changed_at")
            content = render_to_string(self.template_name, {"topics": topics}, request=request)
            cache.set(key, content)
        return HttpResponse(content)


# ---------------------------------------------------------------------------
# The topic page, its lazily loaded branches, and its embeddable form
# ---------------------------------------------------------------------------


class PageUrls:
    """The public pages' addresses as prefixes, reversed once per render: a large topic
    page has thousands of links, and reverse() costs tens of microseconds each. In a
    template: `{{ urls.claim }}{{ id }}/`."""

    def __init__(self, topic: Topic):
        self.claim = self.prefix("argmap:claim-detail", pk=987654321)
        self.stakeholder = self.prefix("argmap:stakeholder-detail", slug="slug-987654321")
        self.source = self.prefix("argmap:source-detail", pk=987654321)
        self.branch = self.prefix("argmap:topic-branch", slug=topic.slug, pk=987654321)

    @staticmethod
    def prefix(name: str, **kwargs) -> str:
        url = reverse(name, kwargs=kwargs)
        value = str(list(kwargs.values())[-1])
        if not url.endswith(f"/{value}/"):
            raise ValueError(f"{name} does not end with its argument: {url}")
        return url[: -len(value) - 1]


def relationship_rows(data: MapData) -> list[dict]:
    names = {row["id"]: row for row in data.stakeholders}
    sources = {row["id"]: row for row in data.sources}
    kinds = dict(RelationshipKind.choices)
    return [
        {
            **row,
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "from": names[row["from_stakeholder_id"]],
            "to": names[row["to_stakeholder_id"]],
            "source": sources.get(row["source_id"]),
        }
        for row in data.relationships
    ]


def listed_sources(shown: list) -> int:
    """How many of the topic's numbered sources the page lists: those the claims shown
    cite (sources are numbered along the tree, so these come first). Citations of other
    sources, in branches loaded later, link to the source's own page."""
    return max((citation[0] for node in shown for citation in node.citations), default=0)


class TopicMapView(View):
    """A published topic's map: conditional GET, then the page from the cache or rendered."""

    template_name = "argmap/topic_detail.html"

    def get(self, request, slug, **kwargs):
        topic = get_object_or_404(Topic.objects.visible_to(request.user), slug=slug)
        last_modified = timegm(topic.changed_at.utctimetuple())
        response = get_conditional_response(request, etag=topic.etag, last_modified=last_modified)
        if response is None:
            key = topic.cache_key(self.template_name, *kwargs.values())
            content = cache.get(key)
            if content is None:
                # A 10,000-claim page parses its map into some 40,000 dicts and builds
                # thousands of objects more: the cyclic garbage collector ran a hundred
                # times per page, for a sixth of its time, and found nothing to free.
                with collector_paused():
                    content = self.render_content(topic, **kwargs)
                cache.set(key, content)
            response = HttpResponse(content, content_type=self.content_type)
        response.headers["ETag"] = topic.etag
        response.headers["Last-Modified"] = http_date(last_modified)
        # Readers revalidate (a cheap 304); drafts stay out of shared caches.
        patch_cache_control(response, no_cache=True, **({"public": True} if topic.is_published else {"private": True}))
        return response

    content_type = "text/html; charset=utf-8"

    def render_content(self, topic: Topic, **kwargs) -> str:
        return render_to_string(self.template_name, self.get_context_data(topic, **kwargs), request=self.request)

    def get_context_data(self, topic: Topic, **kwargs) -> dict:
        data = load_map(topic.pk, PAGE_COLUMNS)
        tree = build_tree(data)
        roots = tree.roots()
        expanded = tree.expanded(roots, settings.TOPIC_TREE_BUDGET)
        shown = tree.shown_claims(roots, expanded)
        with_salience = {row["stakeholder_id"] for row in data.salience}
        grid = power_interest_grid(data)
        return {
            **self.analysis_context(data, tree, shown),
            "topic": topic,
            "urls": PageUrls(topic),
            "tree": tree,
            "expanded": expanded,
            "claims_shown": len(shown),
            "claims_total": len(data.claims),
            "sources_listed": listed_sources(shown),
            "graph": graph_elements(tree, data, shown),
            "grid": grid,
            "quadrants": grid_quadrants(grid),
            "relationships": relationship_rows(data),
            "stakeholders": data.stakeholders,
            "without_salience": sorted(
                (row for row in data.stakeholders if row["id"] not in with_salience), key=lambda row: row["name"]
            ),
            "has_salience": bool(with_salience),
            # Called only by a template that shows them (the topic page, not the embed).
            "downloads": partial(downloads, topic, data),
        }

    def analysis_context(self, data: MapData, tree, shown: list) -> dict:
        """The analysis (analysis.py): the strength, label and why of the positions and of
        the claims shown (held by the tree), each position's cruxes, the coalition matrix.
        A large map's cruxes and matrix come from TopicAnalysisView instead."""
        if len(data.claims) > settings.TOPIC_ANALYSIS_INLINE_CLAIMS:
            evaluate_shown(data, tree, shown)  # the tree's strengths, labels and whys
            return {"analysis_deferred": True}
        return {"analysis": analyse_page(data, tree, shown)}


class TopicDetailView(TopicMapView):
    """The topic page: positions, their argument trees, the analysis, the graph, the stakeholders."""


class TopicAnalysisView(TopicMapView):
    """A topic's cruxes and coalition matrix on a page of their own: the topic page of a
    large map loads this section after its tree (and links here without JavaScript)."""

    template_name = "argmap/topic_analysis.html"

    def get_context_data(self, topic: Topic) -> dict:
        data = load_map(topic.pk, PAGE_COLUMNS)
        tree = build_tree(data)
        return {
            "topic": topic,
            "urls": PageUrls(topic),
            "analysis": analyse_page(data, tree, []),
            # The section's links to positions point at the topic page.
            "anchor_base": topic.get_absolute_url(),
        }


class TopicEmbedView(TopicMapView):
    """The topic's tree for other sites' iframes: the one page that may be framed."""

    template_name = "argmap/topic_embed.html"

    def analysis_context(self, data: MapData, tree, shown: list) -> dict:
        evaluate_shown(data, tree, shown)  # the tree's strengths and labels only
        return {}

    @xframe_options_exempt
    def get(self, request, slug, **kwargs):
        response = super().get(request, slug, **kwargs)
        response.headers["Content-Security-Policy"] = policy_header(
            {**settings.CONTENT_SECURITY_POLICY, "frame-ancestors": "*"}
        )
        return response


class TopicBranchView(TopicMapView):
    """The arguments below one claim of a topic's tree, as an HTML fragment: the topic page
    loads the branches it did not render when the reader opens them."""

    template_name = "argmap/includes/claim_arguments.html"

    def get_context_data(self, topic: Topic, pk: int) -> dict:
        data = load_map(topic.pk, PAGE_COLUMNS)
        tree = build_tree(data)
        node = tree.node(pk)
        if node is None:
            raise Http404("No such claim in this topic.")
        roots = tree.roots()
        page_shows = tree.shown_claims(roots, tree.expanded(roots, settings.TOPIC_TREE_BUDGET))
        expanded = tree.expanded(node.arguments, settings.TOPIC_TREE_BUDGET)
        evaluate_shown(data, tree, tree.shown_claims(node.arguments, expanded))
        return {
            "topic": topic,
            "urls": PageUrls(topic),
            "tree": tree,
            "arguments": node.arguments,
            "expanded": expanded,
            "sources_listed": listed_sources(page_shows),
        }


class TopicPathView(TopicMapView):
    """The claims from the top of a topic's tree down to one claim (JSON): the topic page
    loads the branches on that path to open the tree at `#claim-<id>`."""

    content_type = "application/json"

    def render_content(self, topic: Topic, pk: int) -> str:
        path = build_tree(load_map(topic.pk, PAGE_COLUMNS)).path_to(pk)
        if not path:
            raise Http404("No such claim in this topic.")
        return JsonResponse({"path": path}).content.decode()


# ---------------------------------------------------------------------------
# Claims, stakeholders, sources
# ---------------------------------------------------------------------------


def by_polarity(rows: list[dict]) -> dict[str, list[dict]]:
    return {
        "for": [row for row in rows if row["polarity"] == Polarity.SUPPORTS],
        "against": [row for row in rows if row["polarity"] == Polarity.OPPOSES],
    }


def with_labels(stances: list[dict]) -> list[dict]:
    attitudes, bases = dict(Attitude.choices), dict(Basis.choices)
    return [
        {**row, "stance_label": attitudes.get(row["stance"], row["stance"]), "basis_label": bases.get(row["basis"])}
        for row in stances
    ]


class ClaimDetailView(DetailView):
    def get_queryset(self):
        return Claim.objects.filter(topic__in=Topic.objects.visible_to(self.request.user)).select_related("topic")

    def get_context_data(self, **kwargs):
        data = load_claim(self.object.pk)
        return super().get_context_data(
            targets=by_polarity(data.targets),
            arguments=by_polarity(data.arguments),
            citations=data.citations,
            stances=with_labels(data.stances),
            **kwargs,
        )


class StakeholderListView(ListView):
    template_name = "argmap/stakeholder_list.html"
    context_object_name = "stakeholders"

    def get_queryset(self):
        return Stakeholder.objects.public().select_related("parent").order_by("kind", "name")


class StakeholderDetailView(DetailView):
    def get_queryset(self):
        return Stakeholder.objects.public().select_related("parent")

    def get_context_data(self, **kwargs):
        data = load_stakeholder(self.object.pk)
        stances = with_labels(data.stances)
        relationship_kinds = dict(RelationshipKind.choices)
        return super().get_context_data(
            relationships=[{**row, "kind_label": relationship_kinds.get(row["kind"])} for row in data.relationships],
            asserted=[row for row in stances if row["claim_id"] and row["stance"] == Attitude.SUPPORTS],
            stances=stances,
            children=data.children,
            salience=data.salience,
            **kwargs,
        )


class SourceDetailView(DetailView):
    def get_queryset(self):
        return Source.objects.public()

    def get_context_data(self, **kwargs):
        published = TopicStatus.PUBLISHED
        citations = (
            Citation.objects.filter(source=self.object, claim__topic__status=published)
            .select_related("claim__topic")
            .order_by("claim__topic__title", "claim_id")
        )
        stances = Stance.objects.filter(
            Q(position__topic__status=published) | Q(claim__topic__status=published), source=self.object
        ).select_related("stakeholder", "position__topic", "claim__topic")
        return super().get_context_data(citations=citations, stances=stances, **kwargs)


# ---------------------------------------------------------------------------
# Search, feed
# ---------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False, strip=True)


class SearchView(TemplateView):
    template_name = "argmap/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        results, query = {}, ""
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"]
            results = search(query)
        context = self.get_context_data(form=form, query=query, results=results, **kwargs)
        return self.render_to_response(context, status=400 if form.errors else 200)


class RecentChangesFeed(Feed):
    """An Atom feed of published topics, most recently changed first: an entry per change."""

    feed_type = Atom1Feed
    title = "argmap: recent changes"
    subtitle = "Published argument maps, most recently changed first."

    def link(self):
        return reverse("argmap:home")

    def items(self):
        return Topic.objects.published().order_by("-changed_at")[:50]

    # XML 1.0 cannot hold control characters: validation refuses them, but one stored
    # by other means must not make the feed a 500 for everyone.
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.question)

    def item_guid(self, item):
        # A new entry for each version: feed readers show every change.
        return f"urn:argmap:topic:{item.slug}:version:{item.version}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item.changed_at

    def item_pubdate(self, item):
        return item.published_at or item.created_at
