"""Search across what the public may see: published topics and their claims, and the
stakeholders and sources involved in them.

On PostgreSQL it is full-text search (English stemming, `websearch_to_tsquery` syntax:
words, "quoted phrases", -exclusions, or), ranked, with highlighted snippets. Each
searched table stores its document as a generated `search_document` tsvector column
with a GIN index (migration 0012). The index finds at most CANDIDATES matching rows per
kind, and only those are ranked: a word found in half a million claims costs about what
a rare one does (its hits are the best of the first CANDIDATES found, not of all).

On SQLite it uses FTS5 when the library has it (migration 0012 makes the tables and
their triggers): every word must match (prefixes too), ranked by bm25 over the same
bounded candidates. Without FTS5 every word must appear, in any field
(case-insensitive contains), and the snippet is cut around the first match.

Every kind is searched in ONE query: a UNION ALL of one part per kind, each keeping its
best rows.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, CharField, Expression, F, FloatField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from argmap.models import Claim, Source, Stakeholder, StakeholderKind, Topic

CONFIG = "english"
PER_KIND = 20
CANDIDATES = 1000  # matching rows ranked per kind, at most
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


class IsAnyOf(Func):
    """`value = ANY(array)`: whether `value` is an element of `array` (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


class StoredDocument(Expression):
    """The `search_document` column of the query's table (PostgreSQL, migration 0012):
    not a model field, since SQLite has no tsvector to generate it as."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        column = SearchVectorField()
        column.column = "search_document"
        return Col(query.get_initial_alias(), column, self.output_field)


class FtsRank(Expression):
    """How well a row of the query's table matches an FTS5 query (SQLite, migration 0012):
    bm25 from the table's `<table>_fts`, negated so that higher is better."""

    output_field = FloatField()

    def __init__(self, table: str, match: str, alias: str | None = None):
        super().__init__()
        self.table, self.match, self.alias = table, match, alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return FtsRank(self.table, self.match, query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return FtsRank(self.table, self.match, change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        fts, row = f"{self.table}_fts", compiler.quote_name_unless_alias(self.alias)
        sql = f'(SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s AND {fts}.rowid = {row}."id")'  # noqa: S608 - our names
        return sql, [self.match]


@cache
def sqlite_has_fts5() -> bool:
    """Whether SQLite has FTS5, as migration 0012 found when it made the tables (the
    same library, asked once per process without a query on the database)."""
    with closing(sqlite3.connect(":memory:")) as memory:
        return "ENABLE_FTS5" in {row[0] for row in memory.execute("PRAGMA compile_options")}


def fts5_query(terms: list[str]) -> str:
    """The words as FTS5 strings (quoted, so that no word is read as an operator), all required."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _part(kind: Kind, query: str) -> QuerySet:
    rows = kind.rows().order_by()
    model = rows.model
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config=CONFIG)
        rank = SearchRank(StoredDocument(), search)
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
        # The first CANDIDATES rows the index finds, in no order (nothing ranked yet), as an
        # array computed once: `pk = ANY(ARRAY(…))` reads them by primary key, where `pk IN
        # (…)` let the planner compare every row of a small table with every candidate.
        candidates = rows.annotate(document=StoredDocument()).filter(document=search).values("pk")[:CANDIDATES]
        rows = model.objects.order_by().filter(IsAnyOf(F("pk"), ArraySubquery(candidates)))
    elif sqlite_has_fts5():
        table = model._meta.db_table
        match = fts5_query(words(query))
        # The CANDIDATES best by bm25 (FTS5 ranks them in its own index), then those the public may see.
        best_matches = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s ORDER BY rank LIMIT {CANDIDATES}"  # noqa: S608 - our names
        candidates = RawSQL(best_matches, [match])  # noqa: S611 - the words are a parameter
        rows = rows.filter(pk__in=candidates)
        rank = FtsRank(table, match)
        snippet = _document(kind)
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
        model.objects.order_by()
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
