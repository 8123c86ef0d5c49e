"""A publication's map as rows (models.PublishedRow), so that a public page reads only the
slice it shows, with indexed queries, whatever the size of the map.

At publish, `store_rows` lays the whole map out once (tree.py: where each claim is placed,
its counts and descendants, the sources' numbers) and writes a row per object of the
snapshot with its key, its rank in page order and its stored analysis: with COPY on
PostgreSQL, in batches elsewhere. Pages then read:

    topic_slice(publication_id, budget=…, first_level=…)   the topic page (with its plan, one query)
    arguments_slice(publication_id, key, start=…, count=…)  "show more" of a position
    branch_slice(publication_id, claim_id, budget=…)        a lazily loaded branch (its rows by one recursive query)
    analysis_slice(publication_id, plan=…)                   the analysis page (with its plan, one query)
    frame_slice(publication_id)                              the topic's stakeholders page
    path_to(publication_id, claim_id)                       the claims from the top down to one

Each is a fixed number of queries (a few per level of the tree shown), never the snapshot;
the topic page and the analysis page, the same for every reader, read the rows their plans
list (`topic_plan`, `analysis_plan`, worked out once at publish) in one.
The first level under each position is ranked by strength, then by recency (newest
claim first); below it, supporters come first, as on a live map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from argmap.analysis import BECAUSE_LISTED, DUPLICATES_LISTED, WHY_LISTED
from argmap.graph import Assessment, Contribution, Crux, Evaluation, Explanation
from argmap.involvement import stance_counts
from argmap.loading import MapData, map_data
from argmap.models import PublishedRow
from argmap.tree import SUPPORTS, Layout, Node, Tree

Row = dict[str, Any]

COLUMNS = ("publication_id", "part", "object_id", "key", "rank", "claim", "strength", "data", "layout", "assessment")
# The columns pages filter and order by: those whose statistics the planner needs.
PLANNED_COLUMNS = ("publication_id", "part", "object_id", "key", "rank", "claim", "strength")
BATCH = 2000
LEVELS = 4  # levels below the first that a page opens at most (the rest load on demand)
SOURCES_LISTED = 200  # a page lists at most this many sources; it links the others' pages
# The parts every page of a topic reads whole: their size grows with the stakeholders and
# positions, not with the claims.
FRAME_PARTS = ("topic", "positions", "stakeholders", "relationships", "salience")
FRAME = Q(part__in=FRAME_PARTS) | Q(part="stances", key__lt=0)  # and the stances on the positions
FRAGMENT_PARTS = ("topic", "positions", "stakeholders")
FRAGMENT_FRAME = Q(part__in=FRAGMENT_PARTS)  # what a fragment's stances and whys name


# ---------------------------------------------------------------------------
# Writing, once per publication
# ---------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def map_rows(publication_id: int, document: dict[str, Any], analysis: dict[str, Any]) -> Iterator[tuple]:
    """The rows of a publication (COLUMNS), from its snapshot and its stored analysis."""

    data = map_data(document)
    tree = Tree(data)
    evaluation = analysis["evaluation"]
    strengths = {int(k): v["strength"] for k, v in evaluation["claims"].items()}

    # Page order: the first level by strength then recency; below, as the tree reads them.
    ranked: dict[int, list[tuple[int, int, str]]] = {}  # key -> the links to it, in page order
    ranks: dict[int, int] = {}  # link id -> rank under its target
    for key, links in tree.inbound.items():
        if key < 0:
            links = sorted(links, key=lambda link: (-strengths.get(link[1], 0.0), -link[1]))
        ranked[key] = links
        for rank, (link_id, _claim_id, _polarity) in enumerate(links):
            ranks[link_id] = rank
    unattached = sorted(tree.unattached_ids, key=lambda c: (-strengths.get(c, 0.0), -c))
    root_ranks = {claim_id: rank for rank, claim_id in enumerate(unattached)}
    positions = sorted(document["positions"], key=lambda row: (row["order"], row["id"]))
    places = _places(tree, ranked, [-row["id"] for row in positions], unattached)

    def counts(key: int) -> list[int]:
        return [tree.count(key, SUPPORTS), tree.count(key, "opposes")]

    topic = document["topic"]
    yield (
        publication_id, "topic", topic["id"], None, None, None, None, _dumps(topic),
        _dumps({"claims": len(data.claims), "links": len(data.links), "unattached": len(unattached),
                "bytes": analysis.get("bytes", 0)}),
        _dumps({
            "cruxes": evaluation["cruxes"], "left_out": evaluation["left_out"],
            "assumed_rejected": evaluation["assumed_rejected"], "cycles": evaluation["cycles"],
            "converged": evaluation["converged"],
            # every pair's agreement grows with the square of the stakeholders: pages show the matrix only
            "coalitions": {**analysis["coalitions"], "agreements": []},
            "bridges": analysis.get("bridges", []),
            # each stakeholder's stances in the whole map: pages show the most involved (involvement.py)
            "involvement": stance_counts(document["stances"]),
            **({"duplicates": analysis["duplicates"]} if "duplicates" in analysis else {}),
        }),
    )  # fmt: skip
    # What pages do not show, for the readers that need it apart: the agreements, the gaps.
    yield (
        publication_id, "analysis", topic["id"], None, None, None, None,
        _dumps({"agreements": analysis["coalitions"]["agreements"], "gaps": analysis["gaps"]}), "", "",
    )  # fmt: skip
    for row in positions:
        key = -row["id"]
        stored = evaluation["positions"].get(str(row["id"]))
        layout = {"counts": counts(key), "descendants": tree.descendants.get(key, 0)}
        yield (
            publication_id, "positions", row["id"], None, row["order"], None,
            stored["strength"] if stored else None, _dumps(row), _dumps(layout), _stored(stored),
        )  # fmt: skip
    for row in sorted(document["claims"], key=lambda row: places[row["id"]]):
        claim_id = row["id"]
        parent = tree.parents.get(claim_id)
        placed_by = tree.placed_by.get(claim_id)
        rank = root_ranks.get(claim_id, 0) if parent is None else ranks[placed_by]
        stored = evaluation["claims"].get(str(claim_id))
        layout = {
            "depth": tree.depths.get(claim_id, 1),
            "placed_by": placed_by,
            "counts": counts(claim_id),
            "descendants": tree.descendants.get(claim_id, 0),
        }
        yield (
            publication_id, "claims", claim_id, parent or 0, rank, None,
            stored["strength"] if stored else None, _dumps(row), _dumps(layout), _stored(stored),
        )  # fmt: skip
    for row in sorted(document["links"], key=lambda row: (places[_target(row)], ranks[row["id"]])):
        target = _target(row)
        yield (
            publication_id,
            "links",
            row["id"],
            target,
            ranks.get(row["id"]),
            row["claim_id"],
            None,
            _dumps(row),
            "",
            "",
        )
    for row in sorted(document["stances"], key=lambda row: places[_subject(row)]):
        subject = _subject(row)
        yield (publication_id, "stances", row["id"], subject, None, None, None, _dumps(row), "", "")
    for row in sorted(document["citations"], key=lambda row: places[row["claim_id"]]):
        yield (publication_id, "citations", row["id"], row["claim_id"], None, None, None, _dumps(row), "", "")
    numbers = tree.source_numbers
    for row in sorted(document["sources"], key=lambda row: (row["id"] not in numbers, numbers.get(row["id"], 0))):
        number = numbers.get(row["id"])
        yield (publication_id, "sources", row["id"], None, number, None, None, _dumps(row), "", "")
    # A stakeholder's row keeps its lens summary, if one was stored: its page reads it with the row.
    lenses = {row["stakeholder_id"]: row for row in analysis.get("lenses", [])}
    for row in document["stakeholders"]:
        lens = lenses.get(row["id"])
        kept = _dumps(lens) if lens is not None else ""
        yield (publication_id, "stakeholders", row["id"], None, None, None, None, _dumps(row), "", kept)
    for part in ("relationships", "salience"):
        for row in document[part]:
            yield (publication_id, part, row["id"], None, None, None, None, _dumps(row), "", "")


def _stored(assessment: dict[str, Any] | None) -> str:
    """A row's assessment column: the assessment as a page reads it (_listed), or nothing."""
    return _dumps(_listed(assessment)) if assessment else ""


def _listed(stored: dict[str, Any]) -> dict[str, Any]:
    """An assessment as a page reads it: its why with the first WHY_LISTED contributions and
    BECAUSE_LISTED becauses, and how many of each there are (ListedExplanation). A position
    of a million-claim map has thousands of contributions (330 KB of JSON each), which every
    topic page would otherwise parse to list five."""
    why = stored.get("why")
    if why is None:
        return stored
    supporters = sum(1 for c in why["contributions"] if c["polarity"] == "supports")
    return {
        **stored,
        "why": {
            **why,
            "contributions": why["contributions"][:WHY_LISTED],
            "because": why["because"][:BECAUSE_LISTED],
            "counts": [supporters, len(why["contributions"]) - supporters, len(why["because"])],
        },
    }


def _target(link: Row) -> int:
    """The key of what a link argues about: a claim's id, or a position's negated."""
    position_id = link["target_position_id"]
    return -position_id if position_id is not None else link["target_claim_id"]


def _subject(stance: Row) -> int:
    """The key of what a stance is taken on."""
    position_id = stance["position_id"]
    return -position_id if position_id is not None else stance["claim_id"]


def _places(
    tree: Tree, ranked: dict[int, list[tuple[int, int, str]]], positions: list[int], unattached: list[int]
) -> dict[int, int]:
    """Every key's place in page order (the positions first, in their order, then the claims
    breadth-first: the first level under each position by rank, the claims at the top, then
    what each claim of a level places below it, by rank). The rows are written in this order,
    so that what a page reads sits together in the table: the first claims under each
    position, the claims a level opens below them, any branch's level, each one run of rows.
    At 1,000,000 claims a topic page's rows otherwise lay scattered over thousands of pages."""
    places: dict[int, int] = {}
    level, top = positions, unattached  # (the claims at the top follow the first level)
    while level or top:
        for key in level:
            places[key] = len(places)
        level = [
            claim_id
            for key in level
            for link_id, claim_id, _polarity in ranked.get(key, ())
            if tree.placed_by.get(claim_id) == link_id
        ]
        level, top = level + top, []
    return places


def write_rows(rows: Iterable[tuple]) -> int:
    """Write `rows` (COLUMNS) in bulk: COPY on PostgreSQL, batches of INSERTs elsewhere."""
    table = PublishedRow._meta.db_table
    columns = ", ".join(COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            # Without fresh statistics the planner takes a new publication's rows for none
            # and reads the index by its first columns only: 0.4 ms became 570 ms at 100k.
            # Only the columns it plans by: the JSON columns' statistics (never filtered on)
            # took half of ANALYZE's time (1.2 s of it at 90,000 rows).
            cursor.execute(f"ANALYZE {table} ({', '.join(PLANNED_COLUMNS)})")
            return written
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608 - names from the model
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def store_rows(publication_id: int, document: dict[str, Any], analysis: dict[str, Any], size: int) -> int:
    """Lay out and write a publication's rows; `size` is its snapshot's, in bytes."""
    return write_rows(map_rows(publication_id, document, {**analysis, "bytes": size}))


# ---------------------------------------------------------------------------
# Reading a slice
# ---------------------------------------------------------------------------


@dataclass
class Slice:
    """What a page shows of a published map: the rows read (as load_map gives them), their
    tree, the stored evaluation of what is shown, and the claims shown and opened."""

    data: MapData
    tree: Tree
    evaluation: Evaluation
    frame: dict[str, Any]  # the topic's row, its layout and stored analysis (cruxes, coalitions)
    shown: list[Node]
    expanded: set[int]
    arguments: list[Node]  # the top nodes of the slice (a position's, a branch's)

    @property
    def claims_total(self) -> int:
        return self.frame["layout"]["claims"]

    @property
    def map_bytes(self) -> int:
        return self.frame["layout"]["bytes"]

    @property
    def sources_listed(self) -> int:
        return len(self.tree.sources)


def _among(ids) -> Q:
    """PublishedRow's object_id among `ids` (a subquery of one column). On PostgreSQL as
    `= ANY(ARRAY(…))`, computed once (an InitPlan): beside other conditions in an OR, an
    `IN (subquery)` is a filter applied to every row of the part (100,000 claims read for a
    branch of fifteen at 100k), where an array is an index condition."""
    if connection.vendor != "postgresql":
        return Q(object_id__in=ids)
    sql, params = ids.query.sql_with_params()
    table = PublishedRow._meta.db_table
    return Q(RawSQL(f"{table}.object_id = ANY(ARRAY({sql}))", params, output_field=BooleanField()))  # noqa: S611 - SQL from the ORM


def _rows(publication_id: int, query: Q) -> list[Row]:
    """The rows of a publication that `query` selects, with what a _Reader keeps of them."""
    return list(
        PublishedRow.objects.filter(query, publication_id=publication_id).values(
            "id", "part", "object_id", "key", "rank", "data", "layout", "assessment"
        )
    )


def _load(row: Row) -> Row:
    return orjson.loads(row["data"])


def published_version(publication_id: int) -> int:
    """The topic's version a publication published, as its snapshot's topic row says: read
    from that row as stored here (one small query), without reading the snapshot."""
    row = PublishedRow.objects.filter(publication_id=publication_id, part="topic").values_list("data", flat=True)
    return orjson.loads(row.get())["version"]


class _Reader:
    """Reads rows of one publication and gathers them into a Slice."""

    def __init__(self, publication_id: int, fetched: _Fetched | None = None):
        self.publication_id = publication_id
        self.fetched = fetched  # rows read beforehand (a branch's): read_children looks there
        self.parts: dict[str, dict[int, Row]] = defaultdict(dict)
        self.layouts: dict[int, dict] = {}  # claim or -position -> layout
        self.assessments: dict[str, dict[int, dict]] = {"positions": {}, "claims": {}}
        self.children: dict[int, list[tuple[int, int, str]]] = {}
        self.more: dict[int, int] = {}
        self.frame: dict[str, Any] = {}
        self.source_ranks: dict[int, int] = {}
        self.named: set[int] = set()  # claims read for their text only
        self.row_ids: list[int] = []  # the rows gathered, in the order gathered

    def read(self, query: Q) -> list[Row]:
        """The rows `query` selects, gathered: one query."""
        return self.gather(_rows(self.publication_id, query))

    def gather(self, rows: Iterable[Row]) -> list[Row]:
        """Keep `rows` (as _rows gives them) by part, with their layouts and assessments."""
        rows = list(rows)
        for row in rows:
            self.row_ids.append(row["id"])
            part, object_id = row["part"], row["object_id"]
            if part == "topic":
                self.frame = {
                    "row": _load(row),
                    "layout": orjson.loads(row["layout"]),
                    "analysis": orjson.loads(row["assessment"]),
                }
                continue
            self.parts[part][object_id] = _load(row)
            if part == "sources" and row["rank"] is not None:
                self.source_ranks[object_id] = row["rank"]
            if part in ("claims", "positions"):
                key = object_id if part == "claims" else -object_id
                self.layouts[key] = {**orjson.loads(row["layout"]), "key": row["key"], "rank": row["rank"]}
                if row["assessment"] and not (part == "claims" and object_id in self.named):
                    # a claim named by a why is shown by its text only: its own why is not read
                    self.assessments[part][object_id] = orjson.loads(row["assessment"])
        return rows

    def read_frame(self, *, whole: bool = True) -> None:
        """The topic, its positions and stakeholders, and (`whole`, for a page about the
        whole topic) their relationships, salience and stances on the positions: one query."""
        self.read(FRAME if whole else FRAGMENT_FRAME)

    def read_children(
        self, keys: list[int], start: int = 0, count: int | None = None, also: Q | None = None
    ) -> list[int]:
        """The links to `keys` (their ranks start..start+count) and the claims they carry
        (and the rows `also` selects): one query, the claims found through a subquery of the
        links; none if the rows were fetched beforehand (a branch's, every argument of the
        claims it may open). Returns the claims placed there, in page order."""
        if not keys:
            if also is not None:
                self.read(also)
            return []
        if self.fetched is not None:
            return self.placed_below(keys, self.gather(self.fetched.children(keys)))
        ranks = Q(rank__gte=start) & (Q() if count is None else Q(rank__lt=start + count))
        links_wanted = Q(part="links", key__in=keys) & ranks
        carried = PublishedRow.objects.filter(links_wanted, publication_id=self.publication_id).values("claim")
        query = links_wanted | (Q(part="claims") & _among(carried))
        return self.placed_below(keys, self.read(query if also is None else query | also))

    def placed_below(self, keys: list[int], rows: list[Row]) -> list[int]:
        """Of `rows` (the links to `keys` and their claims, gathered), the children of each
        key in page order; returns the claims placed there."""
        links = [row for row in rows if row["part"] == "links" and row["key"] in keys]
        links.sort(key=lambda row: (keys.index(row["key"]), row["rank"]))
        for key in keys:
            self.children.setdefault(key, [])
        placed = []
        for row in links:
            link = self.parts["links"][row["object_id"]]
            self.children[row["key"]].append((link["id"], link["claim_id"], link["polarity"]))
            if self.layouts[link["claim_id"]]["placed_by"] == link["id"]:
                placed.append(link["claim_id"])
        return placed

    def read_details(self, shown: list[int], *, numbered: bool = True) -> None:
        """Of the claims shown: their citations, stances and every link they make (one
        query), then the sources cited and the claims their links and whys name (one), and
        (`numbered`, for a page that lists the topic's sources) the first SOURCES_LISTED."""
        if shown and self.fetched is not None:
            self.gather(self.fetched.details(shown))
        elif shown:
            self.read(Q(part__in=("citations", "stances"), key__in=shown) | Q(part="links", claim__in=shown))
        sources = {row["source_id"] for row in self.parts["citations"].values()}
        named = set()
        for row in self.parts["links"].values():
            if row["claim_id"] in shown and row["target_claim_id"] is not None:
                named.add(row["target_claim_id"])
        whys = [(self.assessments["claims"].get(claim_id) or {}).get("why") for claim_id in shown]
        whys += [stored.get("why") for stored in self.assessments["positions"].values()]
        for why in whys:
            if why:  # a why names the claims that move it most, and those that decide its label
                named.update(c["claim_id"] for c in why["contributions"][:WHY_LISTED])
                named.update(why["because"][:BECAUSE_LISTED])
        for cruxes in self.frame.get("analysis", {}).get("cruxes", {}).values():
            named.update(crux["claim_id"] for crux in cruxes)
        # the possible duplicates the analysis lists, and those of the claims shown
        duplicates = self.frame.get("analysis", {}).get("duplicates", [])
        for duplicate in duplicates[:DUPLICATES_LISTED]:
            named.update(duplicate["claim_ids"])
        shown_ids = set(shown)
        for duplicate in duplicates:
            if shown_ids.intersection(duplicate["claim_ids"]):
                named.update(duplicate["claim_ids"])
        named -= set(self.parts["claims"])
        query = Q(part="claims", object_id__in=named)
        if numbered:
            query |= Q(part="sources", rank__lte=SOURCES_LISTED)
        if sources:
            query |= Q(part="sources", object_id__in=sources)
        self.named = set(named)
        self.read(query)

    def expand(self, level: list[int], shown: int, budget: int) -> tuple[set[int], list[int]]:
        """Open the claims of `level` and below, breadth-first, while the claims shown stay
        within `budget` (as Tree.expanded: a claim shows all its arguments or none), at most
        LEVELS deep. Returns the claims opened and the claims placed below them."""
        expanded: set[int] = set()
        placed: list[int] = []
        for _ in range(LEVELS):
            opening, full = [], False
            for claim_id in level:
                arguments = sum(self.layouts[claim_id]["counts"])
                if not arguments:
                    continue
                if shown + arguments > budget:
                    full = True
                    break
                shown += arguments
                opening.append(claim_id)
            expanded.update(opening)
            level = self.read_children(opening)
            placed += level
            if full or not level:
                break
        return expanded, placed

    def slice(self, expanded: set[int], top: list[int] | None = None) -> Slice:
        """The rows read as a Slice: `expanded`, the claims opened; `top`, the claims read at
        the top of the tree (that argue about nothing placed)."""
        named = self.named
        claims = [row for claim_id, row in self.parts["claims"].items() if claim_id not in named]
        shown_ids = {row["id"] for row in claims}
        data = MapData(
            positions=list(self.parts["positions"].values()),
            claims=claims,
            links=list(self.parts["links"].values()),
            stakeholders=list(self.parts["stakeholders"].values()),
            stances=list(self.parts["stances"].values()),
            sources=list(self.parts["sources"].values()),
            citations=[row for row in self.parts["citations"].values() if row["claim_id"] in shown_ids],
            relationships=list(self.parts["relationships"].values()),
            salience=list(self.parts["salience"].values()),
            topic=[{"id": self.frame["row"]["id"], "alternatives": self.frame["row"].get("alternatives", True)}],
        )
        layouts = self.layouts
        counts = {key: tuple(layout["counts"]) for key, layout in layouts.items()}
        parents = {c: (layouts[c]["key"] or None) for c in self.parts["claims"]}
        numbered = sorted(self.sources_numbered(), key=lambda pair: pair[0])
        listed = []
        for number, row in numbered:
            if number != len(listed) + 1:
                break
            listed.append(row)
        layout = Layout(
            children=self.children,
            counts=counts,
            more=self.more,
            parents=parents,
            placed_by={c: layouts[c]["placed_by"] for c in self.parts["claims"]},
            depths={c: layouts[c]["depth"] for c in self.parts["claims"]},
            descendants={key: layout["descendants"] for key, layout in layouts.items()},
            unattached_ids=top or [],
            source_numbers={row["id"]: number for number, row in numbered},
            sources=listed,
            named={c: self.parts["claims"][c] for c in named},
        )
        tree = Tree(data, layout)
        roots = tree.roots()
        shown = tree.shown_claims(roots, expanded)
        return Slice(data, tree, self.evaluation(), self.frame, shown, expanded, roots)

    def sources_numbered(self) -> Iterator[tuple[int, Row]]:
        ranks = self.source_ranks
        for source_id, row in self.parts["sources"].items():
            if source_id in ranks:
                yield ranks[source_id], row

    def evaluation(self) -> Evaluation:

        analysis = self.frame["analysis"]
        return stored_evaluation(
            {
                "evaluation": {
                    "positions": {str(k): v for k, v in self.assessments["positions"].items()},
                    "claims": {str(k): v for k, v in self.assessments["claims"].items()},
                    "cruxes": analysis["cruxes"],
                    "left_out": analysis["left_out"],
                    "assumed_rejected": analysis["assumed_rejected"],
                    "cycles": analysis["cycles"],
                    "converged": analysis["converged"],
                }
            }
        )


def _topic_read(publication_id: int, budget: int, first_level: int) -> tuple[_Reader, set[int], list[int]]:
    """The topic page's rows, read level by level: the frame, the first level, one query
    per level opened below it, then the details. Returns the reader, the claims opened and
    the claims at the top."""
    reader = _Reader(publication_id)
    reader.read_frame()
    positions = sorted(reader.parts["positions"].values(), key=lambda row: (row["order"], row["id"]))
    keys = [-row["id"] for row in positions]
    # with the claims that argue about nothing placed (at the top), first_level of them
    placed = reader.read_children(keys, count=first_level, also=Q(part="claims", key=0, rank__lt=first_level))
    top = sorted(
        (c for c, layout in reader.layouts.items() if c > 0 and layout["key"] == 0),
        key=lambda c: reader.layouts[c]["rank"],
    )
    for key in keys:
        supporters, opponents = reader.layouts[key]["counts"]
        reader.more[key] = max(supporters + opponents - first_level, 0)
    reader.more[0] = max(reader.frame["layout"]["unattached"] - first_level, 0)
    shown = sum(len(reader.children[key]) for key in keys) + len(top)
    expanded, below = reader.expand(placed + top, shown, budget)
    reader.read_details([*placed, *top, *below])
    return reader, expanded, top


# ---------------------------------------------------------------------------
# The topic page's plan, worked out once per publication
# ---------------------------------------------------------------------------
#
# Every reader of a publication's topic page is shown the same slice, so which rows it reads
# is worked out once, at publish (publishing.publish stores it as Publication.page_plan):
#
#     made_with  the settings and limits the selection depends on; a plan made with others
#                is not used (the page is then read level by level)
#     rows       [[part, [object ids]], …] in the order the level-by-level read first met
#                them (the topic's row included), so that the Slice is built the same
#     ids        the ids of those rows in the table: what the page's one query asks for
#     children   [[key, [link ids]], …]: the links placed under each key, in page order
#     more       [[key, n], …]: how many claims each position (and 0, the top) has beyond
#                the first level
#     top, expanded, named   the claims at the top, opened, and read for their text only
#
# The page then reads the planned rows in one query, by their ids (the rows were written in
# page order, map_rows: the ids run in a few ranges, and the rows they find sit together),
# and gathers them as the level-by-level read would. (A plan stored before plans kept the
# ids names the rows by part and object id instead, which its query asks for.)

PLAN_IDS = 20_000  # a plan lists at most this many rows (bound parameters of one query); beyond, none is made


def _made_with(budget: int, first_level: int) -> dict[str, int]:
    """What a topic page's selection depends on: if any of it changes, a stored plan no longer
    says what the page would read."""
    return {
        "budget": budget,
        "first_level": first_level,
        "levels": LEVELS,
        "sources_listed": SOURCES_LISTED,
        "why_listed": WHY_LISTED,
        "because_listed": BECAUSE_LISTED,
    }


def topic_plan(publication_id: int, *, budget: int, first_level: int) -> dict[str, Any] | None:
    """The plan of the topic page's rows (above), from a level-by-level read; None if it would
    list more than PLAN_IDS rows."""
    reader, expanded, top = _topic_read(publication_id, budget, first_level)
    rows = [["topic", [reader.frame["row"]["id"]]], *([part, list(found)] for part, found in reader.parts.items())]
    if sum(len(ids) for _part, ids in rows) > PLAN_IDS:
        return None
    return {
        "made_with": _made_with(budget, first_level),
        "rows": rows,
        "ids": sorted(set(reader.row_ids)),
        "children": [
            [key, [link_id for link_id, _claim, _polarity in links]] for key, links in reader.children.items()
        ],
        "more": [[key, count] for key, count in reader.more.items()],
        "top": top,
        "expanded": sorted(expanded),
        "named": sorted(reader.named),
    }


def analysis_plan(publication_id: int) -> dict[str, Any] | None:
    """The plan of the analysis page's rows (analysis_slice): the topic's frame, the claims
    the positions' whys and the cruxes name, the first sources. As topic_plan."""
    return topic_plan(publication_id, budget=0, first_level=0)


def analysis_slice(publication_id: int, *, plan: dict[str, Any] | None = None) -> Slice:
    """The analysis page: the positions and what their analysis names, no claim of the tree.
    With the publication's `plan`, in one query; else in three."""
    return topic_slice(publication_id, budget=0, first_level=0, plan=plan)


def _planned_read(publication_id: int, plan: dict[str, Any]) -> Slice:
    """The topic page from its plan: the planned rows in one query, gathered in the order the
    plan lists them (as the level-by-level read met them), with what that read derived."""
    reader = _Reader(publication_id)
    reader.named = set(plan["named"])  # before reading: these claims' whys are not read
    if "ids" in plan:
        wanted = Q(id__in=plan["ids"])
    else:
        wanted = Q()
        for part, ids in plan["rows"]:
            wanted |= Q(part=part, object_id__in=ids)
    found = {(row["part"], row["object_id"]): row for row in _rows(publication_id, wanted)}
    reader.gather(found[(part, object_id)] for part, ids in plan["rows"] for object_id in ids)
    links = reader.parts["links"]
    for key, link_ids in plan["children"]:
        reader.children[key] = [
            (link_id, links[link_id]["claim_id"], links[link_id]["polarity"]) for link_id in link_ids
        ]
    reader.more = dict(plan["more"])
    return reader.slice(set(plan["expanded"]), top=plan["top"])


def topic_slice(publication_id: int, *, budget: int, first_level: int, plan: dict[str, Any] | None = None) -> Slice:
    """The topic page: the positions, the first `first_level` claims under each (and at the
    top, unattached), then breadth-first below while the page stays within `budget` claims.
    With the publication's `plan` made with these settings, in one query; else level by level."""
    if plan is not None and plan.get("made_with") == _made_with(budget, first_level):
        return _planned_read(publication_id, plan)
    reader, expanded, top = _topic_read(publication_id, budget, first_level)
    return reader.slice(expanded, top=top)


def frame_slice(publication_id: int) -> Slice:
    """The topic's frame only (its positions, stakeholders, their relationships and
    salience, the stances on the positions): one query, for the topic's stakeholders page."""
    reader = _Reader(publication_id)
    reader.read_frame()
    return reader.slice(set(), top=[])


def arguments_slice(publication_id: int, key: int, *, start: int, count: int) -> Slice:
    """`count` of the claims that argue about a position (key: its id negated; 0 for the
    claims at the top), from rank `start`: what "show more" loads."""
    reader = _Reader(publication_id)
    reader.read_frame(whole=False)
    if key == 0:
        reader.read(Q(part="claims", key=0, rank__gte=start, rank__lt=start + count))
        top = sorted((c for c in reader.parts["claims"]), key=lambda c: reader.layouts[c]["rank"])
        placed = top
    else:
        top = []
        placed = reader.read_children([key], start=start, count=count)
    reader.read_details(placed, numbered=False)  # a fragment: its citations link the sources' pages
    result = reader.slice(set(), top=top)
    arguments = result.tree.unattached if key == 0 else result.tree.arguments_of(key)
    result.arguments = arguments
    return result


def branch_slice(publication_id: int, claim_id: int, *, budget: int) -> Slice | None:
    """The arguments about one claim, opened breadth-first within `budget`; None if the
    publication has no such claim. Two queries: the branch's rows (_branch_rows), then the
    sources and the claims its links and whys name."""
    fetched = _Fetched(_branch_rows(publication_id, claim_id, budget=budget))
    if claim_id not in fetched.claims:
        return None
    reader = _Reader(publication_id, fetched)
    # the frame, the claim, its arguments and their claims, as one query of the level-by-level read had them
    placed = reader.placed_below([claim_id], reader.gather(fetched.children([claim_id], also=fetched.first(claim_id))))
    shown = len(reader.children[claim_id])
    expanded, below = reader.expand(placed, shown, budget)  # from the rows read: no query
    reader.read_details([claim_id, *placed, *below], numbered=False)  # a fragment, as above
    result = reader.slice(expanded | {claim_id}, top=[])
    result.arguments = result.tree.arguments_of(claim_id)
    result.shown = result.tree.shown_claims(result.arguments, expanded)
    return result


class _Fetched:
    """A branch's rows, read in one query (_branch_rows), handed to a _Reader as the
    level-by-level read's queries would have returned them: in the order the table holds them."""

    def __init__(self, rows: Iterable[Row]):
        self.frame: list[Row] = []
        self.claims: dict[int, Row] = {}
        self.links_to: dict[int, list[Row]] = defaultdict(list)  # key -> the links to it
        self.links_from: dict[int, list[Row]] = defaultdict(list)  # claim -> the links it makes
        self.about: dict[int, list[Row]] = defaultdict(list)  # claim -> its citations and stances
        for row in sorted(rows, key=lambda row: row["id"]):
            part = row["part"]
            if part in FRAGMENT_PARTS:
                self.frame.append(row)
            elif part == "claims":
                self.claims[row["object_id"]] = row
            elif part == "links":
                self.links_to[row["key"]].append(row)
                self.links_from[row["claim"]].append(row)
            else:
                self.about[row["key"]].append(row)

    def first(self, claim_id: int) -> list[Row]:
        """The frame and the claim itself."""
        return [*self.frame, self.claims[claim_id]]

    def children(self, keys: list[int], also: Iterable[Row] = ()) -> list[Row]:
        """The links to `keys` and the claims they carry (with `also`)."""
        links = [link for key in keys for link in self.links_to.get(key, ())]
        carried = [self.claims[link["claim"]] for link in links if link["claim"] in self.claims]
        return _in_table_order([*also, *links, *carried])

    def details(self, shown: list[int]) -> list[Row]:
        """The citations and stances of the claims `shown`, and the links they make."""
        return _in_table_order(
            row for claim_id in shown for row in (*self.about.get(claim_id, ()), *self.links_from.get(claim_id, ()))
        )


def _in_table_order(rows: Iterable[Row]) -> list[Row]:
    """`rows` once each, in the order of their ids (the order the table holds them)."""
    return sorted({row["id"]: row for row in rows}.values(), key=lambda row: row["id"])


def _arguments(alias: str) -> str:
    """SQL: the arguments about a claim row (its supporters and opponents, from its layout)."""
    if connection.vendor == "postgresql":
        counts = f"({alias}.layout::jsonb -> 'counts')"
        return f"CAST(({counts} ->> 0)::int + ({counts} ->> 1)::int AS BIGINT)"
    return f"CAST(json_extract({alias}.layout, '$.counts[0]') + json_extract({alias}.layout, '$.counts[1]') AS BIGINT)"


def _sql_among(column: str, select: str) -> str:
    """SQL: `column` among the values `select` gives, as an index condition (see _among)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(ARRAY({select}))"
    return f"{column} IN ({select})"


def _branch_rows(publication_id: int, claim_id: int, *, budget: int) -> list[Row]:
    """Every row a branch can show, in one query: the fragment's frame, the claim, and the
    claims below it that the breadth-first opening (_Reader.expand) might open, with their
    links, the claims those links carry, and the citations, stances and links of each.

    A recursive walk down the claims' rows (by their key, the claim they are placed under)
    opens a claim only if it could be opened within `budget`: a claim is opened only after
    the claim above it and every claim placed before it beside it, so the arguments of those
    (its "cost") are shown before its own. Claims that cannot fit are not walked, and no
    claim deeper than LEVELS below the top of the branch: what is read stays within a
    bound of `budget` and LEVELS, whatever the size of the map. expand() then picks, from
    these rows, exactly what the level-by-level read would have opened."""
    table = PublishedRow._meta.db_table

    def fits(alias: str) -> str:  # a claim of the walk that may be opened (its arguments read)
        return f"({alias}.arguments > 0 AND {alias}.cost <= %s AND {alias}.depth <= %s)"

    opened_links = _sql_among("key", "SELECT object_id FROM opened")
    carried = f"SELECT claim FROM {table} WHERE publication_id = %s AND part = 'links' AND {opened_links}"  # noqa: S608 - names from the model
    sql = f"""
        WITH RECURSIVE branch(object_id, depth, arguments, cost) AS (
            SELECT r.object_id, 0, {_arguments("r")}, {_arguments("r")} FROM {table} r
            WHERE r.publication_id = %s AND r.part = 'claims' AND r.object_id = %s
            UNION ALL
            SELECT c.object_id, b.depth + 1, {_arguments("c")},
                b.cost + {_arguments("c")} + CAST((
                    SELECT COALESCE(SUM({_arguments("s")}), 0) FROM {table} s
                    WHERE s.publication_id = c.publication_id AND s.part = 'claims' AND s.key = c.key
                        AND s.rank < c.rank
                ) AS BIGINT)
            FROM branch b JOIN {table} c ON c.key = b.object_id
            WHERE c.publication_id = %s AND c.part = 'claims' AND (b.depth = 0 OR {fits("b")})
        ),
        opened(object_id) AS (SELECT object_id FROM branch o WHERE o.depth = 0 OR {fits("o")})
        SELECT id, part, object_id, key, rank, claim, data, layout, assessment FROM {table}
        WHERE publication_id = %s AND (
            part IN ({", ".join(f"'{part}'" for part in FRAGMENT_PARTS)})
            OR (part = 'claims' AND {_sql_among("object_id", "SELECT object_id FROM branch")})
            OR (part = 'links' AND {_sql_among("key", "SELECT object_id FROM opened")})
            OR (part = 'claims' AND {_sql_among("object_id", carried)})
            OR (part IN ('citations', 'stances') AND {_sql_among("key", "SELECT object_id FROM branch")})
            OR (part = 'links' AND {_sql_among("claim", "SELECT object_id FROM branch")})
        )
    """  # noqa: S608 - names from the model
    params = [publication_id, claim_id, publication_id, budget, LEVELS, budget, LEVELS, publication_id, publication_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def path_to(publication_id: int, claim_id: int, *, limit: int = 1000) -> list[int]:
    """The claims from the top of the tree down to `claim_id` (included), in one recursive
    query; empty if the publication has no such claim."""
    table = PublishedRow._meta.db_table
    sql = f"""
        WITH RECURSIVE up(claim_id, parent, steps) AS (
            SELECT object_id, {table}.key, 0 FROM {table}
            WHERE publication_id = %s AND part = 'claims' AND object_id = %s
            UNION ALL
            SELECT r.object_id, r.key, up.steps + 1 FROM {table} r JOIN up ON r.object_id = up.parent
            WHERE r.publication_id = %s AND r.part = 'claims' AND up.parent > 0 AND up.steps < %s
        )
        SELECT claim_id FROM up ORDER BY steps DESC
    """  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [publication_id, claim_id, publication_id, limit])
        return [row[0] for row in cursor.fetchall()]


@dataclass
class ListedExplanation(Explanation):
    """A why as a publication's rows keep it (_listed): its first contributions and becauses,
    and how many there are of each."""

    counts: tuple[int, int, int] = (0, 0, 0)  # supporters, opponents, becauses

    @property
    def supporter_count(self) -> int:
        return self.counts[0]

    @property
    def opponent_count(self) -> int:
        return self.counts[1]

    @property
    def because_count(self) -> int:
        return self.counts[2]


def _assessment(row: dict[str, Any]) -> Assessment:
    why = row["why"]
    explanation = None
    if why is not None:
        # a row's why (listed, with its counts), or a whole stored analysis's
        kind = ListedExplanation if "counts" in why else Explanation
        explanation = kind(**{**why, "contributions": [Contribution(**c) for c in why["contributions"]]})
    return Assessment(
        row["id"], row["strength"], row["label"], explanation, row.get("check"), row.get("share"),
        row.get("robust"), row.get("flip"), row.get("flips_to"),
        tuple(row["flip_link"]) if row.get("flip_link") else None,  # type: ignore[arg-type]
    )  # fmt: skip


def stored_evaluation(analysis: dict[str, Any], claim_ids: Collection[int] | None = None) -> Evaluation:
    """The stored evaluation, with the assessments of `claim_ids` only (all if None): a page
    showing 200 claims of 10,000 rebuilds those 200."""
    stored = analysis["evaluation"]
    claims = stored["claims"]
    wanted = claims.keys() if claim_ids is None else (str(c) for c in claim_ids)
    return Evaluation(
        positions={int(k): _assessment(v) for k, v in stored["positions"].items()},
        claims={int(k): _assessment(claims[k]) for k in wanted if k in claims},
        cruxes={int(k): [Crux(**c) for c in v] for k, v in stored["cruxes"].items()},
        left_out=stored["left_out"],
        assumed_rejected=stored["assumed_rejected"],
        cycles=stored["cycles"],
        converged=stored["converged"],
        alternatives=stored.get("alternatives", False),  # (the API's evaluation says it)
    )


# ---------------------------------------------------------------------------
# The pages of one object (a claim, a position, a stakeholder, a source), as published
# ---------------------------------------------------------------------------


def latest_publications():
    """The latest publication of each published topic, as a subquery of ids: what the
    public reads of every map. (An anti-join, not a subquery per topic: the planner then
    reads each one's rows by the index that starts with the publication.)"""
    from argmap.models import Publication, TopicStatus

    later = Publication.objects.filter(topic=OuterRef("topic"), number__gt=OuterRef("number"))
    return Publication.objects.filter(~Exists(later), topic__status=TopicStatus.PUBLISHED).values("pk")


def in_latest(rows):
    """`rows` (PublishedRow) of the latest publications only. On PostgreSQL, their ids are
    computed once (`= ANY(ARRAY(…))`, an InitPlan) so that each part is read by the index
    that starts with the publication; an IN (subquery) is semi-joined after a scan of every
    publication's rows."""
    if connection.vendor != "postgresql":
        return rows.filter(publication_id__in=latest_publications())
    sql, params = latest_publications().query.sql_with_params()
    table = PublishedRow._meta.db_table
    return rows.extra(where=[f"{table}.publication_id = ANY(ARRAY({sql}))"], params=params)  # noqa: S610 - SQL from the ORM


def read_rows(query: Q, publication_id: int | None = None) -> dict[str, dict[int, Row]]:
    """The rows that `query` selects, of one publication or (None) of the latest of every
    published topic, by part and id: each row's data, with its `publication_id`, `key`,
    `rank` and (claims and positions) `layout` beside it. One query."""
    rows = PublishedRow.objects.filter(query)
    rows = in_latest(rows) if publication_id is None else rows.filter(publication_id=publication_id)
    parts: dict[str, dict[int, Row]] = defaultdict(dict)
    for row in rows.values("publication_id", "part", "object_id", "key", "rank", "data", "layout"):
        parts[row["part"]][row["object_id"]] = {
            **_load(row),
            "publication_id": row["publication_id"],
            "key": row["key"],
            "rank": row["rank"],
            "layout": orjson.loads(row["layout"]) if row["layout"] else {},
        }
    return parts


META = ("publication_id", "key", "rank", "layout")


def data_of(row: Row) -> Row:
    """A row as in the snapshot, without what read_rows puts beside it."""
    return {name: value for name, value in row.items() if name not in META}


def claim_page(claim_id: int) -> tuple[dict[str, Any], dict[str, list[Row]]] | None:
    """A claim as the latest publication that holds it has it, and what its page shows
    around it (the parts of loading.ClaimData: targets, arguments, citations, stances), in
    two queries; None if no publication holds it."""
    about = Q(part__in=("links", "citations", "stances"), key=claim_id)
    # A claim's id is in one topic's map only: the rows about it are all of its publication.
    parts = read_rows(Q(part="claims", object_id=claim_id) | Q(part="links", claim=claim_id) | about)
    claim = parts["claims"].get(claim_id)
    if claim is None:
        return None
    publication_id = claim["publication_id"]
    links = sorted(parts["links"].values(), key=lambda row: (row["rank"] is None, row["rank"] or 0, row["id"]))
    targets = [row for row in links if row["claim_id"] == claim_id]
    arguments = [row for row in links if row["target_claim_id"] == claim_id]
    citations = sorted(parts["citations"].values(), key=lambda row: row["id"])
    stances = sorted(parts["stances"].values(), key=lambda row: row["id"])
    named = read_rows(
        Q(part="claims", object_id__in={row["target_claim_id"] for row in targets if row["target_claim_id"]})
        | Q(part="claims", object_id__in={row["claim_id"] for row in arguments})
        | Q(part="positions", object_id__in={row["target_position_id"] for row in targets if row["target_position_id"]})
        | Q(part="sources", object_id__in={row["source_id"] for row in [*citations, *stances] if row["source_id"]})
        | Q(part="stakeholders", object_id__in={row["stakeholder_id"] for row in stances})
        | Q(part="topic"),
        publication_id,
    )
    claims, positions, sources = named["claims"], named["positions"], named["sources"]
    stakeholders = named["stakeholders"]

    def text_of(row: Row) -> str:
        if row["target_position_id"] is not None:
            return positions.get(row["target_position_id"], {}).get("title", "")
        return claims.get(row["target_claim_id"], {}).get("text", "")

    def source_title(source_id: int | None) -> str | None:
        return sources.get(source_id, {}).get("title") if source_id else None

    return {**claim, "topic": next(iter(named["topic"].values()))}, {
        "targets": [{**row, "text": text_of(row)} for row in targets],
        "arguments": [{**row, "text": claims.get(row["claim_id"], {}).get("text", "")} for row in arguments],
        "citations": [
            {
                **row,
                **{k: sources.get(row["source_id"], {}).get(k) for k in ("title", "url", "publisher", "published_on")},
            }
            for row in citations
        ],
        "stances": [
            {
                **row,
                "slug": stakeholders.get(row["stakeholder_id"], {}).get("slug"),
                "name": stakeholders.get(row["stakeholder_id"], {}).get("name"),
                "source_title": source_title(row["source_id"]),
            }
            for row in stances
            if row["stakeholder_id"] in stakeholders
        ],
    }


def position_page(publication_id: int, position_id: int, *, start: int, count: int) -> dict[str, Any] | None:
    """A position as published, its reasons ranked `start`..`start+count` (as the topic page
    orders them) with their claims' counts, and the stances on it: two queries; None if the
    publication has no such position."""
    key = -position_id
    parts = read_rows(
        Q(part__in=("positions", "topic"))
        | Q(part="links", key=key, rank__gte=start, rank__lt=start + count)
        | Q(part="stances", key=key),
        publication_id,
    )
    position = parts["positions"].get(position_id)
    if position is None:
        return None
    links = sorted(parts["links"].values(), key=lambda row: row["rank"])
    stances = list(parts["stances"].values())
    named = read_rows(
        Q(part="claims", object_id__in={row["claim_id"] for row in links})
        | Q(part="sources", object_id__in={row["source_id"] for row in stances if row["source_id"]})
        | Q(part="stakeholders", object_id__in={row["stakeholder_id"] for row in stances}),
        publication_id,
    )
    claims, sources, stakeholders = named["claims"], named["sources"], named["stakeholders"]
    reasons = []
    for row in links:
        claim = claims.get(row["claim_id"], {})
        supporters, opponents = claim.get("layout", {}).get("counts", (0, 0))
        reasons.append({**row, "claim": claim, "supporters": supporters, "opponents": opponents})
    listed = []
    for row in stances:
        stakeholder = stakeholders.get(row["stakeholder_id"])
        if stakeholder is not None:
            source = sources.get(row["source_id"], {}) if row["source_id"] else {}
            listed.append(
                {**row, "slug": stakeholder["slug"], "name": stakeholder["name"], "source_title": source.get("title")}
            )
    listed.sort(key=lambda row: row["name"])
    supporting, opposing = position["layout"].get("counts", (0, 0))
    return {
        "position": position,
        "topic": next(iter(parts["topic"].values())),
        "reasons": reasons,
        "counts": {"supporting": supporting, "opposing": opposing},
        "stances": listed,
    }


def source_page(source_id: int, citation_ids, stance_ids) -> dict[str, Any] | None:
    """Of the latest publications, a source's row, the citations and stances among
    `citation_ids` and `stance_ids` (subqueries of the live rows that name it: an index finds
    them), with the claims, positions, stakeholders and topics they name: two queries. None
    if no publication holds the source."""
    parts = read_rows(
        Q(part="sources", object_id=source_id)
        | Q(part="citations", object_id__in=citation_ids)
        | Q(part="stances", object_id__in=stance_ids)
    )
    if source_id not in parts["sources"]:
        return None
    citations, stances = list(parts["citations"].values()), list(parts["stances"].values())
    rows = [*citations, *stances]
    named = Q(part="topic", publication_id__in={row["publication_id"] for row in rows})
    named |= Q(part="claims", object_id__in={row["claim_id"] for row in rows if row["claim_id"]})
    named |= Q(part="positions", object_id__in={row["position_id"] for row in stances if row["position_id"]})
    named |= Q(part="stakeholders", object_id__in={row["stakeholder_id"] for row in stances})
    found = read_rows(named) if rows else defaultdict(dict)
    named_parts = {part: found[part] for part in ("topic", "claims", "positions", "stakeholders")}
    return {"source": parts["sources"][source_id], "citations": citations, "stances": stances, **named_parts}


def lens_named(summaries: Iterable[Row]) -> dict[str, set[int]]:
    """The positions, claims and stakeholders that stored lens summaries name."""
    named: dict[str, set[int]] = {"positions": set(), "claims": set(), "stakeholders": set()}
    for summary in summaries:
        named["positions"].update(row["id"] for row in summary["positions"])
        named["claims"].update(row["id"] for row in summary["claims"])
        bridge = summary.get("bridge")
        if bridge:
            named["positions"].update(bridge["divided_on"])
            named["claims"].update(bridge["claim_ids"])
            named["stakeholders"].update(bridge["stakeholder_ids"])
    return named


def stakeholder_page(stakeholder_id: int, stance_ids, relationship_ids, salience_ids) -> dict[str, list[Row]] | None:
    """What the stakeholder page shows of the latest publications (the parts of
    loading.StakeholderData but its children): its stances, relationships and salience
    among `stance_ids`, `relationship_ids` and `salience_ids` (subqueries of the live rows
    that name it: an index finds them), with the topics, subjects, sources and other
    stakeholders they name, and the lens summary stored with its row in each publication
    (`lenses`, with the positions, claims and stakeholders they name); two queries. None if
    no publication holds the stakeholder."""
    query = (
        Q(part="stakeholders", object_id=stakeholder_id)
        | Q(part="stances", object_id__in=stance_ids)
        | Q(part="relationships", object_id__in=relationship_ids)
        | Q(part="salience", object_id__in=salience_ids)
    )
    rows = []
    lenses: dict[int, Row] = {}  # publication -> the stakeholder's lens summary stored there
    for row in in_latest(PublishedRow.objects.filter(query)).values("publication_id", "part", "data", "assessment"):
        rows.append({**_load(row), "publication_id": row["publication_id"], "part": row["part"]})
        if row["part"] == "stakeholders" and row["assessment"]:
            lenses[row["publication_id"]] = orjson.loads(row["assessment"])
    holding = [row for row in rows if row["part"] == "stakeholders"]
    if not holding:
        return None
    # Each in a publication that holds the stakeholder (a relationship may be in several maps).
    stances = [row for row in rows if row["part"] == "stances" and row["stakeholder_id"] == stakeholder_id]
    salience = [row for row in rows if row["part"] == "salience" and row["stakeholder_id"] == stakeholder_id]
    relationships = {row["id"]: row for row in rows if row["part"] == "relationships"}
    others = [
        (row["to_stakeholder_id"] if row["from_stakeholder_id"] == stakeholder_id else row["from_stakeholder_id"], row)
        for row in relationships.values()
    ]
    publications = {row["publication_id"] for row in rows}
    sources = {row["source_id"] for row in [*stances, *relationships.values()] if row.get("source_id")}
    lens_names = lens_named(lenses.values())
    named_rows = PublishedRow.objects.filter(
        Q(part="topic")
        | Q(part="claims", object_id__in={row["claim_id"] for row in stances if row["claim_id"]} | lens_names["claims"])
        | Q(
            part="positions",
            object_id__in={row["position_id"] for row in stances if row["position_id"]} | lens_names["positions"],
        )
        | Q(part="sources", object_id__in=sources)
        | Q(
            part="stakeholders",
            object_id__in={other for other, _row in others if other != stakeholder_id} | lens_names["stakeholders"],
        ),
        publication_id__in=publications,
    ).values("publication_id", "part", "object_id", "data")
    named: dict[str, dict[int, Row]] = defaultdict(dict)
    topics: dict[int, Row] = {}
    for row in named_rows:
        if row["part"] == "topic":
            topics[row["publication_id"]] = _load(row)
        else:
            named[row["part"]][row["object_id"]] = _load(row)

    def source_title(source_id: int | None) -> str | None:
        return named["sources"].get(source_id, {}).get("title") if source_id else None

    listed_stances = []
    for row in stances:
        topic = topics[row["publication_id"]]
        subject = (
            named["positions"].get(row["position_id"], {}).get("title")
            if row["position_id"]
            else named["claims"].get(row["claim_id"], {}).get("text")
        )
        listed_stances.append(
            {**row, "subject": subject, "topic_slug": topic["slug"], "topic_title": topic["title"],
             "source_title": source_title(row["source_id"])}
        )  # fmt: skip
    listed_stances.sort(key=lambda row: (row["topic_title"], row["id"]))
    listed_relationships = []
    for other_id, row in others:
        other = named["stakeholders"].get(other_id)
        if other is not None:
            listed_relationships.append(
                {**row, "outgoing": row["from_stakeholder_id"] == stakeholder_id, "slug": other["slug"],
                 "name": other["name"], "source_title": source_title(row["source_id"])}
            )  # fmt: skip
    listed_relationships.sort(key=lambda row: row["id"])
    listed_salience = [
        {
            **row,
            "topic_slug": topics[row["publication_id"]]["slug"],
            "topic_title": topics[row["publication_id"]]["title"],
        }
        for row in salience
    ]
    listed_lenses = [
        {
            "summary": summary,
            "topic_slug": topics[publication_id]["slug"],
            "topic_title": topics[publication_id]["title"],
            "positions": {k: v["title"] for k, v in named["positions"].items()},
            "claims": {k: v["text"] for k, v in named["claims"].items()},
            "stakeholders": {k: {"slug": v["slug"], "name": v["name"]} for k, v in named["stakeholders"].items()},
        }
        for publication_id, summary in lenses.items()
    ]
    return {
        "stakeholder": holding[-1],
        "lenses": sorted(listed_lenses, key=lambda row: row["topic_title"]),
        "stances": listed_stances,
        "relationships": listed_relationships,
        "salience": sorted(listed_salience, key=lambda row: row["topic_title"]),
    }
