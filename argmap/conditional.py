"""Conditional GET for everything derived from a topic's map (the topic page, the map,
the analysis, the exports): an ETag and Last-Modified from the topic's version, and a 304
from Django's own `get_conditional_response` when the client already has that version.
The topic is the only query a 304 costs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from argmap.caching import patch_reader_cache_control

if TYPE_CHECKING:
    from argmap.models import Topic


def topic_response(
    request: HttpRequest,
    topic: Topic,
    respond: Callable[[], HttpResponseBase],
    *,
    etag: str | None = None,
    changed_at: datetime | None = None,
) -> HttpResponseBase:
    """`respond()`, or a 304 if the client has this version of `topic` (If-None-Match, or
    If-Modified-Since). `etag` tells apart several things derived from one version (the
    topic's own ETag by default); `changed_at` is when what is served last changed (the
    topic's map by default; a publication's date when the public reads one)."""
    etag = etag or topic.etag
    last_modified = int((changed_at or topic.changed_at).timestamp())  # HTTP dates count whole seconds
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond()
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    patch_reader_cache_control(response, request, public=topic.is_published)
    return response
