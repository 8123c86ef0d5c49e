"""The analysis of a topic (issue 6) as people see it: on the public topic page, the
strength, label and "why" of each position and claim in plain words, the cruxes of each
position and the coalition matrix; in the admin and the API, the gaps as named rows. All
from a map already loaded in one query (loading.load_map): nothing more is asked of the
database.

graph.py computes; this module words its results for readers (claims are named by their
text, not their id) and hands templates strings rather than numbers: Django localizes
every number a template prints, which costs more than anything else on a page of a few
hundred claims (tree.py does the same). Only the claims a page shows are explained.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from argmap.graph import AGREEMENT_THRESHOLD, Assessment, Coalitions, Crux, Evaluation, Explanation, Gaps
from argmap.loading import MapData, graph_from_map, map_coalitions
from argmap.tree import Node, Tree, shorten

WHY_LISTED = 5
"""A why lists this many supporters and opponents (those that move it most) and counts the rest."""

CRUX_MIN_SWING = 0.005
"""A crux that would move its position less than this (0.00 once rounded) is not shown."""

MENTION_LENGTH = 110  # characters of a claim's text where a why or a crux names it

LABEL_GLYPHS = {"accepted": "✓", "rejected": "✗", "undecided": "?"}

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
class Mention:
    """A claim (or position) named in an explanation: its id as text and its text, shortened."""

    ref: str
    text: str
    on_page: bool  # rendered on this page (link to #claim-<ref>), else link to its own page


@dataclass(slots=True)
class Effect:
    """What one supporter or opponent does to a position or claim, in words."""

    claim: Mention
    polarity: str
    strength: str
    change: str  # "raises it by 0.12"


@dataclass(slots=True)
class Standing:
    """How a position or claim stands, and why, ready for a template."""

    strength: str  # "0.62"
    label: str  # accepted, rejected or undecided
    glyph: str
    sentence: str  # where it starts, what moves it and where it ends
    effects: list[Effect]  # the supporters and opponents that move it most
    unlisted: int  # how many more supporters and opponents there are
    verdict: str  # why it has its label
    because: list[Mention]  # the claims that decide its label


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
    words = _Words(tree, shown_ids)
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

    def __init__(self, tree: Tree, shown_ids: set[int]):
        self.tree = tree
        self.shown_ids = shown_ids

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
        return Standing(
            figure(strength),
            label,
            LABEL_GLYPHS[label],
            _sentence(kind, strength, why),
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


def _side(n: int, word: str, total: float, direction: str) -> str:
    if n == 1:
        return f"its one {word} counts {figure(total)} {direction} it"
    return f"its {n} {word}s together count {figure(total)} {direction} it"


def _sentence(kind: str, strength: float, why: Explanation) -> str:
    """Where a position or claim starts, what moves it and where it ends, in plain words."""
    base = figure(why.base_score)
    if kind == "position":
        start = f"A position starts at {base}: even odds."
    else:
        start = f"It starts at {base}, the editors’ estimate of the claim on its own."
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
    """graph.Gaps with what names each item (rows as the API serves them)."""

    claims_without_source: list[dict]  # id, text
    stakeholders_without_stance: list[dict]  # id, slug, name, power, interest
    positions_unopposed: list[dict]  # id, title
    stances_inferred: list[dict]  # id, stakeholder_id, stakeholder (name), position_id, claim_id, stance, subject

    def __len__(self) -> int:
        return (
            len(self.claims_without_source)
            + len(self.stakeholders_without_stance)
            + len(self.positions_unopposed)
            + len(self.stances_inferred)
        )


def gap_rows(data: MapData, gaps: Gaps) -> GapRows:
    """The gaps of a loaded map (loading.map_gaps), each item with its name or text."""
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
    )
