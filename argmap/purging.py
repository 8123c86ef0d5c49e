"""Purging a CDN when a topic is published, so readers get the new publication at once
instead of after PUBLIC_S_MAXAGE seconds.

Optional, and off unless configured (docs/deployment.md, "Purging a CDN"):

- PURGE_URL: a request per page, made with PURGE_METHOD ("PURGE" by default, as Varnish
  and Fastly take it; "POST" for most purge APIs) to the template with `{url}` (the
  page's absolute address, from SITE_URL), `{url_quoted}` (the same, for a query string)
  or `{path}` filled in. E.g. `{url}` itself, or `https://cdn.example/purge?u={url_quoted}`.
- PURGE_HOOK: the dotted path of a function given the list of absolute addresses, for a
  CDN that wants something else (one batch call, a signed request).

A publication's own address (/topics/<slug>/v/<n>/) never changes and needs no purge;
the pages that show the topic's latest publication do. They are purged once the
publication is committed, in a background task when there is a worker. A failure is
logged and never undoes or delays the publication: the CDN then serves the old page
until its copy expires.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string

logger = logging.getLogger("argmap.purging")

# The pages that show a topic's latest publication, or list publications.
TOPIC_PAGES = [
    "topic-detail",
    "topic-analysis",
    "topic-preview",
    "topic-publications",
    "topic-corrections",
    "topic-feed",
]
SITE_PAGES = ["home", "feed", "corrections", "sitemap"]


def enabled() -> bool:
    return bool(settings.PURGE_URL or settings.PURGE_HOOK)


def topic_urls(slug: str) -> list[str]:
    paths = [reverse(f"argmap:{name}", kwargs={"slug": slug}) for name in TOPIC_PAGES]
    paths += [reverse(f"argmap:{name}") for name in SITE_PAGES]
    return [settings.SITE_URL.rstrip("/") + path for path in paths]


def request_purge(url: str) -> None:
    """One request of PURGE_URL for the page at `url`; raises unless the answer is 2xx."""
    path = urllib.parse.urlsplit(url).path
    target = settings.PURGE_URL.format(url=url, url_quoted=urllib.parse.quote(url, safe=""), path=path)
    request = urllib.request.Request(target, method=settings.PURGE_METHOD)  # noqa: S310 - the operator's URL
    with urllib.request.urlopen(request, timeout=settings.PURGE_TIMEOUT) as response:  # noqa: S310
        response.read()


def purge(urls: list[str]) -> int:
    """Purge `urls` through PURGE_HOOK or PURGE_URL; returns how many failed (each logged)."""
    if settings.PURGE_HOOK:
        try:
            import_string(settings.PURGE_HOOK)(urls)
        except Exception:
            logger.warning("The CDN purge (PURGE_HOOK %s) failed", settings.PURGE_HOOK, exc_info=True)
            return len(urls)
        return 0
    failed = 0
    for url in urls:
        try:
            request_purge(url)
        except (OSError, ValueError) as error:  # refused, timed out, an HTTP error, a bad template
            failed += 1
            logger.warning("The CDN purge of %s failed (%s: %s)", url, type(error).__name__, error)
    return failed


@shared_task(ignore_result=True)
def purge_topic(slug: str) -> int:
    failed = purge(urls := topic_urls(slug))
    logger.info("CDN purge after publishing %s: %d of %d pages purged", slug, len(urls) - failed, len(urls))
    return failed


def purge_after_publishing(sender, instance, created, **kwargs):
    """post_save of a Publication (connected in argmap.apps): once the publication is
    committed, purge its topic's pages."""
    if created and enabled():
        slug = instance.topic.slug
        transaction.on_commit(lambda: purge_later(slug))


def purge_later(slug: str) -> None:
    try:
        purge_topic.apply_async((slug,), retry=False)  # inline when there is no worker
    except Exception:
        logger.warning("Could not purge the CDN after publishing %s", slug, exc_info=True)
