"""Search across what the public may see: published topics and their claims, and the
stakeholders and sources involved in them.

The public searches what the latest publications hold (issue 16): the topics, claims,
stakeholders and sources of the records written at each publication (`PublicRecord`,
api/public_records.py), their text as published; a claim added or rewritten since is not
found (nor shown) before the next publication, one deleted since still is. A topic
published before records existed, and not since, is searched live until its next
publication, as the API reads it (`searched_for`: one more query tells whether any
remains). Editors (`publishing.reads_live`) search the live rows of published topics.

On PostgreSQL it is full-text search (English stemming, `websearch_to_tsquery` syntax:
words, "quoted phrases", -exclusions, or), ranked, with highlighted snippets. Each
searched table stores its document as a generated `search_document` tsvector column
with a GIN index (migration 0012; the records', one partial index per part: migration
0023). The index finds at most CANDIDATES matching rows per kind, and only those are
ranked: a word found in half a million claims costs about what a rare one does (its hits
are the best of the first CANDIDATES found, not of all).

On SQLite it uses FTS5 when the library has it (migrations 0012 and 0023 make the tables
and their triggers): every word must match (prefixes too), ranked by bm25 over the same
bounded candidates. Without FTS5 every word must appear, in any field
(case-insensitive contains), and the snippet is cut around the first match.

Every kind is searched in ONE query: a UNION ALL of one part per kind (and per place it
is searched: records, live rows), each keeping its best rows.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Expression,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import Col, RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from argmap.api.public_records import PARTS, live_topics, read_live, records_of
from argmap.models import Claim, PublicRecord, Source, Stakeholder, StakeholderKind, Topic
from argmap.publishing import reads_live

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
    fields, in this order), and the columns that name a hit, live (`key`, `title`,
    `context`) and in its records as published (`record_key`, `record_context`; the title
    is the fact named `title`)."""

    name: str
    label: str
    fields: tuple[str, ...]
    key: object
    title: str
    context: object
    url_name: str
    url_kwarg: str
    record_key: object
    record_context: object

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


def fact(name: str) -> KeyTextTransform:
    """A record's value of `name` as published, as text (its `facts`)."""
    return KeyTextTransform(name, "facts")


# A claim's topic title as published: its topic's record; a stakeholder's address: its slug
# of now (the stakeholder page's), or as published if it is gone.
PUBLISHED_TOPIC_TITLE = Subquery(
    PublicRecord.objects.filter(part="topic", topic=OuterRef("topic")).annotate(title=fact("title")).values("title")[:1]
)
STAKEHOLDER_SLUG = Coalesce(
    Subquery(Stakeholder.objects.filter(pk=OuterRef("object_id")).order_by().values("slug")[:1]), F("slug")
)

KINDS = [
    Kind("topic", "Topics", ("title", "question", "summary"), F("slug"), "title", F("question"),
         "argmap:topic-detail", "slug", F("topic__slug"), fact("question")),
    Kind("claim", "Claims", ("text",), Cast("pk", CharField()), "text", F("topic__title"),
         "argmap:claim-detail", "pk", Cast("object_id", CharField()), PUBLISHED_TOPIC_TITLE),
    Kind("stakeholder", "Stakeholders", ("name", "summary"), F("slug"), "name", F("kind"),
         "argmap:stakeholder-detail", "slug", STAKEHOLDER_SLUG, fact("kind")),
    Kind("source", "Sources", ("title", "publisher", "author"), Cast("pk", CharField()), "title", F("publisher"),
         "argmap:source-detail", "pk", Cast("object_id", CharField()), fact("publisher")),
]  # fmt: skip


@dataclass(frozen=True)
class Searched:
    """Where a kind is searched: its live rows, or its records as published. `field` reads
    a searched field; `fts` is the FTS5 table (SQLite), `part` the records' part, if any."""

    kind: Kind
    rows: QuerySet
    field: Callable[[str], Expression]
    key: object
    title: object
    context: object
    fts: str
    part: str | None = None


def live(kind: Kind, rows: QuerySet | None = None) -> Searched:
    """The kind searched in its live rows (all the public may see, or `rows` of them), by
    the index of its own table (migration 0012)."""
    rows = kind.rows() if rows is None else rows
    fts = f"{rows.model._meta.db_table}_fts"
    return Searched(kind, rows, F, kind.key, F(kind.title), kind.context, fts)


def published(kind: Kind) -> Searched:
    """The kind searched in its records of the latest publications (of a shared object, the
    most recent publication's), by the records' index (migration 0023)."""
    rows = records_of(PARTS[kind.name])
    return Searched(
        kind, rows, fact, kind.record_key, fact(kind.title), kind.record_context, "argmap_publicrecord_fts", kind.name
    )


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


def _document(searched: Searched) -> Expression:
    fields = [Coalesce(searched.field(name), Value(""), output_field=TextField()) for name in searched.kind.fields]
    if len(fields) == 1:
        return fields[0]
    pieces: list = []
    for field in fields:
        pieces += [field, Value(" — ")]
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
    """How well a row of the query's table matches an FTS5 query (SQLite, migrations 0012
    and 0023): bm25 from its FTS5 table `fts`, negated so that higher is better."""

    output_field = FloatField()

    def __init__(self, fts: str, match: str, alias: str | None = None):
        super().__init__()
        self.fts, self.match, self.alias = fts, match, alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return FtsRank(self.fts, self.match, query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return FtsRank(self.fts, self.match, change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        fts, row = self.fts, compiler.quote_name_unless_alias(self.alias)
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


def _part(searched: Searched, query: str) -> QuerySet:
    kind = searched.kind
    rows = searched.rows.order_by()
    model = rows.model
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config=CONFIG)
        rank = SearchRank(StoredDocument(), search)
        snippet = SearchHeadline(
            _document(searched),
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
        # (The records' `part = …`, which `rows` holds, selects the part's own index.)
        candidates = rows.annotate(document=StoredDocument()).filter(document=search).values("pk")[:CANDIDATES]
        rows = model.objects.order_by().filter(IsAnyOf(F("pk"), ArraySubquery(candidates)))
    elif sqlite_has_fts5():
        match = fts5_query(words(query))
        # The CANDIDATES best by bm25 (FTS5 ranks them in its own index), then those the public may see.
        of_part, parameters = ("", [match]) if searched.part is None else (" AND part = %s", [match, searched.part])
        best_matches = (
            f"SELECT rowid FROM {searched.fts} WHERE {searched.fts} MATCH %s{of_part} "  # noqa: S608 - our names
            f"ORDER BY rank LIMIT {CANDIDATES}"
        )
        candidates = RawSQL(best_matches, parameters)  # noqa: S611 - the words are parameters
        rows = rows.filter(pk__in=candidates)
        rank = FtsRank(searched.fts, match)
        snippet = _document(searched)
    else:
        for term in words(query):
            match = Q()
            for name in kind.fields:
                match |= Q(**{f"{name}__icontains" if searched.part is None else f"facts__{name}__icontains": term})
            rows = rows.filter(match)
        rank = Value(0.0, output_field=FloatField())
        snippet = _document(searched)
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
            hit_key=searched.key,
            hit_title=Cast(searched.title, TextField()),
            hit_context=Cast(searched.context, TextField()),
            hit_snippet=Cast(snippet, TextField()),
        )
    )


def searched_for(user) -> list[Searched]:
    """Where `user`'s search looks: an editor's, in the live rows of published topics; the
    public's, in the records of the latest publications, and in the live rows of the
    published topics without records (published before records existed, not since: read
    live, as the API reads them), if any (one query to know)."""
    if reads_live(user):
        return [live(kind) for kind in KINDS]
    found = [published(kind) for kind in KINDS]
    if live_topics().exists():
        found += [live(kind, read_live(PARTS[kind.name], kind.rows())) for kind in KINDS]
    return found


def search(query: str, user=None) -> dict[str, list[Hit]]:
    """The best hits of each kind (at most PER_KIND), best first, by kind label, as `user`
    may see them (the public: as published; see `searched_for`); in one query, and one more
    for the public while topics without records remain."""
    query = query.strip()
    if not query or (connection.vendor != "postgresql" and not words(query)):
        return {}
    parts = [_part(searched, query) for searched in searched_for(user)]
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
            title=row["hit_title"] or "",
            context=context,
            snippet=highlighted(snippet),
            url=reverse(kind.url_name, kwargs={kind.url_kwarg: row["hit_key"]}),
        )
        found[kind.label].append((-row["hit_rank"], row["hit_id"], hit))
    # The best PER_KIND of each kind: the records' and the live rows' together.
    return {
        label: [hit for *_order, hit in sorted(hits, key=lambda h: h[:2])][:PER_KIND]
        for label, hits in found.items()
        if hits
    }
