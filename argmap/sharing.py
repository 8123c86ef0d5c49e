"""Pages that travel: what a link to argmap shows when it is shared or embedded.

- **Open Graph and Twitter cards** (the `share` context of topic, claim and stakeholder
  pages, written by templates/argmap/includes/share_meta.html), with a preview image per
  topic (`TopicPreviewView`, drawn by argmap.preview once per publication, or per
  version of the live map for editors, by a worker ahead or by the first request).
- **JSON-LD** (schema.org): a topic is a `Question` whose positions are its suggested
  `Answer`s, a claim a `Claim` with the sources it `appearance`s in and `citation`s, a
  stakeholder an `Organization` (or a `GovernmentOrganization`).
- **oEmbed** (`OEmbedView`, `/oembed/?url=…`, JSON): the embed code for a topic, a
  position or a claim of this site, discovered through a `<link rel="alternate">`.
- **Embeds**: the code to copy (`embed_code`), an `<iframe>` and a small script that sizes
  it to its content (static/argmap/embed.js, which only believes messages from this site).

Drafts are 404 here as everywhere: the same QuerySets decide what the public sees.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views import View

from argmap.conditional import topic_response
from argmap.models import Claim, Position, Publication, PublishedRow, Stakeholder, StakeholderKind, Topic, web_url
from argmap.preview import HEIGHT as PREVIEW_HEIGHT
from argmap.preview import WIDTH as PREVIEW_WIDTH
from argmap.preview import PositionSummary, render_preview
from argmap.publishing import reads_live

MAX_URL_LENGTH = 2000
"""oEmbed refuses longer `url` parameters (a 400): no page of this site has a longer address."""

EMBED_WIDTH, EMBED_HEIGHT = 640, 600
"""The embed's size when the consumer sets no `maxwidth` / `maxheight`."""

# What json_script escapes, so that no text can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> str:
    """A `<script type="application/ld+json">` element holding `data`, escaped as Django's
    json_script escapes (no text inside can end the element); browsers do not run it, so
    the Content-Security-Policy allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', _Raw(text))


class _Raw(str):
    """Already-escaped JSON text for format_html (see json_ld)."""

    def __html__(self) -> str:
        return self


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ---------------------------------------------------------------------------
# Structured data (schema.org JSON-LD)
# ---------------------------------------------------------------------------


def topic_json_ld(request: HttpRequest, topic: Topic, positions: list[dict[str, Any]]) -> dict[str, Any]:
    """A topic as a schema.org Question; `positions` are {id, title, summary} rows."""
    url = request.build_absolute_uri(topic.get_absolute_url())
    return {
        "@context": "https://schema.org",
        "@type": "Question",
        "name": topic.title,
        "text": topic.question,
        "abstract": topic.summary or None,
        "url": url,
        "datePublished": topic.published_at,
        "dateModified": topic.changed_at,
        "answerCount": len(positions),
        "suggestedAnswer": [
            {
                "@type": "Answer",
                "text": f"{row['title']}. {row['summary']}" if row.get("summary") else row["title"],
                "url": f"{url}#position-{row['id']}",
            }
            for row in positions
        ],
        "image": request.build_absolute_uri(reverse("argmap:topic-preview", kwargs={"slug": topic.slug})),
    }


def claim_json_ld(request: HttpRequest, claim: Claim, citations: list[dict[str, Any]]) -> dict[str, Any]:
    """A claim as a schema.org Claim, with the sources it appears in (each citation's quote)."""
    works = []
    for row in citations:
        work = {"@type": "CreativeWork", "name": row["title"]}
        if web_url(row.get("url")):
            work["url"] = row["url"]
        if row.get("publisher"):
            work["publisher"] = {"@type": "Organization", "name": row["publisher"]}
        if row.get("published_on"):
            work["datePublished"] = row["published_on"]
        if row.get("quote"):
            work["text"] = row["quote"]
        works.append(work)
    return {
        "@context": "https://schema.org",
        "@type": "Claim",
        "text": claim.text,
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "dateModified": claim.updated_at,
        "isPartOf": {
            "@type": "Question",
            "name": claim.topic.title,
            "url": request.build_absolute_uri(claim.topic.get_absolute_url()),
        },
        "appearance": works,
        "citation": works,
    }


GOVERNMENTAL = {StakeholderKind.GOVERNMENT, StakeholderKind.REGULATOR}


def stakeholder_json_ld(request: HttpRequest, stakeholder: Stakeholder) -> dict[str, Any]:
    """A stakeholder as a schema.org Organization (GovernmentOrganization for governments and regulators)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization" if stakeholder.kind in GOVERNMENTAL else "Organization",
        "name": stakeholder.name,
        "url": request.build_absolute_uri(stakeholder.get_absolute_url()),
        "description": stakeholder.summary or None,
    }
    if web_url(stakeholder.url):
        data["sameAs"] = stakeholder.url
    if stakeholder.parent_id:
        data["parentOrganization"] = {
            "@type": "Organization",
            "name": stakeholder.parent.name,
            "url": request.build_absolute_uri(stakeholder.parent.get_absolute_url()),
        }
    return data


# ---------------------------------------------------------------------------
# Open Graph / Twitter cards and embed code
# ---------------------------------------------------------------------------


def share_context(
    request: HttpRequest,
    *,
    title: str,
    description: str,
    url: str,
    kind: str,
    image: str | None = None,
    embed: str | None = None,
) -> dict[str, Any]:
    """What templates/argmap/includes/share_meta.html writes in a page's <head>: Open
    Graph and Twitter card tags, and the oEmbed discovery link when the page embeds."""
    absolute = request.build_absolute_uri(url)
    context = {
        "title": shorten(title, 200),
        "description": shorten(description, 300),
        "url": absolute,
        "type": kind,
        "image": request.build_absolute_uri(image) if image else None,
        "image_width": PREVIEW_WIDTH,
        "image_height": PREVIEW_HEIGHT,
    }
    if embed:
        context["oembed"] = request.build_absolute_uri(reverse("argmap:oembed")) + "?" + urlencode({"url": absolute})
        context["embed_code"] = embed_code(request, embed, title)
    return context


def embed_code(request: HttpRequest, embed_url: str, title: str, width: int | None = None, height: int = 600) -> str:
    """The HTML a reader copies into their page: an iframe of the embed view and the script
    that sizes it to its content."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0;max-width:100%" loading="lazy"></iframe>'
        '<script async src="{}"></script>',
        request.build_absolute_uri(embed_url),
        shorten(title, 120),
        width or "100%",
        height,
        request.build_absolute_uri(static("argmap/embed.js")),
    )


# ---------------------------------------------------------------------------
# The preview image
# ---------------------------------------------------------------------------


PREVIEW_DRAWING_SECONDS = 20
"""How long one request or worker may hold the right to draw an image; the others wait
for it as long (polling the cache), then draw it themselves."""


def preview_key(topic: Topic, publication: Publication | None, site: str) -> str:
    """The cache key of the image of this version of the topic (its publication for the
    public, its live map for editors), as drawn for `site` (its footer)."""
    made_from = publication if publication is not None else topic
    return made_from.cache_key("preview.png", site)


def preview_of(topic: Topic, publication: Publication | None, site: str) -> bytes:
    """The image drawn from the publication's rows (what the public reads) or, with no
    publication, from the live map: two queries."""
    if publication is None:
        title, question = topic.title, topic.question
        positions = [
            PositionSummary(p.title, p.supporting, p.opposing)
            for p in Position.objects.filter(topic=topic)
            .annotate(
                supporting=Count("inbound_links", filter=Q(inbound_links__polarity="supports")),
                opposing=Count("inbound_links", filter=Q(inbound_links__polarity="opposes")),
            )
            .order_by("order", "id")
        ]
    else:
        rows = PublishedRow.objects.of(publication.pk, "positions") | PublishedRow.objects.of(publication.pk, "topic")
        title, question, positions = topic.title, topic.question, []
        for row in rows.order_by("rank", "object_id").values("part", "data", "layout"):
            data = json.loads(row["data"])
            if row["part"] == "topic":
                title, question = data["title"], data["question"]
            else:  # the counts the publication's page shows
                supporting, opposing = json.loads(row["layout"])["counts"]
                positions.append(PositionSummary(data["title"], supporting, opposing))
    return render_preview(title=title, question=question, positions=positions, site=site)


def kept_preview(topic: Topic, publication: Publication | None, site: str) -> tuple[bytes, str]:
    """The image from the cache, or drawn once and kept: with it, "cached" or "drawn".

    Single-flight: whoever first misses it (a worker's draw_preview, or a request) draws
    it; the others wait for that drawing rather than draw the same image again, and draw
    it themselves only if it is not there within PREVIEW_DRAWING_SECONDS (the drawer
    died), or at once when the cache cannot keep anything (a failing cache answers as
    an empty one: no lock held, nothing to wait for)."""
    key = preview_key(topic, publication, site)
    content = cache.get(key)
    if content is not None:
        return content, "cached"
    lock = f"{key}:drawing"
    if not cache.add(lock, 1, PREVIEW_DRAWING_SECONDS):
        deadline = time.monotonic() + PREVIEW_DRAWING_SECONDS
        while time.monotonic() < deadline and cache.get(lock) is not None:
            time.sleep(0.05)
            content = cache.get(key)
            if content is not None:
                return content, "cached"
    try:
        content = preview_of(topic, publication, site)
        cache.set(key, content)
    finally:
        cache.delete(lock)
    return content, "drawn"


class TopicPreviewView(View):
    """`/topics/<slug>/preview.png`: the image shown when a topic is shared, of what this
    reader reads: the latest publication for the public, the live map for editors.

    A worker draws a publication's image ahead, once it is committed (tasks.draw_preview).
    A request that finds no image draws it itself, once (kept_preview), rather than
    serve the previous version's image: a social network fetches the image when the link
    is first shared and keeps it, so the first answer has to be the right one."""

    def get(self, request, slug):
        topic = get_object_or_404(Topic.objects.visible_to(request.user).with_latest_publication(), slug=slug)
        publication = None
        if topic.latest_publication_id is not None and not reads_live(request.user):
            publication = Publication(
                pk=topic.latest_publication_id,
                topic_id=topic.pk,
                number=topic.latest_publication_number,
                published_at=topic.latest_published_at,
            )  # the columns its key and rows need, from the annotations: no query
            etag = f'"topic-{topic.pk}-p{publication.pk}-preview"'
        else:
            etag = f'"topic-{topic.pk}-v{topic.version}-preview"'
        return topic_response(
            request,
            topic,
            lambda: HttpResponse(kept_preview(topic, publication, request.get_host())[0], content_type="image/png"),
            etag=etag,
            changed_at=publication.published_at if publication is not None else None,
        )


# ---------------------------------------------------------------------------
# oEmbed
# ---------------------------------------------------------------------------


class OEmbedError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def _dimension(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not 0 < int(value) <= 10000:
        raise OEmbedError(400, f"{name} must be a whole number of pixels from 1 to 10000, not {shorten(value, 40)!r}.")
    return min(default, int(value))


class OEmbedView(View):
    """`/oembed/?url=<a topic, position or claim page of this site>` (oEmbed 1.0, JSON only):
    the `rich` embed of that page. Another site's address, a draft, or a page that cannot be
    embedded is a 404; a bad parameter a 400; any format but JSON a 501 (as the
    specification says)."""

    def get(self, request):
        try:
            return JsonResponse(self.response_for(request))
        except OEmbedError as error:
            return JsonResponse({"detail": error.detail}, status=error.status)

    def response_for(self, request: HttpRequest) -> dict[str, Any]:
        url = request.GET.get("url", "")
        if not url:
            raise OEmbedError(400, "url is required: the address of a topic, position or claim page of this site.")
        if len(url) > MAX_URL_LENGTH:
            raise OEmbedError(400, f"url is longer than {MAX_URL_LENGTH} characters; no page of this site is.")
        if request.GET.get("format", "json") != "json":
            raise OEmbedError(501, "Only format=json is offered.")
        width = _dimension(request, "maxwidth", EMBED_WIDTH)
        height = _dimension(request, "maxheight", EMBED_HEIGHT)
        title, embed_url, topic = self.embeddable(request, url)
        return {
            "version": "1.0",
            "type": "rich",
            "provider_name": "argmap",
            "provider_url": request.build_absolute_uri("/"),
            "title": title,
            "html": embed_code(request, embed_url, title, width=width, height=height),
            "width": width,
            "height": height,
            "thumbnail_url": request.build_absolute_uri(reverse("argmap:topic-preview", kwargs={"slug": topic.slug})),
            "thumbnail_width": PREVIEW_WIDTH,
            "thumbnail_height": PREVIEW_HEIGHT,
            "cache_age": 300,
        }

    def embeddable(self, request: HttpRequest, url: str) -> tuple[str, str, Topic]:
        """The title, embed address and topic of the page at `url`, if this site embeds it for this reader."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.get_host().lower():
            raise OEmbedError(404, "Not a page of this site: oEmbed answers for this site's own addresses only.")
        try:
            match = resolve(parts.path)
        except Resolver404:
            raise OEmbedError(404, "No page of this site has that address.") from None
        visible = Topic.objects.visible_to(request.user)
        if match.view_name == "argmap:topic-detail":
            topic = visible.filter(slug=match.kwargs["slug"]).first()
            if topic is None:
                raise OEmbedError(404, "No published topic has that address.")
            position_id = parts.fragment.removeprefix("position-")
            if parts.fragment.startswith("position-") and position_id.isdigit():
                position = Position.objects.filter(topic=topic, pk=int(position_id)).first()
                if position is None:
                    raise OEmbedError(404, "This topic has no such position.")
                embed = reverse("argmap:position-embed", kwargs={"slug": topic.slug, "pk": position.pk})
                return f"{position.title} — {topic.title}", embed, topic
            return topic.title, reverse("argmap:topic-embed", kwargs={"slug": topic.slug}), topic
        if match.view_name == "argmap:claim-detail":
            claim = Claim.objects.filter(topic__in=visible, pk=match.kwargs["pk"]).select_related("topic").first()
            if claim is None:
                raise OEmbedError(404, "No published claim has that address.")
            return shorten(claim.text, 120), reverse("argmap:claim-embed", kwargs={"pk": claim.pk}), claim.topic
        raise OEmbedError(404, "Only topic, position and claim pages can be embedded.")
