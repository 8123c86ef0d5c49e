"""Search across what the public may see: published topics and their claims, and the
stakeholders and sources involved in them.

On PostgreSQL it is full-text search (English stemming, `websearch_to_tsquery` syntax:
words, "quoted phrases", -exclusions, or), ranked, with highlighted snippets, served by
the GIN indexes of migration 0004. On SQLite every word must appear, in any field
(case-insensitive contains), and the snippet is cut around the first match.

Every kind is searched in ONE query: a UNION ALL of one part per kind, each keeping its
best rows (ranked on PostgreSQL; by id on SQLite).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import CharField, F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from argmap.models import Claim, Source, Stakeholder, StakeholderKind, Topic

CONFIG = "english"
PER_KIND = 20
# Start and end of a highlighted match: characters from Unicode's private use area, which
# the text is escaped around and which then become <mark> elements.
START, STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Kind:
    """One kind of thing the search finds: its rows, the fields searched (also the index's
    fields, in this order), and the columns that name a hit."""

    name: str
    label: str
    fields: tuple[str, ...]
    key: object
    title: str
    context: object
    url_name: str
    url_kwarg: str

    def rows(self) -> QuerySet:
        match self.name:
            case "topic":
                return Topic.objects.published()
            case "claim":
                return Claim.objects.published()
            case "stakeholder":
                return Stakeholder.objects.public()
            case _:
                return Source.objects.public()


KINDS = [
    Kind("topic", "Topics", ("title", "question", "summary"), F("slug"), "title", F("question"),
         "argmap:topic-detail", "slug"),
    Kind("claim", "Claims", ("text",), Cast("pk", CharField()), "text", F("topic__title"),
         "argmap:claim-detail", "pk"),
    Kind("stakeholder", "Stakeholders", ("name", "summary"), F("slug"), "name", F("kind"),
         "argmap:stakeholder-detail", "slug"),
    Kind("source", "Sources", ("title", "publisher", "author"), Cast("pk", CharField()), "title", F("publisher"),
         "argmap:source-detail", "pk"),
]  # fmt: skip


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    context: str
    snippet: SafeString
    url: str


def highlighted(text: str) -> SafeString:
    """`text` escaped, with the stretches between START and STOP marked (<mark>)."""
    parts = re.split(f"([{START}{STOP}])", text)
    html, open_mark = [], False
    for part in parts:
        if part == START and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif part == STOP and open_mark:
            html.append("</mark>")
            open_mark = False
        elif part not in (START, STOP):
            html.append(conditional_escape(part))
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # noqa: S308 - every piece of text above is escaped


def words(query: str) -> list[str]:
    return [word for word in re.split(r"\s+", query.strip()) if word][:10]


def contains_snippet(text: str, terms: list[str]) -> str:
    """A window of `text` around the first match, the matches between START and STOP."""
    lowered = text.lower()
    first = min((i for i in (lowered.find(term.lower()) for term in terms) if i >= 0), default=0)
    begin = max(0, first - SNIPPET_CHARS // 3)
    window = text[begin : begin + SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
    return ("…" if begin else "") + marked + ("…" if begin + SNIPPET_CHARS < len(text) else "")


def _document(kind: Kind) -> Concat | F:
    if len(kind.fields) == 1:
        return F(kind.fields[0])
    pieces: list = []
    for field in kind.fields:
        pieces += [F(field), Value(" — ")]
    return Concat(*pieces[:-1], output_field=TextField())


def _part(kind: Kind, query: str) -> QuerySet:
    rows = kind.rows().order_by()
    if connection.vendor == "postgresql":
        vector = SearchVector(*kind.fields, config=CONFIG)
        search = SearchQuery(query, search_type="websearch", config=CONFIG)
        rank = SearchRank(vector, search)
        snippet = SearchHeadline(
            _document(kind),
            search,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = rows.annotate(document=vector).filter(document=search)
    else:
        terms = words(query)
        for term in terms:
            match = Q()
            for field in kind.fields:
                match |= Q(**{f"{field}__icontains": term})
            rows = rows.filter(match)
        rank = Value(0.0, output_field=FloatField())
        snippet = _document(kind)
    # The best rows first (a LIMIT in a subquery), then their snippets: ts_headline is slow,
    # and a common word matches thousands of claims.
    best = rows.annotate(hit_rank=rank).order_by("-hit_rank", "pk").values("pk")[:PER_KIND]
    # `best` already holds only rows the public may see: the second pass needs no second look.
    return (
        best.model.objects.order_by()
        .filter(pk__in=best)
        .values(
            hit_rank=rank,
            hit_id=F("pk"),
            hit_kind=Value(kind.name, output_field=CharField()),
            hit_key=kind.key,
            hit_title=F(kind.title),
            hit_context=Cast(kind.context, TextField()),
            hit_snippet=Cast(snippet, TextField()),
        )
    )


def search(query: str) -> dict[str, list[Hit]]:
    """The best hits of each kind (at most PER_KIND), best first, by kind label; in one query."""
    query = query.strip()
    if not query or (connection.vendor != "postgresql" and not words(query)):
        return {}
    parts = [_part(kind, query) for kind in KINDS]
    rows = parts[0].union(*parts[1:], all=True)
    kinds = {kind.name: kind for kind in KINDS}
    stakeholder_kinds = dict(StakeholderKind.choices)
    found: dict[str, list[tuple]] = {kind.label: [] for kind in KINDS}
    for row in rows:
        kind = kinds[row["hit_kind"]]
        snippet = row["hit_snippet"] or ""
        if connection.vendor != "postgresql":
            snippet = contains_snippet(snippet, words(query))
        context = row["hit_context"] or ""
        if kind.name == "stakeholder":
            context = stakeholder_kinds.get(context, context)
        hit = Hit(
            kind=kind.name,
            title=row["hit_title"],
            context=context,
            snippet=highlighted(snippet),
            url=reverse(kind.url_name, kwargs={kind.url_kwarg: row["hit_key"]}),
        )
        found[kind.label].append((-row["hit_rank"], row["hit_id"], hit))
    return {label: [hit for *_order, hit in sorted(hits, key=lambda h: h[:2])] for label, hits in found.items() if hits}
