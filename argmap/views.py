"""Public pages. Anonymous readers see published topics and what belongs to them only;
a draft is a 404 so that its existence does not leak.

Every page reads the database a fixed number of times, whatever the size of the map
(tests/test_site.py pins each count). A topic page reads its whole map in one query
(loading.load_map), lays the tree out in Python (tree.py), answers a conditional GET
with 304 after a single query, and caches its HTML under a key holding the topic's
version, so that a change to the map shows at once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

import orjson
from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.feedgenerator import Atom1Feed
from django.views import View, defaults
from django.views.generic import DetailView, ListView, TemplateView

from argmap import sharing
from argmap.analysis import (
    LensView,
    StakeholderLens,
    analyse_page,
    evaluate_shown,
    grid_quadrants,
    grid_rows,
    lens_choices,
    page_lens,
    stakeholder_lens,
    stored_bridges,
)
from argmap.conditional import topic_response
from argmap.interchange import downloads
from argmap.involvement import Involved, most_involved, narrowed, ranked, relationships_of
from argmap.loading import (
    PAGE_COLUMNS,
    ClaimData,
    MapData,
    StakeholderData,
    load_claim,
    load_map,
    load_stakeholder,
    map_lenses,
)
from argmap.middleware import policy_header
from argmap.models import (
    Attitude,
    Basis,
    Citation,
    Claim,
    Link,
    Polarity,
    Position,
    Publication,
    Relationship,
    RelationshipKind,
    Reply,
    Salience,
    Source,
    Stakeholder,
    Stance,
    Topic,
    TopicStatus,
    xml_safe,
)
from argmap.network import chart_points, ego_network, network_elements
from argmap.overview import build_overview, short_title, stakeholder_matrix
from argmap.published_map import (
    Slice,
    analysis_slice,
    arguments_slice,
    branch_slice,
    claim_page,
    data_of,
    frame_slice,
    lens_named,
    path_to,
    position_page,
    source_page,
    stakeholder_page,
    topic_slice,
)
from argmap.publishing import (
    Edition,
    describe,
    diff_lines,
    map_diff,
    on_demand,
    published_claim_count,
    reads_live,
    too_large_for_demand,
    topic_from_row,
)
from argmap.search import search
from argmap.stakeholders import quadrant
from argmap.tasks import build_exports_later
from argmap.tree import build_tree, graph_elements

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


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
    template: `{{ urls.claim }}{{ id }}/`. Seen through a lens, the branches loaded later
    keep it: `branch_query` is the `?lens=` their addresses carry."""

    def __init__(self, topic: Topic, number: int | None = None, lens: LensView | None = None):
        self.claim = self.prefix("argmap:claim-detail", pk=987654321)
        self.topic = topic.get_absolute_url()
        self.stakeholder = self.prefix("argmap:stakeholder-detail", slug="slug-987654321")
        self.source = self.prefix("argmap:source-detail", pk=987654321)
        if number is None:
            self.branch = self.prefix("argmap:topic-branch", slug=topic.slug, pk=987654321)
            more = reverse("argmap:topic-more", kwargs={"slug": topic.slug, "pk": 987654321, "start": 0})
        else:  # a citable version's branches are that version's
            self.branch = self.prefix("argmap:topic-version-branch", slug=topic.slug, number=number, pk=987654321)
            more = reverse(
                "argmap:topic-version-more", kwargs={"slug": topic.slug, "number": number, "pk": 987654321, "start": 0}
            )
        self.more = more[: more.index("/987654321/")]  # …/positions
        applied = lens is not None and lens.stakeholder_id is not None
        self.branch_query = f"?{urlencode({'lens': lens.slug})}" if applied else ""

    def more_of(self, key: int, start: int) -> str:
        """Where "show more" of a position (key: its id negated; 0 for the claims at the top) loads from."""
        return f"{self.more}/{-key}/more/{start}/"

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
    """A topic's map: conditional GET, then the page from the cache or rendered.

    The public reads the topic's latest publication (publishing.py), its map and analysis
    as stored when it was published: an edit reaches them only with the next publication.
    Editors read the live map. A citable version (/v/<n>/) is one publication for everyone,
    cached forever. A published topic that has no publication yet (published before
    publications existed) is read live by everyone until its first one."""

    template_name = "argmap/topic_detail.html"
    builds_exports = False
    content_type = "text/html; charset=utf-8"
    takes_lens = False  # reads ?lens=<stakeholder> (analysis.page_lens)
    lens_ignored = False  # the lens asked for is no stakeholder of the map: a 400, the page saying so, never cached
    lens_refused_claims: int | None = None  # …or the map is too large for a lens per request (a 422)
    reads_page_plan = True  # a publication's page reads the topic page's plan (published_map.topic_plan)
    reads_publication = True  # False: a publication's page reads only its rows, knowing its id (a query less)
    publication: Publication | None = None  # the citable version asked for, once read

    def lens_slug(self) -> str:
        """The lens asked for, if this page takes one (a bounded string; page_lens checks it)."""
        return self.request.GET.get("lens", "")[:200] if self.takes_lens else ""

    def lens_key(self) -> list[str]:
        """What the lens adds to the page's cache key: a slug, or "?" for anything else
        (a page the lens is ignored on is never kept)."""
        lens = self.lens_slug()
        if not lens:
            return []
        return ["lens", lens if SLUG.fullmatch(lens) and len(lens) <= 100 else "?"]

    def get(self, request, slug, number=None, **kwargs):
        topics = Topic.objects.visible_to(request.user).with_latest_publication()
        if number is not None and not self.reads_publication:
            topics = topics.with_version(number)  # the version's id and date, in the same query
        topic = get_object_or_404(topics, slug=slug)
        if number is not None and not self.reads_publication:
            if topic.version_publication_id is None:
                raise Http404("This topic has no such version.")
            return self.published_response(
                request, topic, topic.version_publication_id, number, topic.version_published_at, kwargs
            )
        if number is not None:
            # with the topic page's plan, if the page reads it: rendering it then reads no publication again
            publication = self.publication = get_object_or_404(self.publications(), topic=topic, number=number)
            return self.published_response(request, topic, publication.pk, number, publication.published_at, kwargs)
        if topic.latest_publication_id is not None and not reads_live(request.user):
            return self.published_response(
                request, topic, topic.latest_publication_id, None, topic.latest_published_at, kwargs
            )

        def build() -> str:
            content = self.render_content(Edition.live(topic, PAGE_COLUMNS), **kwargs)
            if self.builds_exports and topic.is_published and settings.EXPORTS_IN_BACKGROUND:
                build_exports_later(topic)  # a new version: its downloads, ahead of readers
            return content

        key = topic.cache_key(self.template_name, *kwargs.values(), *self.lens_key())
        return topic_response(request, topic, lambda: self.cached(key, build))

    def published_response(self, request, topic, publication_id, number, published_at, kwargs):
        """A publication's page: the latest (number None; revalidated) or a citable version
        (never changes: cached by anyone for a year)."""
        shown = number if number is not None else "latest"
        etag = f'"topic-{topic.pk}-p{publication_id}-{shown}"'
        key = ":".join(
            ["argmap", "publication", str(publication_id), str(published_at.timestamp()), str(shown),
             self.template_name, *map(str, kwargs.values()), *self.lens_key()]
        )  # fmt: skip

        def build() -> str:
            return self.render_published(publication_id, topic, number, **kwargs)

        response = topic_response(request, topic, lambda: self.cached(key, build), etag=etag, changed_at=published_at)
        if number is not None:
            del response.headers["Cache-Control"]
            patch_cache_control(response, public=True, max_age=31536000, immutable=True)
        return response

    def render_published(self, publication_id: int, topic: Topic, number: int | None, **kwargs) -> str:
        """A publication's page from the slice of its rows that it shows (published_map.py)."""
        if self.lens_slug():  # a lens evaluates the whole map again: read it all (kept per publication and lens)
            claims = published_claim_count(publication_id)
            if on_demand(claims):
                whole = Edition.published(Publication.objects.get(pk=publication_id), topic)
                return self.render_content(whole, number=number, **kwargs)
            self.lens_refused_claims = claims  # the page without the lens, saying why
        publication = self.publication
        if publication is None or publication.pk != publication_id:
            publication = self.read_publication(publication_id)
        found = self.read_slice(publication, **kwargs)
        if found is None:
            raise Http404("No such claim in this topic.")
        return self.render_content(Edition.sliced(publication, topic, found), number=number, **kwargs)

    def publications(self):
        """The publications, with the plan of this page's rows if it reads one."""
        return Publication.objects.without_documents(page_plan=self.reads_page_plan)

    def read_publication(self, publication_id: int) -> Publication:
        """The publication whose page this is; only its id (unsaved, nothing read) for a page
        that reads nothing of it but its rows."""
        if not self.reads_publication:
            return Publication(pk=publication_id)
        return self.publications().get(pk=publication_id)

    def read_slice(self, publication: Publication, **kwargs) -> Slice | None:
        return topic_slice(
            publication.pk,
            budget=settings.TOPIC_TREE_BUDGET,
            first_level=settings.TOPIC_FIRST_LEVEL,
            plan=publication.page_plan,  # the rows it shows, in one query (made at publish with these settings)
        )

    def cached(self, key: str, build) -> HttpResponse:
        """The page from the cache, or built and kept there."""
        content = cache.get(key)
        if content is None:
            content = build()
            if self.lens_ignored:  # the page, with its notice saying why the lens was refused
                status = 400 if self.lens_refused_claims is None else 422
                return HttpResponse(content, content_type=self.content_type, status=status)
            cache.set(key, content)
        return HttpResponse(content, content_type=self.content_type)

    def lens(self, data: MapData):
        """The lens this page is seen through (analysis.page_lens), if any."""
        if self.lens_refused_claims is not None:
            self.lens_ignored = True
            refused = too_large_for_demand(self.lens_refused_claims, "lenses are computed on request")
            return LensView(self.lens_slug()[:100], "", notice=refused)  # ("Lens ignored.", the page says)
        lens = page_lens(data, self.lens_slug())
        self.lens_ignored = lens is not None and lens.stakeholder_id is None
        return lens

    def offered_lenses(self, edition: Edition) -> list[dict]:
        """The lenses the page offers: none on a map too large for a lens per request."""
        return lens_choices(edition.data) if on_demand(edition.claims_total) else []

    def render_content(self, edition: Edition, **kwargs) -> str:
        return render_to_string(self.template_name, self.get_context_data(edition, **kwargs), request=self.request)

    def get_context_data(self, edition: Edition, number: int | None = None, **kwargs) -> dict:
        topic, data = edition.topic, edition.data
        if edition.slice is not None:
            tree, shown, expanded = edition.slice.tree, edition.slice.shown, edition.slice.expanded
            sources_listed = min(listed_sources(shown), edition.slice.sources_listed)
            topic_downloads = partial(downloads, topic, data, edition.slice.map_bytes)
        else:
            tree = build_tree(data)
            roots = tree.roots()
            expanded = tree.expanded(roots, settings.TOPIC_TREE_BUDGET)
            shown = tree.shown_claims(roots, expanded)
            sources_listed = listed_sources(shown)
            topic_downloads = partial(downloads, topic, data)
        graph = graph_elements(tree, data, shown)
        request = self.request
        analysis = self.analysis_context(edition, tree, shown)  # evaluates the positions the overview describes
        involved = most_involved(data, edition.involvement(), settings.TOPIC_STAKEHOLDERS)
        if "lens_choices" in analysis:  # the lenses of the stakeholders shown; the stakeholders page links every one
            slugs = {row["slug"] for row in involved.shown}
            if analysis["lens"] is not None:
                slugs.add(analysis["lens"].slug)
            analysis["lens_choices"] = [choice for choice in analysis["lens_choices"] if choice["slug"] in slugs]
        return {
            **analysis,
            **self.stakeholders_context(edition, involved),
            "overview": build_overview(tree, involved.ids),
            "json_ld": sharing.json_ld(sharing.topic_json_ld(request, topic, data.positions)),
            "share": sharing.share_context(
                request,
                title=topic.title,
                description=topic.question,
                url=topic.get_absolute_url(),
                kind="article",
                image=reverse("argmap:topic-preview", kwargs={"slug": topic.slug}),
                embed=reverse("argmap:topic-embed", kwargs={"slug": topic.slug}),
            ),
            "topic": topic,
            "publication": edition.publication,
            "version": number,
            "urls": PageUrls(topic, number, analysis.get("lens")),
            "tree": tree,
            "expanded": expanded,
            "claims_shown": len(shown),
            "claims_total": edition.claims_total,
            "first_level": settings.TOPIC_FIRST_LEVEL,
            "more_count": settings.TOPIC_MORE,
            "sources_listed": sources_listed,
            "graph": graph,
            "graph_has_inferred": any(edge.get("basis") == "inferred" for edge in graph["edges"]),
            # Called only by a template that shows them (the topic page, not the embed); a
            # citable version links its own map document instead of the current exports.
            "downloads": topic_downloads if number is None else list,
        }

    def stakeholders_context(self, edition: Edition, involved: Involved) -> dict:
        """The stakeholder sections (the chart, its grid, the relationships and their
        network) of the most involved stakeholders (involvement.py); the topic's
        stakeholders page lists them all."""
        data = edition.data
        shown = narrowed(data, involved, relationships=2 * settings.TOPIC_STAKEHOLDERS)
        with_salience = {row["stakeholder_id"] for row in shown.salience}
        grid = grid_rows(shown)
        return {
            "grid": grid,
            "quadrants": grid_quadrants(grid),
            "relationships": relationship_rows(shown),
            "relationships_total": len(data.relationships),
            "network": network_elements(data.stakeholders, shown.relationships, dict(RelationshipKind.choices)),
            "chart": chart_points(shown.salience, {row["id"]: row for row in data.stakeholders}),
            "stakeholders": involved.shown,
            "stakeholders_total": involved.total,
            "stakeholder_rank": involved.rank,
            "without_salience": sorted(
                (row for row in involved.shown if row["id"] not in with_salience), key=lambda row: row["name"]
            ),
            "has_salience": bool(with_salience),
        }

    def analysis_context(self, edition: Edition, tree, shown: list) -> dict:
        """The analysis (analysis.py): the strength, label and why of the positions and of
        the claims shown (held by the tree), each position's cruxes, the coalition matrix.
        A large map's cruxes and matrix come from TopicAnalysisView instead. A publication's
        are read from what was stored when it was published."""
        data = edition.data
        lens = self.lens(data)
        if edition.claims_total > settings.TOPIC_ANALYSIS_INLINE_CLAIMS:
            # the tree's strengths, labels, whys
            evaluate_shown(data, tree, shown, stored=edition.stored, lens=lens, duplicates=edition.duplicates())
            return {"analysis_deferred": True, "lens": lens, "lens_choices": self.offered_lenses(edition)}
        analysis = analyse_page(
            data, tree, shown, stored=edition.stored, coalitions=edition.coalitions(), lens=lens,
            bridges=stored_bridges(edition.kept), duplicates=edition.duplicates(),
        )  # fmt: skip
        return {"analysis": analysis, "lens": lens, "lens_choices": self.offered_lenses(edition)}


class TopicDetailView(TopicMapView):
    """The topic page: positions, their argument trees, the analysis, the graph, the stakeholders.
    `?as_of=YYYY-MM-DD` goes to the version that was in force that day."""

    builds_exports = True
    takes_lens = True

    def get(self, request, slug, number=None, **kwargs):
        if number is None and "as_of" in request.GET:
            return self.as_of(request, slug)
        return super().get(request, slug, number, **kwargs)

    def as_of(self, request, slug):
        form = AsOfForm(request.GET)
        if not form.is_valid():
            return HttpResponse("as_of: a date as YYYY-MM-DD", status=400, content_type="text/plain; charset=utf-8")
        topic = get_object_or_404(Topic.objects.visible_to(request.user), slug=slug)
        publication = topic.publications.without_documents().in_force_on(form.cleaned_data["as_of"]).first()
        if publication is None:
            raise Http404("This topic had not been published by then.")
        return redirect(publication.get_absolute_url())


class AsOfForm(forms.Form):
    as_of = forms.DateField(input_formats=["%Y-%m-%d"])


class TopicAnalysisView(TopicMapView):
    """A topic's cruxes and coalition matrix on a page of their own: the topic page of a
    large map loads this section after its tree (and links here without JavaScript)."""

    template_name = "argmap/topic_analysis.html"
    reads_page_plan = False  # another slice than the topic page's: its own plan (published_map.analysis_plan)
    takes_lens = True

    def publications(self):
        """The publications, with the plan of the analysis page's rows."""
        return Publication.objects.without_documents(analysis_plan=True)

    def read_slice(self, publication: Publication, **kwargs) -> Slice:
        # the positions and what their analysis names, in one query with the plan made at publish
        return analysis_slice(publication.pk, plan=publication.analysis_plan)

    def get_context_data(self, edition: Edition, number: int | None = None) -> dict:
        topic, data = edition.topic, edition.data
        tree = edition.slice.tree if edition.slice is not None else build_tree(data)
        lens = self.lens(data)
        return {
            "topic": topic,
            "urls": PageUrls(topic, number),
            "lens": lens,
            "lens_choices": self.offered_lenses(edition),
            "analysis": analyse_page(
                data,
                tree,
                [],
                stored=edition.stored,
                coalitions=edition.coalitions(),
                lens=lens,
                bridges=stored_bridges(edition.kept),
                duplicates=edition.duplicates(),
            ),  # fmt: skip
            # The section's links to positions point at the topic page.
            "anchor_base": topic.get_absolute_url(),
        }


class TopicStakeholdersView(TopicMapView):
    """All the topic's stakeholders, TOPIC_STAKEHOLDERS_PAGE to a page, the most involved
    first (involvement.py): the topic page shows the first TOPIC_STAKEHOLDERS and links
    here. Each with its stance on every position, its power and interest, and its
    relationships. A publication's page reads the topic's frame only (one query)."""

    template_name = "argmap/topic_stakeholder_list.html"
    reads_page_plan = False  # another slice than the topic page's

    def read_slice(self, publication: Publication, **kwargs) -> Slice:
        return frame_slice(publication.pk)

    def get_context_data(self, edition: Edition, page: int = 1, number: int | None = None) -> dict:
        topic, data = edition.topic, edition.data
        order = ranked(data, edition.involvement())
        size = settings.TOPIC_STAKEHOLDERS_PAGE
        pages = max(1, -(-len(order) // size))
        if not 1 <= page <= pages:
            raise Http404("This topic's stakeholders have no such page.")
        listed = order[(page - 1) * size : page * size]
        ids = {row["id"] for row in listed}
        positions = sorted(data.positions, key=lambda row: (row["order"], row["id"]))
        salience = {row["stakeholder_id"]: row for row in data.salience}
        counts = edition.involvement()
        matrix = stakeholder_matrix(positions, data.stances, listed)
        shown = replace(data, relationships=relationships_of(data.relationships, ids, len(data.relationships)))
        urls = PageUrls(topic, number)

        def page_url(n: int) -> str:
            return f"{urls.topic}stakeholders/" if n == 1 else f"{urls.topic}stakeholders/page/{n}/"

        return {
            "topic": topic,
            "urls": urls,
            "columns": [
                {"id": row["id"], "title": row["title"], "short": short_title(row["title"])} for row in positions
            ],
            "rows": [
                {
                    "matrix": matrix_row,
                    "stances": counts.get(row["id"], 0),
                    "salience": salience.get(row["id"]),
                    "quadrant": quadrant(salience[row["id"]]["power"], salience[row["id"]]["interest"])
                    if row["id"] in salience
                    else "",
                }
                for row, matrix_row in zip(listed, matrix, strict=True)
            ],
            "relationship_rows": relationship_rows(shown),
            "total": len(order),
            "first": (page - 1) * size + 1,
            "last": (page - 1) * size + len(listed),
            "previous_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if page < pages else None,
            "page": page,
            "pages": pages,
        }


def framable(response: HttpResponse) -> HttpResponse:
    """An embed view's response, which any site may frame (the only pages that may be)."""
    response.xframe_options_exempt = True
    response.headers["Content-Security-Policy"] = policy_header(
        {**settings.CONTENT_SECURITY_POLICY, "frame-ancestors": "*"}
    )
    return response


class TopicEmbedView(TopicMapView):
    """The topic's tree for other sites' iframes."""

    template_name = "argmap/topic_embed.html"

    def analysis_context(self, edition: Edition, tree, shown: list) -> dict:
        # the tree's strengths and labels only
        evaluate_shown(edition.data, tree, shown, stored=edition.stored, duplicates=edition.duplicates())
        return {}

    def get(self, request, slug, **kwargs):
        return framable(super().get(request, slug, **kwargs))


class PositionEmbedView(TopicEmbedView):
    """One position with its arguments, for other sites' iframes."""

    template_name = "argmap/position_embed.html"

    def get_context_data(self, topic: Topic, pk: int) -> dict:
        context = super().get_context_data(topic)
        position = next((p for p in context["tree"].positions if p.position_id == pk), None)
        if position is None:
            raise Http404("No such position in this topic.")
        return {**context, "position": position}


class TopicBranchView(TopicMapView):
    """The arguments below one claim of a topic's tree, as an HTML fragment: the topic page
    loads the branches it did not render when the reader opens them, through the lens the
    page was opened with (its branch links carry `?lens=`)."""

    template_name = "argmap/includes/claim_arguments.html"
    reads_page_plan = False  # another slice than the topic page's
    reads_publication = False  # the fragment shows nothing of the publication but its rows
    takes_lens = True

    def read_slice(self, publication: Publication, pk: int, **kwargs) -> Slice | None:
        return branch_slice(publication.pk, pk, budget=settings.TOPIC_BRANCH_BUDGET)

    def get_context_data(self, edition: Edition, pk: int, number: int | None = None) -> dict:
        topic, data = edition.topic, edition.data
        if edition.slice is not None:
            found = edition.slice
            evaluate_shown(data, found.tree, found.shown, stored=edition.stored)
            return {
                "topic": topic,
                "urls": PageUrls(topic, number),
                "tree": found.tree,
                "arguments": found.arguments,
                "expanded": found.expanded,
                # The page's numbered sources are not read here: citations link the sources' pages.
                "sources_listed": 0,
            }
        tree = build_tree(data)
        node = tree.node(pk)
        if node is None:
            raise Http404("No such claim in this topic.")
        roots = tree.roots()
        page_shows = tree.shown_claims(roots, tree.expanded(roots, settings.TOPIC_TREE_BUDGET))
        expanded = tree.expanded(node.arguments, settings.TOPIC_BRANCH_BUDGET)
        lens = self.lens(data)
        evaluate_shown(
            data, tree, tree.shown_claims(node.arguments, expanded), stored=edition.stored, lens=lens,
            duplicates=edition.duplicates(),
        )  # fmt: skip
        return {
            "topic": topic,
            "urls": PageUrls(topic, number, lens),
            "tree": tree,
            "arguments": node.arguments,
            "expanded": expanded,
            "sources_listed": listed_sources(page_shows),
        }


class TopicMoreView(TopicMapView):
    """The next claims about a position (the strongest, then the newest first) as an HTML
    fragment, from rank `start`: the topic page's "show more" link (a plain link, which
    the page's script loads in place). Position 0 is the claims at the top."""

    template_name = "argmap/includes/more_arguments.html"
    reads_page_plan = False  # another slice than the topic page's

    def read_slice(self, publication: Publication, pk: int, start: int, **kwargs) -> Slice:
        return arguments_slice(publication.pk, -pk, start=start, count=settings.TOPIC_MORE)

    def get_context_data(self, edition: Edition, pk: int, start: int, number: int | None = None) -> dict:
        topic, data, count = edition.topic, edition.data, settings.TOPIC_MORE
        if edition.slice is not None:
            tree, arguments = edition.slice.tree, edition.slice.arguments
            total = sum(tree.counts.get(-pk, (0, 0))) if pk else edition.slice.frame["layout"]["unattached"]
        else:
            tree = build_tree(data)
            everything = tree.arguments_of(-pk) if pk else tree.unattached
            arguments, total = everything[start : start + count], len(everything)
        if not arguments:
            raise Http404("No more claims there.")
        evaluate_shown(data, tree, [node for node in arguments if not node.is_reference], stored=edition.stored)
        urls = PageUrls(topic, number)
        left = max(total - start - count, 0)
        return {
            "topic": topic,
            "urls": urls,
            "tree": tree,
            "arguments": arguments,
            "expanded": set(),
            "sources_listed": 0,  # the page's numbered sources are not read: citations link the sources' pages
            "more": {"left": left, "count": min(left, count), "url": urls.more_of(-pk, start + count)},
        }


class TopicPathView(TopicMapView):
    """The claims from the top of a topic's tree down to one claim (JSON): the topic page
    loads the branches on that path to open the tree at `#claim-<id>`."""

    content_type = "application/json"

    def render_published(self, publication_id: int, topic: Topic, number: int | None, pk: int) -> str:
        path = path_to(publication_id, pk)
        if not path:
            raise Http404("No such claim in this topic.")
        return JsonResponse({"path": path}).content.decode()

    def render_content(self, edition: Edition, pk: int, number: int | None = None) -> str:
        path = build_tree(edition.data).path_to(pk)
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


def with_replies(stances: list[dict]) -> list[dict]:
    """Stances with the replies accepted from their stakeholders (one query, if any stance)."""
    if not stances:
        return stances
    replies: dict[int, list[Reply]] = {}
    for reply in Reply.objects.accepted().filter(stance__in=[row["id"] for row in stances]).order_by("decided_at"):
        replies.setdefault(reply.stance_id, []).append(reply)
    return [{**row, "replies": replies.get(row["id"], [])} for row in stances]


def unsaved(model, row: dict, **fields):
    """An unsaved instance of `model` from a row of a publication (its fields only)."""
    names = {field.attname for field in model._meta.concrete_fields} - {f"{name}_id" for name in fields}
    return model(**{name: value for name, value in row.items() if name in names}, **fields)


def published_topic_of(row: dict) -> Topic:
    """The topic as published, from its row in a publication (published: the public reads it)."""
    topic = topic_from_row(data_of(row))
    topic.status = TopicStatus.PUBLISHED
    return topic


def unversioned_topics(*rows) -> bool:
    """Whether any of `rows` (querysets of rows with a topic) belongs to a published topic
    that has no publication yet (published before publications existed, read live): one query."""
    topics = Q()
    for queryset in rows:
        topics |= Q(pk__in=queryset.values("topic_id"))
    return Topic.objects.published().filter(topics, publications__isnull=True).exists()


class ClaimDetailView(DetailView):
    """A claim, what it argues, the arguments about it, its sources and who holds it. The
    public reads it as its topic's latest publication has it (a claim added since is a 404);
    editors read the live map."""

    published: dict | None = None  # what the page shows of a publication (claim_page)

    def get_queryset(self):
        if reads_live(self.request.user):
            return Claim.objects.visible_to(self.request.user).select_related("topic")
        # a published topic that has no publication yet (published before they existed)
        return Claim.objects.public().filter(topic__publications__isnull=True).select_related("topic")

    def get_object(self, queryset=None):
        if reads_live(self.request.user):
            return super().get_object(queryset)
        found = claim_page(self.kwargs["pk"])
        if found is None:
            return super().get_object(queryset)
        row, self.published = found
        return unsaved(Claim, data_of(row), topic=published_topic_of(row["topic"]))

    def get_context_data(self, **kwargs):
        data = ClaimData(**self.published) if self.published is not None else load_claim(self.object.pk)
        claim, request = self.object, self.request
        return super().get_context_data(
            targets=by_polarity(data.targets),
            parent=data.targets[0] if data.targets else None,  # the breadcrumb's middle step
            arguments=by_polarity(data.arguments),
            citations=data.citations,
            stances=with_replies(with_labels(data.stances)),
            json_ld=sharing.json_ld(sharing.claim_json_ld(request, claim, data.citations)),
            share=sharing.share_context(
                request,
                title=claim.text,
                description=f"A claim in “{claim.topic.title}”: {claim.topic.question}",
                url=claim.get_absolute_url(),
                kind="article",
                image=reverse("argmap:topic-preview", kwargs={"slug": claim.topic.slug}),
                embed=reverse("argmap:claim-embed", kwargs={"pk": claim.pk}),
            ),
            **kwargs,
        )


class PositionDetailView(DetailView):
    """One position on its own (a focused, one-level view): its direct reasons for and
    against, each a link to the claim's own page, who holds it, and a breadcrumb back to
    the question. Plain links: it needs no JavaScript, and the back button works."""

    template_name = "argmap/position_detail.html"

    published: dict | None = None  # what the page shows of a publication (position_page)

    def get_queryset(self):
        visible = Topic.objects.visible_to(self.request.user)
        return Position.objects.filter(topic__in=visible, topic__slug=self.kwargs["slug"]).select_related("topic")

    def get_object(self, queryset=None):
        """For the public, the position as its topic's latest publication has it (a
        position added since is a 404); for editors, the live one."""
        if reads_live(self.request.user):
            return super().get_object(queryset)
        topic = get_object_or_404(Topic.objects.published().with_latest_publication(), slug=self.kwargs["slug"])
        if topic.latest_publication_id is None:  # published before publications existed
            return super().get_object(queryset)
        found = position_page(topic.latest_publication_id, self.kwargs["pk"], start=self.start(), count=self.step)
        if found is None:
            raise Http404("No such position in the published map.")
        self.published = found
        shown = published_topic_of(found["topic"])
        shown.slug = topic.slug
        return unsaved(Position, data_of(found["position"]), topic=shown)

    @property
    def step(self) -> int:
        return settings.TOPIC_MORE

    def start(self) -> int:
        # A page of its reasons at a time (?start=n): a position of a large map has thousands.
        try:
            return max(int(self.request.GET.get("start", 0)), 0)
        except ValueError:
            return 0

    def get_context_data(self, **kwargs):
        position, request = self.object, self.request
        start, step = self.start(), self.step
        if self.published is not None:
            reasons, counts, stances = self.published_reasons()
        else:
            reasons, counts, stances = self.live_reasons(start, step)
        total = counts["supporting"] + counts["opposing"]
        embed = reverse("argmap:position-embed", kwargs={"slug": position.topic.slug, "pk": position.pk})
        return super().get_context_data(
            topic=position.topic,
            reasons=reasons,
            reason_counts=counts,
            previous_start=max(start - step, 0) if start else None,
            next_start=start + step if start + step < total else None,
            stances=stances,
            share=sharing.share_context(
                request,
                title=f"{position.title} — {position.topic.title}",
                description=position.summary or position.topic.question,
                url=request.path,
                kind="article",
                image=reverse("argmap:topic-preview", kwargs={"slug": position.topic.slug}),
                embed=embed,
            ),
            **kwargs,
        )

    def published_reasons(self) -> tuple[dict, dict, list[dict]]:
        found = self.published
        reasons = {"for": [], "against": []}
        for link in found["reasons"]:
            reasons["for" if link["polarity"] == Polarity.SUPPORTS else "against"].append(link)
        return reasons, found["counts"], with_replies(with_labels(found["stances"]))

    def live_reasons(self, start: int, step: int) -> tuple[dict, dict, list[dict]]:
        position = self.object
        reasons_of = Link.objects.filter(target_position=position)
        counts = reasons_of.aggregate(
            supporting=Count("id", filter=Q(polarity=Polarity.SUPPORTS)),
            opposing=Count("id", filter=Q(polarity=Polarity.OPPOSES)),
        )
        links = (
            reasons_of.select_related("claim")
            .annotate(
                supporters=Count("claim__inbound_links", filter=Q(claim__inbound_links__polarity=Polarity.SUPPORTS)),
                opponents=Count("claim__inbound_links", filter=Q(claim__inbound_links__polarity=Polarity.OPPOSES)),
            )
            .order_by("id")[start : start + step]
        )
        reasons = {"for": [], "against": []}
        for link in links:
            reasons["for" if link.polarity == Polarity.SUPPORTS else "against"].append(link)
        stances = with_replies(
            with_labels(
                list(
                    Stance.objects.filter(position=position)
                    .order_by("stakeholder__name")
                    .values(
                        "id", "stance", "basis", "quote", "note", "held_on", "source_id",
                        slug=F("stakeholder__slug"), name=F("stakeholder__name"), source_title=F("source__title"),
                    )
                )
            )
        )  # fmt: skip
        return reasons, counts, stances


class ClaimEmbedView(ClaimDetailView):
    """A claim with its arguments and sources, for other sites' iframes."""

    template_name = "argmap/claim_embed.html"

    def get(self, request, *args, **kwargs):
        return framable(super().get(request, *args, **kwargs))


class StakeholderListView(ListView):
    template_name = "argmap/stakeholder_list.html"
    context_object_name = "stakeholders"

    def get_queryset(self):
        return Stakeholder.objects.public().select_related("parent").order_by("kind", "name")


class StakeholderDetailView(DetailView):
    """A stakeholder, its stances per topic, its relationships, parts and salience. The
    public reads them as the latest publications have them (a stakeholder no publication
    holds is a 404); editors read the live map (of published topics)."""

    def get_queryset(self):
        return Stakeholder.objects.public().select_related("parent")

    def get_context_data(self, **kwargs):
        editor = reads_live(self.request.user)
        data = None if editor else self.published()
        if data is not None:
            sections = lens_sections(self.object.name, data.lenses, data.stances)
        else:
            data = load_stakeholder(self.object.pk)
            # Editors see the live maps' lenses, computed once per version. The public reading
            # a map published before publications existed sees them with its first one.
            sections = (
                lens_sections(self.object.name, live_lenses(self.object.pk, data.stances), data.stances)
                if editor
                else []
            )
        stances = with_labels(data.stances)
        relationship_kinds = dict(RelationshipKind.choices)
        return super().get_context_data(
            lenses=sections,
            relationships=[{**row, "kind_label": relationship_kinds.get(row["kind"])} for row in data.relationships],
            asserted=[row for row in stances if row["claim_id"] and row["stance"] == Attitude.SUPPORTS],
            stances=stances,
            children=data.children,
            salience=data.salience,
            network=ego_network(
                {"slug": self.object.slug, "name": self.object.name, "kind": self.object.kind},
                data.relationships,
                {"slug": self.object.parent.slug, "name": self.object.parent.name, "kind": self.object.parent.kind}
                if self.object.parent
                else None,
                data.children,
                relationship_kinds,
            ),
            json_ld=sharing.json_ld(sharing.stakeholder_json_ld(self.request, self.object)),
            share=sharing.share_context(
                self.request,
                title=self.object.name,
                description=self.object.summary or f"{self.object.name}: what they argue, and with whom, on argmap.",
                url=self.object.get_absolute_url(),
                kind="profile",
            ),
            **kwargs,
        )

    def published(self) -> StakeholderData | None:
        """What the latest publications hold of the stakeholder, its name and summary as
        published; None for a stakeholder of maps published before publications existed."""
        stakeholder = self.object
        found = stakeholder_page(
            stakeholder.pk,
            Stance.objects.filter(stakeholder=stakeholder).values("id"),
            Relationship.objects.filter(Q(from_stakeholder=stakeholder) | Q(to_stakeholder=stakeholder)).values("id"),
            Salience.objects.filter(stakeholder=stakeholder).values("id"),
        )
        if found is None:
            # it, or a body it includes, in a topic published before publications existed
            involved = Q(stakeholder=stakeholder) | Q(stakeholder__parent=stakeholder)
            if unversioned_topics(Stance.objects.filter(involved), Salience.objects.filter(involved)):
                return None
            raise Http404("No published map holds this stakeholder.")
        for name in ("name", "kind", "summary", "url"):  # as published
            setattr(stakeholder, name, found["stakeholder"].get(name, getattr(stakeholder, name)))
        children = list(
            Stakeholder.objects.public()
            .filter(parent=stakeholder)
            .order_by("name")
            .values("id", "slug", "name", "kind")
        )
        return StakeholderData(
            relationships=found["relationships"],
            stances=found["stances"],
            children=children,
            salience=found["salience"],
            lenses=found["lenses"],
        )


def lens_sections(name: str, entries: list[dict], stances: list[dict]) -> list[StakeholderLens]:
    """The stakeholder page's "Through <name>'s lens" section, a part per topic it holds a
    stance in: from the lens summary stored (or cached) for it, or saying none was."""
    sections = {entry["topic_slug"]: stakeholder_lens(name, entry) for entry in entries}
    for row in stances:
        if row["topic_slug"] not in sections:
            sections[row["topic_slug"]] = StakeholderLens(row["topic_slug"], row["topic_title"], stored=False)
    return sorted(sections.values(), key=lambda section: (section.topic_title, section.topic_slug))


def live_lenses(stakeholder_id: int, stances: list[dict]) -> list[dict]:
    """For editors (the live maps): the lens summaries of `stakeholder_id` in the topics of
    its `stances`, as a publication would store them, computed once per version of each map
    (kept in the cache with every stakeholder's of that map): one query for the topics, then
    one per map not yet in the cache."""
    slugs = {row["topic_slug"] for row in stances}
    if not slugs:
        return []
    topics = list(Topic.objects.published().filter(slug__in=slugs))
    keys = {topic.cache_key("lenses"): topic for topic in topics}
    kept = cache.get_many(list(keys))
    entries = []
    for key, topic in keys.items():
        lenses = kept.get(key)
        if lenses is None:
            lenses = map_lens_entries(load_map(topic.pk, PAGE_COLUMNS))
            cache.set(key, lenses)
        summary = lenses["summaries"].get(stakeholder_id)
        if summary is not None:
            entries.append(
                {**lenses["names"], "summary": summary, "topic_slug": topic.slug, "topic_title": topic.title}
            )
    return entries


def map_lens_entries(data: MapData) -> dict:
    """A live map's lens summaries (loading.map_lenses) by stakeholder, as plain data for the
    cache, with the names of the positions, claims and stakeholders they name."""
    summaries = orjson.loads(orjson.dumps(map_lenses(data), option=orjson.OPT_NON_STR_KEYS))
    named = lens_named(summaries)
    return {
        "summaries": {summary["stakeholder_id"]: summary for summary in summaries},
        "names": {
            "positions": {row["id"]: row["title"] for row in data.positions},
            "claims": {row["id"]: row["text"] for row in data.claims if row["id"] in named["claims"]},
            "stakeholders": {
                row["id"]: {"slug": row["slug"], "name": row["name"]}
                for row in data.stakeholders
                if row["id"] in named["stakeholders"]
            },
        },
    }


class SourceDetailView(DetailView):
    """A source, its text with the passages its citations quote, the claims citing it and
    the stances it records. The public reads them as the latest publications have them (a
    source no publication holds is a 404); editors read the live map."""

    def get_queryset(self):
        return Source.objects.public().select_related("body")  # its text, with the quotes marked

    def get_context_data(self, **kwargs):
        if not reads_live(self.request.user) and (published := self.published()) is not None:
            citations, stances = published
        else:
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

    def published(self) -> tuple[list[Citation], list[Stance]] | None:
        """The citations and stances of the latest publications that name this source, as
        unsaved instances for the template; None for a source of maps published before
        publications existed. A source no publication holds is a 404."""
        source = self.object
        found = source_page(
            source.pk,
            Citation.objects.filter(source=source).values("id"),
            Stance.objects.filter(source=source).values("id"),
        )
        if found is None:
            if unversioned_topics(Citation.objects.filter(source=source), Stance.objects.filter(source=source)):
                return None
            raise Http404("No published map cites this source.")
        row = found["source"]
        for name in ("title", "url", "publisher", "author", "kind"):  # as published
            setattr(source, name, row.get(name, getattr(source, name)))
        source.published_on = parse_date(row["published_on"]) if row.get("published_on") else None
        topics = {row["publication_id"]: published_topic_of(row) for row in found["topic"].values()}
        claims = {
            claim_id: unsaved(Claim, data_of(row), topic=topics[row["publication_id"]])
            for claim_id, row in found["claims"].items()
        }
        positions = {
            position_id: unsaved(Position, data_of(row), topic=topics[row["publication_id"]])
            for position_id, row in found["positions"].items()
        }
        stakeholders = {pk: unsaved(Stakeholder, data_of(row)) for pk, row in found["stakeholders"].items()}
        citations = [
            unsaved(Citation, data_of(row), claim=claims[row["claim_id"]])
            for row in found["citations"]
            if row["claim_id"] in claims
        ]
        citations.sort(key=lambda citation: (citation.claim.topic.title, citation.claim_id))
        stances = [
            unsaved(
                Stance,
                data_of(row),
                stakeholder=stakeholders[row["stakeholder_id"]],
                position=positions.get(row["position_id"]),
                claim=claims.get(row["claim_id"]),
            )
            for row in found["stances"]
            if row["stakeholder_id"] in stakeholders
        ]
        return citations, stances


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
            results = search(query, request.user)
        context = self.get_context_data(form=form, query=query, results=results, **kwargs)
        return self.render_to_response(context, status=400 if form.errors else 200)


class RecentChangesFeed(Feed):
    """An Atom feed of the published maps: an entry per publication, saying what changed,
    most recent first (and, for a topic published before publications existed, an entry
    per change of its live map)."""

    feed_type = Atom1Feed
    title = "argmap: recent changes"
    subtitle = "Published argument maps: each new version and what changed."

    def link(self):
        return reverse("argmap:home")

    def items(self):
        publications = list(
            Publication.objects.public().without_documents().select_related("topic").order_by("-published_at")[:50]
        )
        unversioned = list(Topic.objects.published().filter(publications__isnull=True).order_by("-changed_at")[:50])
        entries = [PublicationEntry(p) for p in publications] + [TopicEntry(t) for t in unversioned]
        return sorted(entries, key=lambda entry: entry.updated, reverse=True)[:50]

    # XML 1.0 cannot hold control characters: validation refuses them, but one stored
    # by other means must not make the feed a 500 for everyone.
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.description)

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        # A new entry for each version: feed readers show every change.
        return item.guid

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.updated


class PublicationEntry:
    """A feed entry for one publication."""

    def __init__(self, publication: Publication):
        topic = publication.topic
        self.title = f"{topic.title}: version {publication.number}" + (
            " (a correction)" if publication.is_correction else ""
        )
        parts = [publication.changes]
        if publication.is_correction:
            parts.append(f"Correction: {publication.correction_note}")
        if publication.note:
            parts.append(publication.note)
        self.description = " ".join(parts)
        self.link = publication.get_absolute_url()
        self.guid = f"urn:argmap:topic:{topic.slug}:publication:{publication.number}"
        self.updated = publication.published_at


class TopicEntry:
    """A feed entry for a change of a published topic that has no publication yet."""

    def __init__(self, topic: Topic):
        self.title = topic.title
        self.description = topic.question
        self.link = topic.get_absolute_url()
        self.guid = f"urn:argmap:topic:{topic.slug}:version:{topic.version}"
        self.updated = topic.changed_at


class TopicFeed(RecentChangesFeed):
    """One topic's publications as an Atom feed: what changed in each version."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.visible_to(request.user), slug=slug)

    def title(self, topic):
        return f"argmap: {topic.title}"

    def subtitle(self, topic):
        return f"Each published version of the map of “{topic.question}” and what changed."

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        publications = topic.publications.without_documents().select_related("topic").order_by("-number")[:50]
        return [PublicationEntry(p) for p in publications]


# ---------------------------------------------------------------------------
# Publications: every version of a topic, what changed, corrections
# ---------------------------------------------------------------------------


class TopicPublicationsView(DetailView):
    """A topic's published versions, newest first, each with what changed and its diff."""

    template_name = "argmap/publication_list.html"
    context_object_name = "topic"

    def get_queryset(self):
        return Topic.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        publications = list(self.object.publications.without_documents().order_by("-number"))
        return super().get_context_data(publications=publications, corrections_only=False, **kwargs)


class TopicCorrectionsView(TopicPublicationsView):
    """A topic's corrections log: the publications that corrected an earlier one."""

    def get_context_data(self, **kwargs):
        publications = list(self.object.publications.without_documents().corrections().order_by("-number"))
        return DetailView.get_context_data(self, publications=publications, corrections_only=True, **kwargs)


class CorrectionsView(ListView):
    """Every correction of a published map, newest first: the site's corrections log."""

    template_name = "argmap/correction_list.html"
    context_object_name = "corrections"

    def get_queryset(self):
        return (
            Publication.objects.public()
            .corrections()
            .without_documents()
            .select_related("topic")
            .order_by("-published_at")[:200]
        )


class PublicationDiffView(TemplateView):
    """What changed between two publications of a topic: row by row, and in words. Both
    never change, so neither does this page."""

    template_name = "argmap/publication_diff.html"

    def get(self, request, slug, old, new):
        topic = get_object_or_404(Topic.objects.visible_to(request.user), slug=slug)
        found = {p.number: p for p in topic.publications.filter(number__in=[old, new])}
        if old >= new or old not in found or new not in found:
            raise Http404("No such pair of versions.")
        before, after = found[old], found[new]
        document, previous = orjson.loads(after.snapshot), orjson.loads(before.snapshot)
        diff = map_diff(previous, document, orjson.loads(before.analysis), orjson.loads(after.analysis))
        response = self.render_to_response(
            self.get_context_data(
                topic=topic,
                before=before,
                after=after,
                words=describe(diff, document),
                lines=diff_lines(diff, previous, document),
                verdicts=diff.verdicts,
            )
        )
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
        return response


def bad_request(request, exception):
    """A 400, or a 413 that says what to do when a form carried more than
    DATA_UPLOAD_MAX_MEMORY_SIZE (a source's text pasted instead of uploaded): Django's
    own answer is a bare "Bad Request (400)". Rendered without the request, whose body
    is what was refused."""
    if isinstance(exception, RequestDataTooBig):
        limit_mb = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}"
        return HttpResponse(render_to_string("413.html", {"limit_mb": limit_mb}), status=413)
    return defaults.bad_request(request, exception)
