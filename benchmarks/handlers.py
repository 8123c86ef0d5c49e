"""The requests the benchmarks time and weigh, by name: where each one goes in a topic of
the benchmark (its URL) and who makes it (an anonymous reader, or a logged-in editor for
the admin). The site, API and admin areas time them; the memory area weighs them (peak
memory and bytes of each response)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import orjson
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from argmap.models import Claim, Link, Topic

UNTHROTTLED = "1000000/second"  # the benchmark is one client making many requests
COMMON_WORD = "public"  # in every claim of a synthetic map (argmap.synthetic.sentence)
RARE_WORD = "stakeholder"  # in no claim: only in the names of the map's stakeholders
CURSOR_HOPS = 20  # with keyset pages (no page numbers), the deep page is this many `next` links on


@dataclass(frozen=True)
class Request:
    """A GET the benchmarks make: `what` it is, its `url`, whether an editor makes it, and
    its budget of queries (QUALITY.md), if it has one."""

    what: str
    url: str
    editor: bool = False
    queries: int | None = None


# QUALITY.md's budgets of queries per request: "constant in the size of the map".
PUBLIC_PAGE, MAP, LIST, DETAIL, CHANGELIST = 3, 3, 2, 4, 6


def unthrottled():
    """The API's limits lifted: the benchmark is one client making many requests."""
    return mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": UNTHROTTLED, "import": UNTHROTTLED})


def reader() -> Client:
    return Client(HTTP_HOST="localhost")


def get(client: Client, url: str, **headers) -> bytes:
    """The body of a GET (streamed or not), or an error if it is not a 200 or a 304."""
    with unthrottled():
        response = client.get(url, **headers)
    if response.status_code not in (200, 304):
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return b"".join(response.streaming_content) if response.streaming else response.content


@contextmanager
def editor_client() -> Iterator[Client]:
    """A client logged in as an editor made for the occasion, rolled back afterwards with
    the session it wrote."""
    with transaction.atomic():
        editor = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:12]}", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        client = reader()
        client.force_login(editor)
        yield client
        transaction.set_rollback(True)


def branch_claim(topic: Topic) -> int | None:
    """The first-level claim (an argument on a position) with the most arguments of its
    own: the branch a reader opens first, and the largest of them."""
    first_level = Link.objects.filter(topic=topic, target_position__isnull=False).values("claim_id")
    widest = (
        Link.objects.filter(topic=topic, target_claim_id__in=first_level)
        .values("target_claim_id")
        .annotate(arguments=Count("id"))
        .order_by("-arguments", "target_claim_id")
        .first()
    )
    return widest["target_claim_id"] if widest else None


def list_pages(topic: Topic) -> tuple[Request, Request]:
    """The API's first page of a topic's claims, and its last page: `?page=last` with page
    numbers; with keyset pages (a `next` link with a cursor), the page CURSOR_HOPS links on."""
    first = f"/api/v1/claims/?topic={topic.slug}"
    page = orjson.loads(get(reader(), first))
    if "count" in page:  # page numbers
        deep, what = f"{first}&page=last", "API claims list, last page"
    else:
        deep, hops = first, 0
        while page.get("next") and hops < CURSOR_HOPS:
            deep, hops = page["next"], hops + 1
            page = orjson.loads(get(reader(), deep))
        what = f"API claims list, page {hops + 1} (cursor)"
    return Request("API claims list, first page", first, queries=LIST), Request(what, deep, queries=LIST)


def admin_pages() -> tuple[Request, Request, Request, Request]:
    """The admin's claims changelist (every topic's claims): its first page, its last page,
    a search for the common word and that search's last page. (Beyond 10,000 rows the count
    is an estimate and the pages list the first 10,000 rows: the last page is then the
    200th, argmap/admin.py.)"""
    url = reverse("admin:argmap_claim_changelist")
    last = max(1, math.ceil(Claim.objects.count() / 50))  # the changelists show 50 rows a page
    return (
        Request("admin claims changelist, first page", url, editor=True, queries=CHANGELIST),
        Request("admin claims changelist, last page", f"{url}?p={last}", editor=True, queries=CHANGELIST),
        Request(
            f"admin claims changelist, search “{COMMON_WORD}”",
            f"{url}?q={COMMON_WORD}",
            editor=True,
            queries=CHANGELIST,
        ),
        Request(
            f"admin claims changelist, search “{COMMON_WORD}”, last page",
            f"{url}?q={COMMON_WORD}&p={last}",
            editor=True,
            queries=CHANGELIST,
        ),
    )


def map_editor_page(topic: Topic) -> Request:
    """The topic's admin page, the map editor, as an editor opens it."""
    return Request("admin map editor (topic page)", reverse("admin:argmap_topic_change", args=[topic.pk]), editor=True)


def requests_for(topic: Topic) -> list[Request]:
    """Every request the benchmarks weigh, for a topic."""
    slug = topic.slug
    claim = branch_claim(topic)
    search = reverse("argmap:search")
    return [
        Request("topic page", topic.get_absolute_url(), queries=PUBLIC_PAGE),
        *(
            [Request("branch fragment", reverse("argmap:topic-branch", args=[slug, claim]), queries=PUBLIC_PAGE)]
            if claim
            else []
        ),
        Request("analysis page", reverse("argmap:topic-analysis", args=[slug]), queries=PUBLIC_PAGE),
        Request("API evaluation", reverse("api:topic-evaluation", args=[slug]), queries=DETAIL),
        Request(f"search, common word “{COMMON_WORD}”", f"{search}?q={COMMON_WORD}", queries=PUBLIC_PAGE),
        Request(f"search, rare word “{RARE_WORD}”", f"{search}?q={RARE_WORD}", queries=PUBLIC_PAGE),
        *list_pages(topic),
        Request("API map", reverse("api:topic-map", args=[slug]), queries=MAP),
        Request("export json", f"/api/v1/topics/{slug}/export/json/"),
        *admin_pages(),
        map_editor_page(topic),
    ]
