"""The sitemap: an index at /sitemap.xml, and a section per kind of public page at
/sitemap-<section>.xml (the home page and stakeholder list; published topics and claims;
the stakeholders and sources the public may see), each split into pages of at most
50,000 addresses as the sitemap protocol requires (`?p=2`…).

It lists what the public reads (issue 16): what the latest publications hold, from their
records (`PublicRecord`, api/public_records.py), each with the date of its publication;
a claim added since is not listed, one deleted since still is (its page is the
publication's). The topics published before records existed, and not since, are read
live until their next publication, on the site's API as here: their rows are listed
live, with when they last changed (`public_records.live_topics`).

The index costs one query (how many items each section has, and when the latest
changed), a section page two (Django's paginator counts the section, then reads the page).
"""

import datetime
from math import ceil

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import CharField, Count, F, Max, OuterRef, QuerySet, Subquery, Value
from django.template.response import TemplateResponse
from django.urls import reverse

from argmap.api.public_records import PARTS, TOPIC, live_topics, records_of
from argmap.models import Claim, Stakeholder, Topic


class PagesSitemap(Sitemap):
    def items(self):
        return ["argmap:home", "argmap:stakeholder-list"]

    def location(self, item):
        return reverse(item)


class MapSitemap(Sitemap):
    """A section of public pages, read a page at a time, as rows {"key": what the page's
    address is made of, "changed": when it last changed}: the records of the latest
    publications (`published`) and the live rows of the topics read live (`live`)."""

    part: str  # the records' part
    url_name: str
    url_kwarg = "pk"

    def published(self) -> QuerySet:
        """The part's records the public reads, each with its publication's date."""
        return records_of(PARTS[self.part]).values(key=F("object_id"), changed=F("publication__published_at"))

    def live(self) -> QuerySet:
        raise NotImplementedError

    def sections(self) -> list[QuerySet]:
        return [self.published().order_by(), self.live().order_by()]

    def items(self):
        published, live = self.sections()
        return published.union(live, all=True).order_by("key")

    def location(self, item):
        return reverse(self.url_name, kwargs={self.url_kwarg: item["key"]})

    def lastmod(self, item):
        return item["changed"]


class TopicSitemap(MapSitemap):
    part, url_name, url_kwarg = TOPIC, "argmap:topic-detail", "slug"

    def published(self):
        # A topic's address is its slug of now, as everywhere on the site.
        return records_of(PARTS[TOPIC]).values(key=F("topic__slug"), changed=F("publication__published_at"))

    def live(self):
        return Topic.objects.filter(pk__in=live_topics()).values(key=F("slug"), changed=F("changed_at"))


class ClaimSitemap(MapSitemap):
    part, url_name = "claim", "argmap:claim-detail"

    def live(self):
        return Claim.objects.filter(topic__in=live_topics()).values(key=F("pk"), changed=F("updated_at"))


class StakeholderSitemap(MapSitemap):
    part, url_name, url_kwarg = "stakeholder", "argmap:stakeholder-detail", "slug"

    def published(self):
        # A stakeholder's page is found by its slug of now (a stakeholder deleted since has none).
        slug = Subquery(Stakeholder.objects.filter(pk=OuterRef("object_id")).order_by().values("slug")[:1])
        records = records_of(PARTS[self.part]).annotate(key=slug).filter(key__isnull=False)
        return records.values("key", changed=F("publication__published_at"))

    def live(self):
        recorded = records_of(PARTS[self.part]).values("object_id")
        rows = PARTS[self.part].included(live_topics()).exclude(pk__in=recorded)
        return rows.values(key=F("slug"), changed=F("updated_at"))


class SourceSitemap(MapSitemap):
    part, url_name = "source", "argmap:source-detail"

    def live(self):
        recorded = records_of(PARTS[self.part]).values("object_id")
        rows = PARTS[self.part].included(live_topics()).exclude(pk__in=recorded)
        return rows.values(key=F("pk"), changed=F("updated_at"))


SITEMAPS = {
    "pages": PagesSitemap,
    "topics": TopicSitemap,
    "claims": ClaimSitemap,
    "stakeholders": StakeholderSitemap,
    "sources": SourceSitemap,
}


def section_sizes() -> dict[str, tuple[int, datetime.datetime | None]]:
    """{section: (how many items, when the latest changed)} of every MapSitemap, in one
    query (a UNION ALL of one COUNT and MAX per section's records and live rows)."""
    sizes = [
        rows.values(section=Value(name, output_field=CharField()))
        .annotate(count=Count("key"), latest=Max("changed"))
        .values("section", "count", "latest")
        for name, sitemap in SITEMAPS.items()
        if issubclass(sitemap, MapSitemap)
        for rows in sitemap().sections()
    ]
    found: dict[str, tuple[int, datetime.datetime | None]] = {}
    for row in sizes[0].union(*sizes[1:], all=True):
        count, latest = found.get(row["section"], (0, None))
        changes = [moment for moment in (latest, row["latest"]) if moment is not None]
        found[row["section"]] = (count + row["count"], max(changes, default=None))
    return found


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
