"""sitemap.xml: the home page, the stakeholder list, and every published topic, claim,
stakeholder and source the public may see. Each section is one query (its items are a
list, so the paginator needs no COUNT)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from argmap.models import Claim, Source, Stakeholder, Topic


class PagesSitemap(Sitemap):
    def items(self):
        return ["argmap:home", "argmap:stakeholder-list"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(Sitemap):
    def items(self):
        return list(Topic.objects.published().only("slug", "changed_at"))

    def lastmod(self, item):
        return item.changed_at


class ClaimSitemap(Sitemap):
    def items(self):
        return list(Claim.objects.published().only("pk", "updated_at").order_by("pk"))

    def lastmod(self, item):
        return item.updated_at


class StakeholderSitemap(Sitemap):
    def items(self):
        return list(Stakeholder.objects.public().only("slug", "updated_at"))

    def lastmod(self, item):
        return item.updated_at


class SourceSitemap(Sitemap):
    def items(self):
        return list(Source.objects.public().only("pk", "updated_at").order_by("pk"))

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "topics": TopicSitemap,
    "claims": ClaimSitemap,
    "stakeholders": StakeholderSitemap,
    "sources": SourceSitemap,
}
