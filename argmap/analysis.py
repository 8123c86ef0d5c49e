"""The analysis of a topic (issue 6) as people see it: on the public topic page, the
strength, label and "why" of each position and claim in plain words, the cruxes of each
position, the coalition matrix and the power/interest grid; in the admin and the API, the
gaps as named rows. All from a map already loaded in one query (loading.load_map):
nothing more is asked of the database.

graph.py and stakeholders.py compute; this module words their results for readers
(claims are named by their text, not their id) and hands templates strings rather than
numbers: Django localizes every number a template prints, which costs more than anything
else on a page of a few hundred claims (tree.py does the same). Only the claims a page
shows are explained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from argmap.duplicates import possible_duplicates
from argmap.evidence import Evidence
from argmap.graph import Assessment, Crux, Evaluation, Explanation
from argmap.loading import MapData, graph_from_map, map_coalitions, map_evidence
from argmap.stakeholders import (
    AGREEMENT_THRESHOLD,
    HIGH_SALIENCE,
    Coalitions,
    Gaps,
    Quadrant,
    SalienceRow,
    power_interest_grid,
    quadrant,
)
from argmap.standing import Effect, Mention, Standing
from argmap.tree import Node, Tree, shorten

WHY_LISTED = 5
"""A why lists this many supporters and opponents (those that move it most) and counts the rest."""

CRUX_MIN_SWING = 0.005
"""A crux that would move its position less than this (0.00 once rounded) is not shown."""

MENTION_LENGTH = 110  # characters of a claim's text where a why or a crux names it

LABEL_GLYPHS = {"accepted": "✓", "rejected": "✗", "undecided": "?"}

# What the public reads (DOMAIN.md: words that describe the state of the argument, not a
# ruling; never "rejected" for a reported fact). Editors and the API keep the formal labels.
WELL_SUPPORTED = "well supported"
CONTESTED = "contested"
UNANSWERED = "an objection is unanswered"
DISPUTED_FACT = "disputed fact"
FRAGILE = "fragile"
UNSOURCED = "unsourced"
CONFIRMED_FACT = "confirmed fact"
CHECKED_FALSE = "checked false"
WORD_GLYPHS = {
    WELL_SUPPORTED: "✓",
    CONFIRMED_FACT: "✓",
    CONTESTED: "?",
    DISPUTED_FACT: "?",
    UNANSWERED: "!",
    FRAGILE: "~",
    UNSOURCED: "·",
    CHECKED_FALSE: "✗",
}


def plain_words(
    *, label: str, strength: float, check: str | None = None, unsourced: bool = False, fragile: bool = False
) -> str:
    """A verdict in the public's words.

    A fact says where it stands against the record ("disputed fact" once something opposes
    it; "confirmed fact"; "checked false"). Otherwise: rejected is "an objection is
    unanswered" (an accepted claim opposes it and nothing answers that); undecided is
    "contested"; accepted is "fragile" if one change flips it, "unsourced" for a claim that
    cites nothing, "contested" below even odds, and else "well supported".
    """
    if check == "false":
        return CHECKED_FALSE
    if check == "confirmed":
        return CONFIRMED_FACT
    if check == "disputed":
        return DISPUTED_FACT
    if label == "rejected":
        return UNANSWERED
    if label == "undecided":
        return CONTESTED
    if fragile:
        return FRAGILE
    if unsourced:
        return UNSOURCED
    return CONTESTED if strength < 0.5 else WELL_SUPPORTED


STANCE_CELLS = {
    # attitude: (what the cell says, its glyph); the glyph and the words carry the value, the colour repeats it
    "supports": ("supports", "+"),
    "conditional": ("with conditions", "±"),
    "neutral": ("neutral", "0"),
    "opposes": ("opposes", "−"),
    "": ("no stance", "·"),
}


def figure(value: float) -> str:
    """A strength as a page prints it: two decimals."""
    return f"{value:.2f}"


@dataclass(slots=True)
class CruxLine:
    """One crux of a position, in words."""

    claim: Mention
    flips: bool  # rejecting it, or putting it beyond dispute, would change the position's label
    if_rejected: str  # "0.75, accepted"
    if_accepted: str


@dataclass(slots=True)
class PositionSummary:
    """A position at a glance: its standing and the claims that would change it most."""

    ref: str
    title: str
    standing: Standing
    cruxes: list[CruxLine]


@dataclass(slots=True)
class MatrixCell:
    stance: str  # the attitude, or "" for no recorded stance
    text: str
    glyph: str


@dataclass(slots=True)
class MatrixRow:
    slug: str
    name: str
    cells: list[MatrixCell]


@dataclass(slots=True)
class MatrixGroup:
    """Rows of the coalition matrix under one heading: a coalition, or those in none."""

    heading: str
    rows: list[MatrixRow]


@dataclass(slots=True)
class CoalitionMatrix:
    """The stakeholder × position stance matrix, rows grouped by coalition."""

    columns: list[Mention]  # the positions
    groups: list[MatrixGroup]
    unaligned: list[dict]  # stakeholders involved with no stance on a position (slug, name)
    threshold: str = figure(AGREEMENT_THRESHOLD)
    key: tuple[tuple[str, str, str], ...] = tuple(
        (stance or "none", text, glyph) for stance, (text, glyph) in STANCE_CELLS.items()
    )


@dataclass(slots=True)
class PageAnalysis:
    """What the topic page shows of the analysis besides the tree's standings."""

    positions: list[PositionSummary]
    matrix: CoalitionMatrix
    converged: bool  # False if a circle of opposition did not settle (the figures are approximate)


# ---------------------------------------------------------------------------
# Evaluating what a page shows
# ---------------------------------------------------------------------------


def evaluate_shown(
    data: MapData,
    tree: Tree,
    shown: Iterable[Node],
    *,
    cruxes: int = 0,
    stored: Callable[[Collection[int]], Evaluation] | None = None,
) -> Evaluation:
    """Evaluate the whole map, explaining its positions and the `shown` claims, and give
    the tree the standing of each (tree.standing, keyed as the tree keys its nodes).
    A published map's evaluation is `stored` (publishing.py): it is read, not computed."""
    shown_ids = {node.claim_id for node in shown}
    if stored is not None:
        evaluation = stored(shown_ids)
    else:
        evaluation = graph_from_map(data).evaluate(explain=True, explain_claims=shown_ids, cruxes=cruxes)
    words = _Words(tree, shown_ids, map_evidence(data))
    standing = tree.standing
    for position_id, assessment in evaluation.positions.items():
        standing[-position_id] = words.standing(assessment, "position")
    claims = evaluation.claims
    for claim_id in shown_ids:
        standing[claim_id] = words.standing(claims[claim_id], "claim")
    return evaluation


def analyse_page(
    data: MapData,
    tree: Tree,
    shown: Iterable[Node],
    *,
    cruxes: int = 3,
    stored: Callable[[Collection[int]], Evaluation] | None = None,
    coalitions: Coalitions | None = None,
) -> PageAnalysis:
    """The topic page's analysis: standings in the tree (evaluate_shown), each position's
    summary with its cruxes, and the coalition matrix (computed, or those `stored` with a
    publication and its `coalitions`)."""
    shown = list(shown)
    evaluation = evaluate_shown(data, tree, shown, cruxes=cruxes, stored=stored)
    words = _Words(tree, {node.claim_id for node in shown})
    positions = [
        PositionSummary(
            str(position.position_id),
            position.title,
            tree.standing[-position.position_id],
            [words.crux(crux) for crux in evaluation.cruxes.get(position.position_id, []) if _shown_crux(crux)],
        )
        for position in tree.positions
    ]
    matrix = coalition_matrix(data, coalitions if coalitions is not None else map_coalitions(data, agreements=False))
    return PageAnalysis(positions, matrix, evaluation.converged)


def _shown_crux(crux: Crux) -> bool:
    return crux.flips or crux.swing >= CRUX_MIN_SWING


class _Words:
    """Puts graph.py's results into words, naming claims by their text."""

    def __init__(self, tree: Tree, shown_ids: set[int], evidence: dict[int, Evidence] | None = None):
        self.tree = tree
        self.shown_ids = shown_ids
        self.evidence = evidence or {}

    def mention(self, claim_id: int) -> Mention:
        text = self.tree.claim_rows[claim_id]["text"]
        return Mention(str(claim_id), shorten(text, MENTION_LENGTH), claim_id in self.shown_ids)

    def standing(self, assessment: Assessment, kind: str) -> Standing:
        why = assessment.why
        if why is None:  # not asked for; graph.py explains what evaluate_shown names
            raise ValueError(f"The {kind} {assessment.id} was evaluated without its why.")
        strength, label = assessment.strength, assessment.label
        effects = [
            Effect(self.mention(c.claim_id), c.polarity, figure(c.strength), _change(c.effect))
            for c in why.contributions[:WHY_LISTED]
        ]
        found = self.evidence.get(assessment.id) if kind == "claim" else None
        words = plain_words(
            label=label, strength=strength, check=assessment.check, unsourced=found is not None and found.unsourced
        )
        return Standing(
            figure(strength),
            label,
            LABEL_GLYPHS[label],
            words,
            WORD_GLYPHS[words],
            _sentence(kind, strength, why, found),
            effects,
            max(len(why.contributions) - WHY_LISTED, 0),
            _verdict(label, why),
            [self.mention(claim_id) for claim_id in why.because],
        )

    def crux(self, crux: Crux) -> CruxLine:
        return CruxLine(
            self.mention(crux.claim_id),
            crux.flips,
            f"{figure(crux.if_rejected)}, {crux.label_if_rejected}",
            f"{figure(crux.if_accepted)}, {crux.label_if_accepted}",
        )


def _from_evidence(evidence: Evidence) -> str:
    """Where a derived base score comes from, in words (evidence.py)."""
    if evidence.unsourced and not evidence.holders:
        return "as a claim that cites no source"
    said = []
    if evidence.sources:
        said.append(f"{evidence.sources} independent source{'s' if evidence.sources > 1 else ''}")
    if evidence.holders:
        said.append(f"{evidence.holders} stakeholder{'s' if evidence.holders > 1 else ''} holding it on the record")
    return "from its evidence: " + " and ".join(said)


def _side(n: int, word: str, total: float, direction: str) -> str:
    if n == 1:
        return f"its one {word} counts {figure(total)} {direction} it"
    return f"its {n} {word}s together count {figure(total)} {direction} it"


def _sentence(kind: str, strength: float, why: Explanation, evidence: Evidence | None = None) -> str:
    """Where a position or claim starts, what moves it and where it ends, in plain words."""
    base = figure(why.base_score)
    if kind == "position":
        start = f"A position starts at {base}: even odds."
    else:
        start = f"It starts at {base}, the editors’ estimate of the claim on its own."
        if evidence is not None and not evidence.overridden:
            start = f"It starts at {base}, {_from_evidence(evidence)}."
    if not why.contributions:
        return f"{start} Nothing argues for or against it yet, so it stays at {base}."
    supporters = sum(1 for c in why.contributions if c.polarity == "supports")
    opponents = len(why.contributions) - supporters
    sides = []
    if supporters:
        sides.append(_side(supporters, "supporter", why.support, "for"))
    if opponents:
        sides.append(_side(opponents, "opponent", why.opposition, "against"))
    said = " and ".join(sides)
    said = said[0].upper() + said[1:]
    now = figure(strength)
    if why.in_cycle:
        return (
            f"{start} {said}. It is part of a circle of claims that contradict one another;"
            f" {now} is where that circle settles."
        )
    if why.support > why.opposition:
        moves = f"raises it to {now}"
    elif why.support < why.opposition:
        moves = f"lowers it to {now}"
    else:
        moves = f"leaves it at {now}"
    if not (supporters and opponents):
        return f"{start} {said}, which {moves}."
    if why.support == why.opposition:
        return f"{start} {said}; the two sides balance, which {moves}."
    stronger = "support" if why.support > why.opposition else "opposition"
    return f"{start} {said}; {stronger} is stronger by {figure(abs(why.support - why.opposition))}, which {moves}."


def _verdict(label: str, why: Explanation) -> str:
    """Why a position or claim is accepted, rejected or undecided, in plain words."""
    opposed = any(c.polarity == "opposes" for c in why.contributions)
    if label == "accepted":
        return "Accepted: every claim against it is itself rejected." if opposed else "Accepted: nothing opposes it."
    if label == "rejected":
        if len(why.because) == 1:
            return "Rejected: this claim against it stands unanswered (it is accepted):"
        return "Rejected: these claims against it stand unanswered (they are accepted):"
    return (
        "Undecided: claims against it are caught in a circle of contradiction that nothing settles,"
        " and no claim against it is accepted:"
    )


def _change(effect: float) -> str:
    if abs(effect) < 0.005:
        return "moves it by less than 0.01"
    return f"raises it by {figure(effect)}" if effect > 0 else f"lowers it by {figure(-effect)}"


# ---------------------------------------------------------------------------
# The coalition matrix
# ---------------------------------------------------------------------------


def coalition_matrix(data: MapData, result: Coalitions) -> CoalitionMatrix:
    """The stance matrix as the page's heat-map table: a group of rows per coalition of two
    or more, then one group for those who agree with nobody enough to form one."""
    names = {row["id"]: row for row in data.stakeholders}
    titles = {row["id"]: row["title"] for row in data.positions}
    order = {row["id"]: (row["order"], row["id"]) for row in data.positions}
    columns = sorted(result.position_ids, key=order.__getitem__)
    held = {row.stakeholder_id: row.stances for row in result.matrix}

    def row(stakeholder_id: int) -> MatrixRow:
        stances = held.get(stakeholder_id, {})
        holder = names[stakeholder_id]
        return MatrixRow(
            holder["slug"],
            holder["name"],
            [MatrixCell(stances.get(p, ""), *STANCE_CELLS[stances.get(p, "")]) for p in columns],
        )

    groups = []
    alone = []
    for coalition in result.coalitions:
        if len(coalition.stakeholder_ids) == 1:
            alone.append(row(coalition.stakeholder_ids[0]))
            continue
        members = f"Coalition {len(groups) + 1}: {len(coalition.stakeholder_ids)} stakeholders"
        if coalition.cohesion == 1.0:
            heading = f"{members} who hold the same stance wherever they both hold one"
        else:
            heading = f"{members}; every two agree at least {figure(coalition.cohesion)}"
        groups.append(MatrixGroup(heading, [row(s) for s in coalition.stakeholder_ids]))
    if alone:
        heading = (
            f"In no coalition: agree with no one else at least {figure(AGREEMENT_THRESHOLD)}"
            if groups
            else f"No coalition: no two stakeholders agree at least {figure(AGREEMENT_THRESHOLD)}"
        )
        groups.append(MatrixGroup(heading, sorted(alone, key=lambda r: r.name)))
    return CoalitionMatrix(
        [Mention(str(p), shorten(titles[p], 80), True) for p in columns],
        groups,
        sorted(({"slug": names[s]["slug"], "name": names[s]["name"]} for s in result.unaligned),
               key=lambda r: r["name"]),
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Gaps, named
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class GapRows:
    """stakeholders.Gaps with what names each item (rows as the API serves them)."""

    claims_without_source: list[dict]  # id, text
    stakeholders_without_stance: list[dict]  # id, slug, name, power, interest
    positions_unopposed: list[dict]  # id, title
    stances_inferred: list[dict]  # id, stakeholder_id, stakeholder (name), position_id, claim_id, stance, subject
    possible_duplicates: list[dict] = field(default_factory=list)  # claim_ids, texts, reason, overlap

    def __len__(self) -> int:
        return (
            len(self.claims_without_source)
            + len(self.stakeholders_without_stance)
            + len(self.positions_unopposed)
            + len(self.stances_inferred)
        )  # possible duplicates are the API's for now: the admin's panel does not list them


def gap_rows(data: MapData, gaps: Gaps, *, duplicates: bool = True) -> GapRows:
    """The gaps of a loaded map (loading.map_gaps), each item with its name or text; the
    possible duplicates too unless `duplicates` is False (the admin's panel does not list
    them, and on a large map they cost seconds)."""
    claims = {row["id"]: row["text"] for row in data.claims}
    positions = {row["id"]: row["title"] for row in data.positions}
    stakeholders = {row["id"]: row for row in data.stakeholders}
    salience = {row["stakeholder_id"]: row for row in data.salience}
    stances = {row["id"]: row for row in data.stances}

    def stance(stance_id: int) -> dict:
        row = stances[stance_id]
        position, claim = row["position_id"], row["claim_id"]
        return {
            "id": stance_id,
            "stakeholder_id": row["stakeholder_id"],
            "stakeholder": stakeholders[row["stakeholder_id"]]["name"],
            "position_id": position,
            "claim_id": claim,
            "stance": row["stance"],
            "subject": positions[position] if position is not None else claims[claim],
        }

    return GapRows(
        [{"id": c, "text": claims[c]} for c in gaps.claims_without_source],
        [
            {
                "id": s,
                "slug": stakeholders[s]["slug"],
                "name": stakeholders[s]["name"],
                "power": salience[s]["power"],
                "interest": salience[s]["interest"],
            }
            for s in gaps.stakeholders_without_stance
        ],
        [{"id": p, "title": positions[p]} for p in gaps.positions_unopposed],
        [stance(s) for s in gaps.stances_inferred],
        [
            {
                "claim_ids": list(d.claim_ids),
                "texts": [claims[c] for c in d.claim_ids],
                "reason": d.reason,
                "overlap": d.overlap,
            }
            for d in (
                possible_duplicates(
                    claims=list(claims.items()),
                    citations=[(row["claim_id"], row["source_id"], row["quote"]) for row in data.citations],
                )
                if duplicates
                else []
            )
        ],
    )


# ---------------------------------------------------------------------------
# The power/interest grid, drawn
# ---------------------------------------------------------------------------

Row = dict[str, Any]


@dataclass(slots=True)
class GridCell:
    """One cell of the power/interest grid: its quadrant (stakeholders.quadrant), whether the
    quadrant's name is written in it (its top-left cell), and the stakeholders placed there."""

    quadrant: Quadrant
    css: str  # the quadrant as a CSS class: "manage-closely"…
    names_quadrant: bool
    stakeholders: list[Row]


def grid_rows(data: MapData) -> list[tuple[int, list[GridCell]]]:
    """Mendelow's grid as the page draws it (stakeholders.power_interest_grid): rows of
    power from 5 down to 1, each with five cells of interest 1 to 5 holding the
    stakeholders placed there (by name)."""
    stakeholders = {stakeholder["id"]: stakeholder for stakeholder in data.stakeholders}
    estimates = {estimate["stakeholder_id"]: estimate for estimate in data.salience}
    cells: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for entry in power_interest_grid(cast("list[SalienceRow]", data.salience)):
        holder = stakeholders[entry.stakeholder_id]
        cells[(entry.power, entry.interest)].append(
            {**estimates[entry.stakeholder_id], "name": holder["name"], "slug": holder["slug"]}
        )
    corners = {(5, 1), (5, HIGH_SALIENCE), (HIGH_SALIENCE - 1, 1), (HIGH_SALIENCE - 1, HIGH_SALIENCE)}
    return [
        (
            power,
            [
                GridCell(
                    quadrant(power, interest),
                    quadrant(power, interest).replace(" ", "-"),
                    (power, interest) in corners,
                    sorted(cells[(power, interest)], key=lambda row: row["name"]),
                )
                for interest in range(1, 6)
            ],
        )
        for power in range(5, 0, -1)
    ]


def grid_quadrants(grid: list[tuple[int, list[GridCell]]]) -> list[tuple[Quadrant, list[Row]]]:
    """The grid's stakeholders by quadrant (the grid as text), the most powerful first in each."""
    quadrants: dict[Quadrant, list[Row]] = {
        "manage closely": [], "keep satisfied": [], "keep informed": [], "monitor": []
    }  # fmt: skip
    for _power, cells in grid:  # power from 5 down
        for cell in reversed(cells):  # interest from 5 down
            quadrants[cell.quadrant] += cell.stakeholders
    return [(name, rows) for name, rows in quadrants.items() if rows]
