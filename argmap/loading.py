"""The one bridge from the database to whole-map consumers (the map document of the API,
the interchange formats, the evaluation in graph.py, the public topic page).

A topic's whole map is read in ONE query, whatever its size: the database builds a JSON
array per column of each part of the map (positions, claims, links, …), orjson parses
them and `load_map` makes the rows (dicts). The exports take the columns as they come
(`load_map_columns`, a MapColumns) and make rows only of the small parts they need as rows.
No model instances are built and no row passes through Python one field at a time,
which is what keeps a 10,000-claim map close to raw-SQL speed.

Each row is a plain dict of the columns in MAP_COLUMNS; foreign keys are ids
(`claim_id`, `target_position_id`…), uids are strings with dashes, dates are
"YYYY-MM-DD" strings. Rows come ordered by id. The output is the same on SQLite and
PostgreSQL.

The evaluation (strengths, labels, cruxes) needs only positions, claims and links:
`load_graph_rows` reads those in one lighter query. `evaluate_topic`, `topic_coalitions`
and `topic_gaps` are the one-call answers for the API and the pages; a page that has
already loaded the whole map uses `graph_from_map(data).evaluate(…)`, `map_coalitions(data)`
and `map_gaps(data)` instead, with no further query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, cast

import orjson
from django.db import connection

from argmap.duplicates import Duplicate, TooManyComparisons, possible_duplicates
from argmap.evidence import Evidence, claim_evidence
from argmap.graph import ArgumentGraph, Evaluation, LinkRow
from argmap.lenses import (
    Bridge,
    LensEvaluations,
    LensSummary,
    bridge_for,
    bridges,
    divided_pairs,
    lens_summaries,
)
from argmap.robustness import Report, robustness
from argmap.stakeholders import (
    Coalitions,
    Gaps,
    LinkDict,
    SalienceRow,
    StanceAbout,
    StanceRow,
    claims_held_by,
    coalitions,
    find_gaps,
)

if TYPE_CHECKING:
    from argmap.models import Topic

Row = dict[str, Any]

# part of the map -> (table, columns). The order of parts is the order of the document.
MAP_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "positions": ("argmap_position", ("id", "uid", "title", "summary", "order")),
    "claims": (
        "argmap_claim",
        ("id", "uid", "text", "base_score", "kind", "fact_check", "settled_by_id", "score_reason"),
    ),
    "links": ("argmap_link", ("id", "uid", "claim_id", "target_position_id", "target_claim_id", "polarity", "basis")),
    "stakeholders": ("argmap_stakeholder", ("id", "slug", "name", "kind", "summary", "url", "parent_id")),
    "stances": (
        "argmap_stance",
        ("id", "uid", "stakeholder_id", "position_id", "claim_id", "stance", "basis", "quote", "source_id", "held_on",
         "note"),
    ),
    "sources": ("argmap_source", ("id", "uid", "title", "url", "publisher", "author", "published_on", "kind")),
    "citations": ("argmap_citation", ("id", "uid", "claim_id", "source_id", "quote", "locator")),
    "relationships": (
        "argmap_relationship",
        ("id", "uid", "from_stakeholder_id", "to_stakeholder_id", "kind", "description", "amount", "started_on",
         "ended_on", "source_id", "basis"),
    ),
    "salience": ("argmap_salience", ("id", "uid", "stakeholder_id", "power", "interest", "rationale")),
}  # fmt: skip

# Which rows belong to a topic's map: the topic itself (what its analysis needs of it), its
# own, the stakeholders involved (by a stance or a salience estimate, and their parents),
# the relationships among them and every source that its citations, stances or
# relationships cite.
SELECTIONS = """
    topic AS (SELECT * FROM argmap_topic WHERE id = %s),
    positions AS (SELECT * FROM argmap_position WHERE topic_id = %s),
    claims AS (SELECT * FROM argmap_claim WHERE topic_id = %s),
    links AS (SELECT * FROM argmap_link WHERE topic_id = %s),
    citations AS (SELECT * FROM argmap_citation WHERE topic_id = %s),
    stances AS (SELECT * FROM argmap_stance WHERE topic_id = %s),
    salience AS (SELECT * FROM argmap_salience WHERE topic_id = %s),
    involved AS (SELECT stakeholder_id AS id FROM stances UNION SELECT stakeholder_id FROM salience),
    stakeholders AS (
        SELECT * FROM argmap_stakeholder
        WHERE id IN (SELECT id FROM involved)
           OR id IN (SELECT parent_id FROM argmap_stakeholder WHERE id IN (SELECT id FROM involved))
    ),
    relationships AS (
        SELECT * FROM argmap_relationship
        WHERE from_stakeholder_id IN (SELECT id FROM stakeholders)
          AND to_stakeholder_id IN (SELECT id FROM stakeholders)
    ),
    sources AS (
        SELECT * FROM argmap_source WHERE id IN (
            SELECT source_id FROM citations UNION SELECT source_id FROM stances
            UNION SELECT source_id FROM relationships UNION SELECT settled_by_id FROM claims
        )
    )
"""
TOPIC_PARAMETERS = SELECTIONS.count("%s")  # each is the topic's id


def _aggregate(part: str, columns: tuple[str, ...], vendor: str) -> str:
    selected = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        # row_to_json + string_agg: the fastest of PostgreSQL's ways (json_agg of
        # json_build_object takes half as long again).
        return (
            f"(SELECT '[' || COALESCE(string_agg(row_to_json(r)::text, ',' ORDER BY r.id), '') || ']'"
            f" FROM (SELECT {selected} FROM {part}) r)"
        )
    pairs = ", ".join(f"'{c}', r.\"{c}\"" for c in columns)
    # SQLite aggregates in the order its subquery yields rows.
    return f"(SELECT json_group_array(json_object({pairs})) FROM (SELECT * FROM {part} ORDER BY id) r)"


def _column_arrays(part: str, columns: tuple[str, ...], vendor: str) -> str:
    """One JSON array per column of the part's rows, in one array: [[1, 2], ["a", "b"]]. All
    come from one scan of the subquery, sorted by id, so they line up row by row."""
    selected = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        arrays = ", ".join(f'json_agg("{c}")' for c in columns)  # NULL, not [], for no rows
        return f"(SELECT json_build_array({arrays})::text FROM (SELECT {selected} FROM {part} ORDER BY id) r)"
    arrays = ", ".join(f'json_group_array("{c}")' for c in columns)
    return f"(SELECT json_array({arrays}) FROM (SELECT {selected} FROM {part} ORDER BY id) r)"


def map_query(vendor: str, columns: dict[str, tuple[str, tuple[str, ...]]] = MAP_COLUMNS) -> str:
    """The one SQL statement that reads a topic's whole map on `vendor`: each part as a JSON
    array of its columns' arrays."""
    aggregates = ",\n".join(
        f"{_column_arrays(part, part_columns, vendor)} AS {part}" for part, (_table, part_columns) in columns.items()
    )
    return f"WITH {SELECTIONS}\nSELECT {aggregates}"


@dataclass(frozen=True, slots=True)
class MapData:
    """A topic's whole map as plain rows (see MAP_COLUMNS)."""

    positions: list[Row]
    claims: list[Row]
    links: list[Row]
    stakeholders: list[Row]
    stances: list[Row]
    sources: list[Row]
    citations: list[Row]
    relationships: list[Row]
    salience: list[Row]
    topic: list[Row] = field(default_factory=list)  # PAGE_COLUMNS only: the topic's row, as the analysis needs it


def some_columns(**parts: tuple[str, ...]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """MAP_COLUMNS with the columns of some parts narrowed, for a reader that needs no more
    of them (each narrowed to columns of MAP_COLUMNS, in its order; "id" at least)."""
    for part, columns in parts.items():
        known = MAP_COLUMNS[part][1]
        if "id" not in columns or not set(columns) <= set(known):
            raise ValueError(f"{part}: {columns} are not MAP_COLUMNS' {known} with the id")
    return {
        part: (table, tuple(c for c in columns if c in parts[part]) if part in parts else columns)
        for part, (table, columns) in MAP_COLUMNS.items()
    }


# What the public pages and the analysis read of a map: every column but the uids,
# which only the exports need (identity across databases). A third less JSON to build and parse: at
# 10,000 claims the query takes 51 ms instead of 68 on PostgreSQL.
# The analysis also reads the topic's own row: whether its positions are alternatives.
PAGE_COLUMNS = {
    "topic": ("argmap_topic", ("id", "alternatives")),
    **{part: (table, tuple(c for c in columns if c != "uid")) for part, (table, columns) in MAP_COLUMNS.items()},
}


def load_map(topic_id: int, columns: dict[str, tuple[str, tuple[str, ...]]] = MAP_COLUMNS) -> MapData:
    """A topic's whole map as lists of dicts, in one query (`columns`: MAP_COLUMNS, or
    PAGE_COLUMNS for the public pages).

    The database sends each part column by column (map_query), and the rows are made here
    (as_dicts). Building one JSON object per row is what costs the database most; arrays
    of plain values are quicker to build and to parse: at 10,000 claims on PostgreSQL,
    123 → 77 ms (median) with PAGE_COLUMNS, against a JSON object per row.
    """
    return load_map_columns(topic_id, columns).data()


def load_map_columns(topic_id: int, columns: dict[str, tuple[str, tuple[str, ...]]] = MAP_COLUMNS) -> MapColumns:
    """A topic's whole map column by column, in one query: what load_map reads, before
    any row is made. For writers that go through each column once (the exports)."""
    with connection.cursor() as cursor:
        cursor.execute(map_query(connection.vendor, columns), [topic_id] * TOPIC_PARAMETERS)
        values = cursor.fetchone()
    return MapColumns.from_query(columns, values)


@dataclass(frozen=True)
class MapColumns:
    """A topic's map column by column: part -> column -> values, one value per row, rows in
    order of id (as map_query sends them). `rows(part)` makes a part's rows as load_map
    would, and `data()` all of them."""

    parts: dict[str, dict[str, list[Any]]]

    @classmethod
    def from_query(cls, columns: dict[str, tuple[str, tuple[str, ...]]], values: Sequence[str]) -> MapColumns:
        """From the values of map_query(vendor, columns)."""
        parts = {}
        for (part, (_table, part_columns)), value in zip(columns.items(), values, strict=True):
            arrays = orjson.loads(value)  # PostgreSQL's json_agg gives null for no rows
            parts[part] = {column: array or [] for column, array in zip(part_columns, arrays, strict=True)}
        return cls(parts)

    def __getitem__(self, part: str) -> dict[str, list[Any]]:
        return self.parts[part]

    def rows(self, part: str) -> list[Row]:
        columns = self.parts[part]
        return as_dicts(tuple(columns))(zip(*columns.values(), strict=True))

    def data(self) -> MapData:
        return MapData(**{part: self.rows(part) for part in self.parts})


@cache
def as_dicts(columns: tuple[str, ...]) -> Callable[[Iterable[Sequence[Any]]], list[Row]]:
    """A function that turns rows (tuples of `columns`' values) into dicts keyed by `columns`.

    It is compiled once per set of columns, as the standard library compiles the methods
    of a namedtuple or a dataclass: a comprehension over a dict display,

        lambda rows: [{"id": c0, "uid": c1} for c0, c1 in rows]

    makes a dict twice as fast as dict(zip(columns, row)) does (30,000 rows of the map:
    66 → 28 ms on the 2-core benchmark box). The column names come from argmap's own
    constants, never from input, and are checked to be identifiers before they are compiled.
    """
    if not all(column.isidentifier() for column in columns):
        raise ValueError(f"not column names: {columns}")
    names = [f"c{index}" for index in range(len(columns))]
    display = ", ".join(f"{column!r}: {name}" for column, name in zip(columns, names, strict=True))
    return eval(f"lambda rows: [{{{display}}} for {', '.join(names)}, in rows]")  # noqa: S307 - see above


# ---------------------------------------------------------------------------
# The claim and stakeholder pages: everything around one object, in one query
# ---------------------------------------------------------------------------

# part -> columns, as for MAP_COLUMNS; each part is a CTE of CLAIM_SELECTIONS.
CLAIM_COLUMNS: dict[str, tuple[str, ...]] = {
    "targets": ("id", "polarity", "target_position_id", "target_claim_id", "text"),
    "arguments": ("id", "polarity", "claim_id", "text"),
    "citations": ("id", "quote", "locator", "source_id", "title", "url", "publisher", "published_on"),
    "stances": ("id", "stance", "basis", "quote", "held_on", "note", "stakeholder_id", "slug", "name", "source_id",
                "source_title"),
}  # fmt: skip

# Every %s is the claim's id.
CLAIM_SELECTIONS = """
    targets AS (
        SELECT l.id, l.polarity, l.target_position_id, l.target_claim_id, COALESCE(p.title, c.text) AS text
        FROM argmap_link l
        LEFT JOIN argmap_position p ON p.id = l.target_position_id
        LEFT JOIN argmap_claim c ON c.id = l.target_claim_id
        WHERE l.claim_id = %s
    ),
    arguments AS (
        SELECT l.id, l.polarity, l.claim_id, c.text
        FROM argmap_link l JOIN argmap_claim c ON c.id = l.claim_id
        WHERE l.target_claim_id = %s
    ),
    citations AS (
        SELECT ci.id, ci.quote, ci.locator, ci.source_id, s.title, s.url, s.publisher, s.published_on
        FROM argmap_citation ci JOIN argmap_source s ON s.id = ci.source_id
        WHERE ci.claim_id = %s
    ),
    stances AS (
        SELECT st.id, st.stance, st.basis, st.quote, st.held_on, st.note, st.stakeholder_id, sh.slug, sh.name,
               st.source_id, s.title AS source_title
        FROM argmap_stance st
        JOIN argmap_stakeholder sh ON sh.id = st.stakeholder_id
        LEFT JOIN argmap_source s ON s.id = st.source_id
        WHERE st.claim_id = %s
    )
"""

STAKEHOLDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "relationships": ("id", "kind", "outgoing", "description", "amount", "started_on", "ended_on", "slug", "name",
                      "source_id", "source_title"),
    "stances": ("id", "stance", "basis", "quote", "held_on", "note", "position_id", "claim_id", "subject",
                "topic_slug", "topic_title", "source_id", "source_title"),
    "children": ("id", "slug", "name", "kind"),
    "salience": ("id", "power", "interest", "rationale", "topic_slug", "topic_title"),
}  # fmt: skip

# Placeholders: {public} is the SQL of the stakeholders the public may see (its parameters
# come first); then every %s is the stakeholder's id, or the published status where named.
STAKEHOLDER_SELECTIONS = """
    public_stakeholders AS ({public}),
    relationships AS (
        SELECT r.id, r.kind, r.from_stakeholder_id = %(id)s AS outgoing, r.description, r.amount, r.started_on,
               r.ended_on, other.slug, other.name, r.source_id, s.title AS source_title
        FROM argmap_relationship r
        JOIN argmap_stakeholder other
          ON other.id = CASE WHEN r.from_stakeholder_id = %(id)s THEN r.to_stakeholder_id ELSE r.from_stakeholder_id END
        LEFT JOIN argmap_source s ON s.id = r.source_id
        WHERE (r.from_stakeholder_id = %(id)s OR r.to_stakeholder_id = %(id)s)
          AND other.id IN (SELECT * FROM public_stakeholders)
    ),
    stances AS (
        SELECT st.id, st.stance, st.basis, st.quote, st.held_on, st.note, st.position_id, st.claim_id,
               COALESCE(p.title, c.text) AS subject, t.slug AS topic_slug, t.title AS topic_title,
               st.source_id, s.title AS source_title
        FROM argmap_stance st
        LEFT JOIN argmap_position p ON p.id = st.position_id
        LEFT JOIN argmap_claim c ON c.id = st.claim_id
        JOIN argmap_topic t ON t.id = COALESCE(p.topic_id, c.topic_id)
        LEFT JOIN argmap_source s ON s.id = st.source_id
        WHERE st.stakeholder_id = %(id)s AND t.status = %(published)s
    ),
    children AS (
        SELECT id, slug, name, kind FROM argmap_stakeholder
        WHERE parent_id = %(id)s AND id IN (SELECT * FROM public_stakeholders)
    ),
    salience AS (
        SELECT sa.id, sa.power, sa.interest, sa.rationale, t.slug AS topic_slug, t.title AS topic_title
        FROM argmap_salience sa JOIN argmap_topic t ON t.id = sa.topic_id
        WHERE sa.stakeholder_id = %(id)s AND t.status = %(published)s
    )
"""


@dataclass(frozen=True, slots=True)
class ClaimData:
    """What the claim page shows around a claim (see CLAIM_COLUMNS): what it supports or
    opposes, the claims for and against it, its citations and the stances on it."""

    targets: list[Row]
    arguments: list[Row]
    citations: list[Row]
    stances: list[Row]


@dataclass(frozen=True, slots=True)
class StakeholderData:
    """What the stakeholder page shows (see STAKEHOLDER_COLUMNS), published topics only:
    relationships with stakeholders the public may see, stances, parts and salience."""

    relationships: list[Row]
    stances: list[Row]
    children: list[Row]
    salience: list[Row]
    lenses: list[Row] = field(default_factory=list)  # published: the lens summaries stored for it


def _parts_query(selections: str, parts: dict[str, tuple[str, ...]], vendor: str) -> str:
    aggregates = ",\n".join(f"{_aggregate(part, columns, vendor)} AS {part}" for part, columns in parts.items())
    return f"WITH {selections}\nSELECT {aggregates}"


def _load_parts(sql: str, parameters: list[Any], parts: dict[str, tuple[str, ...]]) -> dict[str, list[Row]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    return {part: orjson.loads(value) for part, value in zip(parts, row, strict=True)}


def load_claim(claim_id: int) -> ClaimData:
    """Everything the claim page shows around one claim, in one query."""
    sql = _parts_query(CLAIM_SELECTIONS, CLAIM_COLUMNS, connection.vendor)
    return ClaimData(**_load_parts(sql, [claim_id] * sql.count("%s"), CLAIM_COLUMNS))


def load_stakeholder(stakeholder_id: int) -> StakeholderData:
    """Everything the stakeholder page shows around one stakeholder, in one query.

    Which stakeholders the public may see is the ORM's `Stakeholder.objects.public()`,
    embedded as a subquery so that the rule is written once.
    """
    # Imported here so that this module (map_query) also serves code without Django's
    # app registry: the raw psycopg baseline of the benchmarks.
    from argmap.models import Stakeholder, TopicStatus

    public_sql, public_parameters = Stakeholder.objects.public().values("pk").query.sql_with_params()
    # The public subquery's placeholders are positional, and a query cannot mix them with
    # named ones: the named ones become positional too, their values listed in order.
    selections = STAKEHOLDER_SELECTIONS.replace("%(id)s", "%s").replace("%(published)s", "%s")
    names = re.findall(r"%\((id|published)\)s", STAKEHOLDER_SELECTIONS)
    values = {"id": stakeholder_id, "published": TopicStatus.PUBLISHED.value}
    sql = _parts_query(selections.replace("{public}", public_sql), STAKEHOLDER_COLUMNS, connection.vendor)
    return StakeholderData(
        **_load_parts(sql, [*public_parameters, *(values[name] for name in names)], STAKEHOLDER_COLUMNS)
    )


# The evaluation (graph.py) of a topic: a lighter query, and rows into graph.py's input
# ---------------------------------------------------------------------------

# What the evaluation reads, as one JSON array per column: four times less to build, send
# and parse than the whole map (the texts are most of it). The columns of one part come
# from one scan, so they line up row by row.
GRAPH_COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "topic": ("argmap_topic", "id = %s", ("alternatives",)),
    "positions": ("argmap_position", "topic_id = %s", ("id",)),
    "claims": (
        "argmap_claim",
        "topic_id = %s",
        ("id", "base_score", "kind", "fact_check", "score_reason <> ''"),
    ),
    "links": (
        "argmap_link",
        "topic_id = %s",
        ("claim_id", "target_position_id", "target_claim_id", "polarity", "basis"),
    ),
    "claim_stances": (
        "argmap_stance",
        "topic_id = %s AND claim_id IS NOT NULL",
        ("stakeholder_id", "claim_id", "stance", "basis"),
    ),
    "citations": (
        "argmap_citation JOIN argmap_source ON argmap_source.id = argmap_citation.source_id",
        "argmap_citation.topic_id = %s",
        ("argmap_citation.claim_id", "argmap_citation.source_id", "argmap_source.kind", "argmap_source.publisher"),
    ),
}


def graph_query(vendor: str) -> str:
    """The one SQL statement that reads what a topic's evaluation needs, on `vendor`."""
    # json_agg of no rows is NULL on PostgreSQL; json_group_array gives [] on SQLite.
    template = "COALESCE(json_agg({}), '[]')::text" if vendor == "postgresql" else "json_group_array({})"
    parts = []
    for part, (table, where, columns) in GRAPH_COLUMNS.items():
        aggregates = ", ".join(template.format(_sql_column(column)) for column in columns)
        parts.append(f"(SELECT {aggregates} FROM {table} WHERE {where}) {part}")
    return f"SELECT * FROM {', '.join(parts)}"


def _sql_column(column: str) -> str:
    """A column of GRAPH_COLUMNS as SQL: a bare name quoted, a qualified name or expression as written."""
    return f'"{column}"' if column.isidentifier() else column


@dataclass(frozen=True, slots=True)
class GraphRows:
    """What a topic's evaluation reads: position ids, (id, the editor's base score) of each
    claim, links as graph.LinkRow tuples, the stances on claims (for the what-if that leaves
    out one stakeholder's claims, and for the evidence), and what evidence.py and graph.py
    need besides."""

    position_ids: list[int]
    claims: list[tuple[int, float]]
    links: list[LinkRow]
    claim_stances: list[StanceAbout]
    alternatives: bool = False
    kinds: dict[int, str] = field(default_factory=dict)  # claim id → kind
    checks: dict[int, str] = field(default_factory=dict)  # claim id → check
    overridden: frozenset[int] = frozenset()  # claims whose editor's base score has a reason
    link_basis: list[str] = field(default_factory=list)  # the basis of each link, in the order of `links`
    stance_basis: list[str] = field(default_factory=list)  # the basis of each stance, in the order of `claim_stances`
    citations: list[tuple[int, int, str, str]] = field(default_factory=list)  # claim, source, kind, publisher


def load_graph_rows(topic_id: int) -> GraphRows:
    """A topic's positions, claims, links, stances on claims and citations, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(graph_query(connection.vendor), [topic_id] * len(GRAPH_COLUMNS))
        row = cursor.fetchone()
    (alternatives, positions, claim_ids, base_scores, kinds, checks, overridden, sources, target_positions,
     target_claims, polarities, link_basis, stakeholders, stance_claims, attitudes, stance_basis, cited_claims,
     cited_sources, source_kinds, publishers) = map(orjson.loads, row)  # fmt: skip
    return GraphRows(
        position_ids=positions,
        claims=list(zip(claim_ids, base_scores, strict=True)),
        links=list(zip(sources, target_positions, target_claims, polarities, strict=True)),
        claim_stances=[
            {"stakeholder_id": s, "position_id": None, "claim_id": c, "stance": a}
            for s, c, a in zip(stakeholders, stance_claims, attitudes, strict=True)
        ],
        alternatives=bool(alternatives and alternatives[0]),
        kinds=dict(zip(claim_ids, kinds, strict=True)),
        checks=dict(zip(claim_ids, checks, strict=True)),
        overridden=frozenset(c for c, yes in zip(claim_ids, overridden, strict=True) if yes),
        link_basis=link_basis,
        stance_basis=stance_basis,
        citations=list(zip(cited_claims, cited_sources, source_kinds, publishers, strict=True)),
    )


Basis = Literal["stated"] | None
"""Which links an evaluation counts: every one (None), or those the source draws ("stated")."""


def rows_evidence(rows: GraphRows) -> dict[int, Evidence]:
    """Each claim's evidence and base score (evidence.py) from `load_graph_rows`."""
    return claim_evidence(
        claims=[(claim_id, score, claim_id in rows.overridden) for claim_id, score in rows.claims],
        citations=rows.citations,
        holders=[
            (stance["claim_id"], stance["stakeholder_id"], stance["stance"], basis)
            for stance, basis in zip(rows.claim_stances, rows.stance_basis, strict=True)
        ],
    )


def graph_inputs(rows: GraphRows, *, basis: Basis = None) -> tuple[dict[str, Any], list[int]]:
    """What ArgumentGraph is built from (its keyword arguments) and the indexes of the
    inferred links among its links: base scores from the evidence, facts and alternatives
    as the map says; with `basis="stated"`, inferred links left out."""
    evidence = rows_evidence(rows)
    links, bases = rows.links, rows.link_basis
    if basis == "stated":
        links = [link for link, how in zip(links, bases, strict=True) if how == "stated"]
        bases = ["stated"] * len(links)
    inputs = {
        "positions": rows.position_ids,
        "claims": [(claim_id, evidence[claim_id].score) for claim_id, _score in rows.claims],
        "links": links,
        "alternatives": rows.alternatives,
        "facts": {claim_id: rows.checks[claim_id] for claim_id, kind in rows.kinds.items() if kind == "fact"},
    }
    return inputs, [k for k, how in enumerate(bases) if how == "inferred"]


def graph_from_rows(rows: GraphRows, *, basis: Basis = None) -> ArgumentGraph:
    """graph.py's argument graph from `load_graph_rows` (see graph_inputs)."""
    return ArgumentGraph(**graph_inputs(rows, basis=basis)[0])


def rows_robustness(
    rows: GraphRows,
    *,
    basis: Basis = None,
    evaluation: Evaluation | None = None,
    graph: ArgumentGraph | None = None,
) -> Report:
    """robustness.py's report on the map of `load_graph_rows` (`evaluation` and `graph`:
    its evaluation and graph_from_rows(rows, basis=basis), if made)."""
    inputs, inferred = graph_inputs(rows, basis=basis)
    return robustness(**inputs, inferred=inferred, evaluation=evaluation, graph=graph)


def map_evidence(data: MapData) -> dict[int, Evidence]:
    """Each claim's evidence and base score (evidence.py) from a map loaded with PAGE_COLUMNS."""
    sources = {row["id"]: row for row in data.sources}
    return claim_evidence(
        claims=[(row["id"], row["base_score"], bool(row.get("score_reason"))) for row in data.claims],
        citations=[
            (row["claim_id"], source["id"], source["kind"], source["publisher"])
            for row in data.citations
            for source in (sources[row["source_id"]],)
        ],
        holders=[
            (row["claim_id"], row["stakeholder_id"], row["stance"], row["basis"])
            for row in data.stances
            if row["claim_id"] is not None
        ],
    )


def graph_from_map(data: MapData, *, basis: Basis = None) -> ArgumentGraph:
    """graph.py's argument graph from a whole map already loaded with `load_map(…, PAGE_COLUMNS)`
    (which reads the evidence, facts, bases and alternatives): as graph_from_rows."""
    if not data.topic:
        raise ValueError("graph_from_map needs a map loaded with PAGE_COLUMNS (the topic and the claims' kinds).")
    evidence = map_evidence(data)
    claims = [(row["id"], evidence[row["id"]].score) for row in data.claims]
    facts = {row["id"]: row["fact_check"] for row in data.claims if row["kind"] == "fact"}
    links = data.links
    if basis == "stated":
        links = [row for row in links if row.get("basis", "stated") == "stated"]
    return ArgumentGraph(
        positions=[row["id"] for row in data.positions],
        claims=claims,
        links=[(row["claim_id"], row["target_position_id"], row["target_claim_id"], row["polarity"]) for row in links],
        alternatives=bool(data.topic[0]["alternatives"]),
        facts=facts,
    )


def map_robustness(
    data: MapData, *, evaluation: Evaluation | None = None, graph: ArgumentGraph | None = None
) -> Report:
    """robustness.py's report on a whole map loaded with PAGE_COLUMNS (as graph_from_map),
    `evaluation` and `graph` being its own if made (the claims' evidence, which only a new
    graph needs, is then not weighed again)."""
    claims = []
    if graph is None:
        evidence = map_evidence(data)
        claims = [(row["id"], evidence[row["id"]].score) for row in data.claims]
    return robustness(
        positions=[row["id"] for row in data.positions],
        claims=claims,
        links=[
            (row["claim_id"], row["target_position_id"], row["target_claim_id"], row["polarity"]) for row in data.links
        ],
        inferred=[k for k, row in enumerate(data.links) if row.get("basis") == "inferred"],
        alternatives=bool(data.topic[0]["alternatives"]),
        facts={row["id"]: row["fact_check"] for row in data.claims if row["kind"] == "fact"},
        evaluation=evaluation,
        graph=graph,
    )


def evaluate_topic(
    topic: Topic,
    *,
    without_stakeholder: int | None = None,
    reject: Collection[int] = (),
    explain: bool = True,
    cruxes: int = 3,
    basis: Basis = None,
) -> Evaluation:
    """The strength, label and (with `explain`) explanation of every position and claim of
    `topic`, with up to `cruxes` cruxes per position; one query.

    What-if: `without_stakeholder` (a stakeholder id) leaves out the claims that
    stakeholder holds a supporting or conditional stance on (stakeholders.claims_held_by);
    `reject` lists claim ids assumed rejected. A claim id not in the topic is a ValueError.
    With `basis="stated"`, only the links the sources draw count.
    """
    rows = load_graph_rows(topic.pk)
    left_out = claims_held_by(without_stakeholder, rows.claim_stances) if without_stakeholder is not None else ()
    graph = graph_from_rows(rows, basis=basis)
    return graph.evaluate(left_out=left_out, rejected=reject, explain=explain, cruxes=cruxes)


# The rows of `load_map` carry the columns of MAP_COLUMNS, a superset of graph.py's row types.


def map_coalitions(data: MapData, *, agreements: bool = True) -> Coalitions:
    """The stance matrix, agreement, coalitions and power/interest grid of a loaded map
    (without the list of every pair's agreement if not `agreements`)."""
    return coalitions(
        position_ids=[row["id"] for row in data.positions],
        stances=cast("list[StanceRow]", data.stances),
        salience=cast("list[SalienceRow]", data.salience),
        agreements=agreements,
    )


def map_gaps(data: MapData) -> Gaps:
    """What is missing from a loaded map (stakeholders.find_gaps)."""
    return find_gaps(
        position_ids=[row["id"] for row in data.positions],
        claim_ids=[row["id"] for row in data.claims],
        links=cast("list[LinkDict]", data.links),
        cited_claim_ids=[row["claim_id"] for row in data.citations],
        stances=cast("list[StanceRow]", data.stances),
        salience=cast("list[SalienceRow]", data.salience),
    )


def map_bridges(
    data: MapData, graph: ArgumentGraph | None = None, lensed: LensEvaluations | None = None
) -> list[Bridge]:
    """The bridges between the stakeholders a loaded map divides (lenses.bridges); `graph`:
    graph_from_map(data), if built; `lensed`: the lens evaluations shared with map_lenses."""
    pairs = divided_pairs(cast("list[StanceRow]", data.stances))
    if not pairs:
        return []
    return bridges(graph or graph_from_map(data), cast("list[StanceRow]", data.stances), pairs=pairs, lensed=lensed)


def map_lenses(
    data: MapData,
    *,
    graph: ArgumentGraph | None = None,
    evaluation: Evaluation | None = None,
    found_bridges: list[Bridge] | None = None,
    coalitions: Coalitions | None = None,
    lensed: LensEvaluations | None = None,
) -> list[LensSummary]:
    """The lens summaries of a loaded map (lenses.lens_summaries), each with the bridge to
    the stakeholder on the other side it agrees with least; `graph`, `evaluation` (without
    a lens), the map's bridges and its coalitions (with their agreements), if made; `lensed`:
    the lens evaluations made for the bridges (lenses.LensEvaluations)."""
    graph = graph or graph_from_map(data)
    stances = cast("list[StanceRow]", data.stances)
    summaries = lens_summaries(graph, evaluation or graph.evaluate(), stances, lensed=lensed)
    if not summaries:
        return summaries
    found_bridges = map_bridges(data, graph) if found_bridges is None else found_bridges
    coalitions = coalitions or map_coalitions(data)
    agreement = {tuple(sorted(a.stakeholder_ids)): a.agreement for a in coalitions.agreements}
    for summary in summaries:
        summary.bridge = bridge_for(summary.stakeholder_id, found_bridges, agreement)
    return summaries


DUPLICATES_PER_VERSION = 300_000
"""The candidate pairs of texts compared, at most, to note a map's possible duplicates on its
pages (computed once per version: stored at publish, kept in the cache for a live version):
a few seconds of work, whatever the size of the map (docs/performance.md). A map that needs
more (many claims made of the same few words) lists them in the gaps of the API and the
admin only."""

DUPLICATES_IN_GAPS = 30_000_000
"""The candidate pairs compared, at most, for the gaps' list of possible duplicates (the
API's gaps endpoint: for a publication, written once by its documents task; for a live
map, once per request of an editor). A hundred times the pages' bound, a few minutes; a map
that needs more (a million claims of a small vocabulary would take hours and tens of GB)
lists none, and says so (`possible_duplicates_complete`: false)."""


def map_duplicates(data: MapData, comparisons: int | None = None) -> list[Duplicate] | None:
    """The claims of a loaded map that may count one reason twice (duplicates.py); with
    `comparisons`, None if it takes more than that many."""
    try:
        return possible_duplicates(
            claims=[(row["id"], row["text"]) for row in data.claims],
            citations=[(row["claim_id"], row["source_id"], row["quote"]) for row in data.citations],
            comparisons=comparisons,
        )
    except TooManyComparisons:
        return None


def topic_coalitions(topic: Topic) -> Coalitions:
    """`map_coalitions` of `topic`, in one query."""
    return map_coalitions(load_map(topic.pk, PAGE_COLUMNS))


def topic_gaps(topic: Topic) -> Gaps:
    """`map_gaps` of `topic`, in one query."""
    return map_gaps(load_map(topic.pk, PAGE_COLUMNS))


def map_data(document: dict[str, Any]) -> MapData:
    """A snapshot's map as load_map gives it (rows of MAP_COLUMNS)."""
    topic = document["topic"]
    return MapData(
        **{part: document[part] for part in MAP_COLUMNS},
        # What the analysis needs of the topic itself (loading.PAGE_COLUMNS' "topic").
        topic=[{"id": topic["id"], "alternatives": topic.get("alternatives", True)}],
    )
