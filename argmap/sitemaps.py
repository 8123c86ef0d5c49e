"""The sitemap: an index at /sitemap.xml, and a section per kind of public page at
/sitemap-<section>.xml (the home page and stakeholder list; published topics and claims;
the stakeholders and sources the public may see), each split into pages of at most
50,000 addresses as the sitemap protocol requires (`?p=2`…).

The index costs one query (how many items each section has, and when the latest
changed), a section page two (Django's paginator counts the section, then reads the page).
"""

import datetime
from math import ceil

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import CharField, Count, Max, QuerySet, Value
from django.template.response import TemplateResponse
from django.urls import reverse

from argmap.models import Claim, Source, Stakeholder, Topic


class PagesSitemap(Sitemap):
    def items(self):
        return ["argmap:home", "argmap:stakeholder-list"]

    def location(self, item):
        return reverse(item)


class MapSitemap(Sitemap):
    """A section of public objects, read a page at a time; `changed` names the field that
    says when each last changed."""

    changed = "updated_at"
    key = "pk"

    def public(self) -> QuerySet:
        raise NotImplementedError

    def items(self):
        return self.public().only(self.key, self.changed).order_by("pk")

    def lastmod(self, item):
        return getattr(item, self.changed)


class TopicSitemap(MapSitemap):
    changed, key = "changed_at", "slug"

    def public(self):
        return Topic.objects.published()


class ClaimSitemap(MapSitemap):
    def public(self):
        return Claim.objects.published()


class StakeholderSitemap(MapSitemap):
    key = "slug"

    def public(self):
        return Stakeholder.objects.public()


class SourceSitemap(MapSitemap):
    def public(self):
        return Source.objects.public()


SITEMAPS = {
    "pages": PagesSitemap,
    "topics": TopicSitemap,
    "claims": ClaimSitemap,
    "stakeholders": StakeholderSitemap,
    "sources": SourceSitemap,
}


def section_sizes() -> dict[str, tuple[int, datetime.datetime | None]]:
    """{section: (how many items, when the latest changed)} of every MapSitemap, in one
    query (a UNION ALL of one COUNT and MAX per section)."""
    sizes = [
        sitemap()
        .public()
        .order_by()
        .values(section=Value(name, output_field=CharField()))
        .annotate(count=Count("pk"), latest=Max(sitemap.changed))
        .values("section", "count", "latest")
        for name, sitemap in SITEMAPS.items()
        if issubclass(sitemap, MapSitemap)
    ]
    return {row["section"]: (row["count"], row["latest"]) for row in sizes[0].union(*sizes[1:], all=True)}


def index(request):
    """/sitemap.xml: every page of every section, with when it last changed."""
    entries = [SitemapIndexItem(request.build_absolute_uri(section_url("pages")), None)]
    for name, (count, latest) in section_sizes().items():
        for page in range(1, max(1, ceil(count / SITEMAPS[name].limit)) + 1):
            entries.append(SitemapIndexItem(request.build_absolute_uri(section_url(name, page)), latest))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def section_url(name: str, page: int = 1) -> str:
    url = reverse("argmap:sitemap-section", kwargs={"section": name})
    return url if page == 1 else f"{url}?p={page}"
