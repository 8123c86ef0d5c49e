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

from argmap.duplicates import Duplicate
from argmap.evidence import Evidence
from argmap.graph import Assessment, Crux, Evaluation, Explanation, LinkRow
from argmap.lenses import LENS_MIN_CHANGE, Bridge, evaluate_lens, lens_of
from argmap.loading import (
    DUPLICATES_IN_GAPS,
    MapData,
    graph_from_map,
    map_bridges,
    map_coalitions,
    map_duplicates,
    map_evidence,
    map_robustness,
)
from argmap.robustness import SCORE_MARGIN, with_robustness
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
# A why names at most this many of the claims that decide a label (a position of a large
# map may be opposed by hundreds of accepted claims), and says how many more there are.
BECAUSE_LISTED = 10
"""A why lists this many supporters and opponents (those that move it most) and counts the rest."""
DUPLICATES_LISTED = 20
"""The analysis page lists this many possible duplicates (the API's gaps list them all)."""

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
class LensView:
    """A page seen through one stakeholder's lens (lenses.py), or the notice that the lens
    asked for was ignored."""

    slug: str
    name: str
    held: int = 0  # claims it holds: beyond dispute through its lens
    opposed: int = 0  # claims it opposes: left out
    changes: list[str] = field(default_factory=list)  # each position whose standing differs, in words
    notice: str = ""  # the lens asked for was not applied, and why
    stakeholder_id: int | None = None


@dataclass(slots=True)
class BridgeLine:
    """A bridge (lenses.Bridge) in words."""

    between: tuple[dict, dict]  # the two stakeholders (slug, name)
    divided: str  # what divides them, and how each lens sees it
    bridge: str  # what would bring them together, or why nothing needs to (or nothing was found)
    claims: list[Mention]


@dataclass(slots=True)
class DuplicateLine:
    """Two claims that may count one reason twice, in words."""

    claims: tuple[Mention, Mention]
    reason: str


@dataclass(slots=True)
class PageAnalysis:
    """What the topic page shows of the analysis besides the tree's standings."""

    positions: list[PositionSummary]
    matrix: CoalitionMatrix
    converged: bool  # False if a circle of opposition did not settle (the figures are approximate)
    bridges: list[BridgeLine] = field(default_factory=list)
    duplicates: list[DuplicateLine] = field(default_factory=list)
    lens: LensView | None = None


# ---------------------------------------------------------------------------
# Evaluating what a page shows
# ---------------------------------------------------------------------------


def page_lens(data: MapData, slug: str | None) -> LensView | None:
    """The lens a page is asked for (`?lens=<slug>`): a stakeholder with a stance or salience
    in this map, or a notice that the lens is ignored."""
    if not slug:
        return None
    involved = {row["stakeholder_id"] for row in data.stances} | {row["stakeholder_id"] for row in data.salience}
    row = next((r for r in data.stakeholders if r["slug"] == slug and r["id"] in involved), None)
    if row is None:
        return LensView(
            slug[:100],
            "",
            notice=f"No stakeholder “{shorten(slug, 60)}” takes part in this topic: the lens is ignored.",
        )
    return LensView(row["slug"], row["name"], stakeholder_id=row["id"])


def lens_choices(data: MapData) -> list[dict]:
    """The stakeholders a page may be seen through: those with a stance in the map, by name."""
    holding = {row["stakeholder_id"] for row in data.stances}
    return sorted(
        ({"slug": row["slug"], "name": row["name"]} for row in data.stakeholders if row["id"] in holding),
        key=lambda row: row["name"],
    )


def evaluate_shown(
    data: MapData,
    tree: Tree,
    shown: Iterable[Node],
    *,
    cruxes: int = 0,
    stored: Callable[[Collection[int]], Evaluation] | None = None,
    lens: LensView | None = None,
    duplicates: list[Duplicate] | None = None,
) -> Evaluation:
    """Evaluate the whole map, explaining its positions and the `shown` claims, and give
    the tree the standing of each (tree.standing, keyed as the tree keys its nodes), with
    how fragile it is and the claims it may duplicate. A published map's evaluation is
    `stored` (publishing.py): it is read, not computed. Through a `lens` (page_lens), the
    map is evaluated as that stakeholder sees it, and each standing says how it differs.
    `duplicates` are the map's possible duplicates as computed once per version
    (publishing.Edition.duplicates); none are noted without them."""
    shown_ids = {node.claim_id for node in shown}
    graph = None
    if stored is not None:
        evaluation = stored(shown_ids)
    else:
        graph = graph_from_map(data)
        evaluation = graph.evaluate(explain=True, explain_claims=shown_ids, cruxes=cruxes)
        with_robustness(evaluation, map_robustness(data, evaluation=evaluation, graph=graph))
    default = None
    if lens is not None and lens.stakeholder_id is not None:
        graph = graph or graph_from_map(data)
        seen = lens_of(lens.stakeholder_id, data.stances, graph.claim_ids)
        lens.held, lens.opposed = len(seen.held), len(seen.opposed)
        default, evaluation = (
            evaluation,
            evaluate_lens(graph, seen, explain=True, explain_claims=shown_ids, cruxes=cruxes),
        )
    words = _Words(tree, shown_ids, map_evidence(data), duplicates=duplicates or (), lens=lens, default=default)
    standing = tree.standing
    for position_id, assessment in evaluation.positions.items():
        standing[-position_id] = words.standing(assessment, "position")
    claims = evaluation.claims
    for claim_id in shown_ids:
        if claim_id in claims:
            standing[claim_id] = words.standing(claims[claim_id], "claim")
        elif lens is not None:  # left out by the lens: the claim as the map has it, said so
            standing[claim_id] = _left_out(words, default.claims[claim_id] if default else None, lens)
    if lens is not None and default is not None:
        lens.changes = [
            f"“{shorten(tree_title, 80)}”: {words.lens_words(evaluation.positions[pid])} through this lens;"
            f" {words.lens_words(default.positions[pid])} on the map as recorded."
            for pid, tree_title in ((p.position_id, p.title) for p in tree.positions)
            if evaluation.positions[pid].label != default.positions[pid].label
        ]
    return evaluation


def _left_out(words: _Words, assessment: Assessment | None, lens: LensView) -> Standing | None:
    if assessment is None or assessment.why is None:
        return None
    standing = words.standing(assessment, "claim")
    standing.lens = f"{lens.name} opposes this claim: its lens leaves it out, so it counts for nothing there."
    return standing


def analyse_page(
    data: MapData,
    tree: Tree,
    shown: Iterable[Node],
    *,
    cruxes: int = 3,
    stored: Callable[[Collection[int]], Evaluation] | None = None,
    coalitions: Coalitions | None = None,
    lens: LensView | None = None,
    bridges: list[Bridge] | None = None,
    duplicates: list[Duplicate] | None = None,
) -> PageAnalysis:
    """The topic page's analysis: standings in the tree (evaluate_shown), each position's
    summary with its cruxes, the coalition matrix (computed, or those `stored` with a
    publication and its `coalitions`), the bridges between divided stakeholders (computed
    for a live map, or those stored with a publication: stored_bridges) and the claims that
    may count one reason twice (`duplicates`, as computed once per version)."""
    shown = list(shown)
    duplicates = duplicates or []
    evaluation = evaluate_shown(data, tree, shown, cruxes=cruxes, stored=stored, lens=lens, duplicates=duplicates)
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
    return PageAnalysis(
        positions,
        matrix,
        evaluation.converged,
        bridge_lines(data, tree, bridges if bridges is not None else _live_bridges(data, stored), words),
        [
            DuplicateLine((words.mention(d.claim_ids[0]), words.mention(d.claim_ids[1])), _DUPLICATE_REASONS[d.reason])
            for d in duplicates[:DUPLICATES_LISTED]
        ],
        lens,
    )


def _live_bridges(data: MapData, stored: object) -> list[Bridge]:
    """A live map's bridges; none for a publication that stored none (published before bridges
    were): a publication's page evaluates nothing at request time."""
    return map_bridges(data) if stored is None else []


def stored_bridges(analysis: dict | None) -> list[Bridge] | None:
    """The bridges stored with a publication's analysis (None for a live map)."""
    if analysis is None:
        return None
    return [
        Bridge(tuple(row["stakeholder_ids"]), row["divided_on"], {int(k): tuple(v) for k, v in row["labels"].items()},
               row["agree_already"], row["accepted_by"], row["claim_ids"], row["found"])
        for row in analysis.get("bridges", [])
    ]  # fmt: skip


def stored_duplicates(analysis: dict) -> list[Duplicate] | None:
    """The possible duplicates stored with a publication's analysis (None for one published
    before they were)."""
    if "duplicates" not in analysis:
        return None
    return [Duplicate(tuple(row["claim_ids"]), row["reason"], row["overlap"]) for row in analysis["duplicates"]]


_DUPLICATE_REASONS = {
    "same passage": "they cite the same passage of one source",
    "near-identical text": "their texts are nearly the same",
}


def bridge_lines(data: MapData, tree: Tree, found: list[Bridge], words: _Words) -> list[BridgeLine]:
    """Bridges in words, naming stakeholders and claims."""
    names = {row["id"]: {"slug": row["slug"], "name": row["name"]} for row in data.stakeholders}
    titles = {p.position_id: shorten(p.title, 80) for p in tree.positions}
    lines = []
    for bridge in found:
        a, b = (names[s] for s in bridge.stakeholder_ids)
        positions = " and ".join(f"“{titles[p]}”" for p in bridge.divided_on)
        if not bridge.labels:
            not_looked = "Not looked for: the search for bridges spent its budget on other pairs."
            lines.append(BridgeLine((a, b), f"They take opposite sides on {positions}.", not_looked, []))
            continue
        seen = "; ".join(
            f"“{titles[p]}” is {first} through {a['name']}’s lens and {second} through {b['name']}’s"
            for p, (first, second) in bridge.labels.items()
        )
        divided = f"They take opposite sides on {positions}: {seen}."
        claims = [words.mention(c) for c in bridge.claim_ids]
        if bridge.agree_already:
            said = "Their lenses already agree: what divides them is not in the claims recorded."
        elif bridge.found:
            who = names[bridge.accepted_by]["name"] if bridge.accepted_by is not None else ""
            plural = "these claims" if len(claims) > 1 else "this claim"
            said = f"If {who} accepted {plural}, their lenses would agree:"
        else:
            said = "No set of up to three claims one of them holds would bring their lenses together."
        lines.append(BridgeLine((a, b), divided, said, claims))
    return lines


def _shown_crux(crux: Crux) -> bool:
    return crux.flips or crux.swing >= CRUX_MIN_SWING


class _Words:
    """Puts graph.py's results into words, naming claims by their text."""

    def __init__(
        self,
        tree: Tree,
        shown_ids: set[int],
        evidence: dict[int, Evidence] | None = None,
        *,
        duplicates: Iterable[Duplicate] = (),
        lens: LensView | None = None,
        default: Evaluation | None = None,
    ):
        self.tree = tree
        self.shown_ids = shown_ids
        self.evidence = evidence or {}
        self.duplicates: dict[int, list[Duplicate]] = defaultdict(list)
        for duplicate in duplicates:
            for claim_id in duplicate.claim_ids:
                if claim_id in shown_ids:
                    self.duplicates[claim_id].append(duplicate)
        self.lens = lens
        self.default = default  # through a lens: the evaluation without it

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
            label=label,
            strength=strength,
            check=assessment.check,
            unsourced=found is not None and found.unsourced,
            fragile=assessment.robust is False and assessment.flip is not None,
        )
        duplicates = self.duplicates.get(assessment.id, []) if kind == "claim" else []
        return Standing(
            figure(strength),
            label,
            LABEL_GLYPHS[label],
            words,
            WORD_GLYPHS[words],
            _sentence(kind, strength, why, found),
            effects,
            max(why.supporter_count + why.opponent_count - WHY_LISTED, 0),
            _verdict(label, why),
            [self.mention(claim_id) for claim_id in why.because[:BECAUSE_LISTED]],
            self.robustness(assessment),
            [self.mention(next(c for c in d.claim_ids if c != assessment.id)) for d in duplicates],
            _DUPLICATE_REASONS[duplicates[0].reason] if len({d.reason for d in duplicates}) == 1 else
            "they cite the same passage, or their texts are nearly the same" if duplicates else "",
            self.lens_difference(assessment, kind),
            because_unlisted=max(why.because_count - BECAUSE_LISTED, 0),
        )  # fmt: skip

    def robustness(self, assessment: Assessment) -> str:
        """How fragile a standing is, in words ("" if not checked)."""
        if assessment.robust is None:
            return ""
        margin = figure(SCORE_MARGIN)
        if assessment.robust:
            return (
                f"Robust: its standing holds with every base score moved by up to ±{margin}"
                " and any one inferred link removed."
            )
        if assessment.flip is None or assessment.flip_link is None:
            return (
                f"Not fully checked: its standing holds with every base score moved by up to ±{margin}, but the map"
                " has more inferred links than are tried one by one."
            )
        return f"Fragile: {self.link_words(assessment.flip_link)}, it would be {assessment.flips_to}."

    def link_words(self, link: LinkRow) -> str:
        claim_id, position_id, target_claim_id, polarity = link
        target = (
            next((p.title for p in self.tree.positions if p.position_id == position_id), "")
            if position_id is not None
            else self.tree.claim_rows[target_claim_id]["text"]  # type: ignore[index]
        )
        text = self.tree.claim_rows[claim_id]["text"]
        return (
            f"without one link an editor inferred (the source does not draw it), “{shorten(text, MENTION_LENGTH)}”"
            f" {polarity} “{shorten(target, MENTION_LENGTH)}”"
        )

    def lens_words(self, assessment: Assessment) -> str:
        return (
            f"{plain_words(label=assessment.label, strength=assessment.strength, check=assessment.check)}"
            f" ({figure(assessment.strength)}, {assessment.label})"
        )

    def lens_difference(self, assessment: Assessment, kind: str) -> str:
        """Through a lens: how this verdict differs from the map's without it ("" if no lens)."""
        if self.lens is None or self.default is None:
            return ""
        before = (self.default.positions if kind == "position" else self.default.claims).get(assessment.id)
        if before is None:
            return ""
        name = self.lens.name
        if assessment.why is not None and assessment.why.assumed_accepted:
            return f"{name} holds this claim: its lens takes it as beyond dispute (1.00, accepted)."
        if before.label != assessment.label:
            return (
                f"Through {name}’s lens: {self.lens_words(assessment)}; on the map as recorded:"
                f" {self.lens_words(before)}."
            )
        if abs(before.strength - assessment.strength) >= 0.005:
            return (
                f"Through {name}’s lens: {figure(assessment.strength)}; on the map as recorded:"
                f" {figure(before.strength)}, the same standing."
            )
        return ""

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
    supporters, opponents = why.supporter_count, why.opponent_count
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
    opposed = why.opponent_count > 0
    if label == "accepted":
        return "Accepted: every claim against it is itself rejected." if opposed else "Accepted: nothing opposes it."
    if label == "rejected":
        if why.because_count == 1:
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
# A stakeholder's lens, on its page
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class LensLine:
    """A position or claim whose verdict a stakeholder's lens changes, in the public's words."""

    text: str  # its title or text, shortened
    position_id: int | None  # a position (its anchor on the topic page), or None for a claim
    claim_id: int | None
    through: str  # "an objection is unanswered (0.00)"
    recorded: str  # on the map as recorded


@dataclass(slots=True)
class StakeholderLens:
    """The "Through <stakeholder>'s lens" section of a stakeholder page for one topic."""

    topic_slug: str
    topic_title: str
    stored: bool  # False: no summary was stored for this stakeholder (see the topic page through its lens)
    holds: str = ""  # what it holds and opposes, in words
    positions: list[LensLine] = field(default_factory=list)  # the positions whose verdict moves
    unchanged: str = ""  # the positions that do not move, in words
    claims_said: str = ""
    claims: list[LensLine] = field(default_factory=list)
    bridge_said: str = ""  # the bridge to the stakeholder on the other side it agrees with least
    bridge_claims: list[LensLine] = field(default_factory=list)


def lens_verdict(label: str, strength: float, check: str | None = None) -> str:
    """A verdict through a lens (or without one) in the public's words, with its strength."""
    return f"{plain_words(label=label, strength=strength, check=check)} ({figure(strength)})"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def stakeholder_lens(name: str, entry: dict[str, Any]) -> StakeholderLens:
    """One topic's lens section for the stakeholder `name`, from its stored summary (a dict
    of lenses.LensSummary, as publishing.analyse stores it) and the names it needs
    (`positions` id → title, `claims` id → text, `stakeholders` id → slug and name)."""
    summary = entry["summary"]
    titles, texts, names = entry["positions"], entry["claims"], entry["stakeholders"]
    section = StakeholderLens(entry["topic_slug"], entry["topic_title"], True)
    held, opposed = summary["held"], summary["opposed"]
    if held or opposed:
        section.holds = (
            f"{name} holds {_count(held, 'claim', 'claims')} of this map (beyond dispute through its lens)"
            f" and opposes {opposed} (left out of it)."
        )
    else:
        section.holds = f"{name} holds and opposes no claim of this map: its lens sees the map as recorded."
    moved = [row for row in summary["positions"] if _moved(row)]
    for row in moved:
        section.positions.append(_lens_line(shorten(titles.get(row["id"], ""), 100), row, position=True))
    still = len(summary["positions"]) - len(moved)
    if moved and still:
        others = "The other position stands" if still == 1 else f"The other {still} positions stand"
        section.unchanged = f"{others} as recorded."
    elif not moved and summary["positions"]:
        section.unchanged = "Every position stands as on the map as recorded."
    relabelled = summary["claims_relabelled"]
    if summary["claims"]:
        section.claims_said = (
            f"Of the claims {name} neither holds nor opposes, {_count(relabelled, 'changes', 'change')} its verdict"
            f" through this lens; those that move most:"
            if relabelled
            else f"No claim {name} neither holds nor opposes changes its verdict through this lens; those whose"
            " strength moves most:"
        )
        section.claims = [
            _lens_line(shorten(texts.get(row["id"], ""), MENTION_LENGTH), row, position=False)
            for row in summary["claims"]
        ]
    bridge = summary.get("bridge")
    if bridge:
        section.bridge_said = _bridge_words(summary["stakeholder_id"], name, bridge, titles, names)
        section.bridge_claims = [
            LensLine(shorten(texts.get(c, ""), MENTION_LENGTH), None, c, "", "") for c in bridge["claim_ids"]
        ]
    return section


def _moved(row: dict) -> bool:
    return (
        row["label"] != row["default_label"]
        or row["check"] != row["default_check"]
        or abs(row["strength"] - row["default_strength"]) >= LENS_MIN_CHANGE
    )


def _lens_line(text: str, row: dict, *, position: bool) -> LensLine:
    return LensLine(
        text,
        row["id"] if position else None,
        None if position else row["id"],
        lens_verdict(row["label"], row["strength"], row["check"]),
        lens_verdict(row["default_label"], row["default_strength"], row["default_check"]),
    )


def _bridge_words(stakeholder_id: int, name: str, bridge: dict, titles: dict[int, str], names: dict[int, dict]) -> str:
    """The bridge between a stakeholder (`name`) and the one it agrees with least, in words."""
    other_id = next((s for s in bridge["stakeholder_ids"] if s != stakeholder_id), stakeholder_id)
    other = names.get(other_id, {}).get("name", "")
    positions = " and ".join(f"“{shorten(titles.get(p, ''), 80)}”" for p in bridge["divided_on"])
    opposite = f"Of those on the other side of a position, {name} agrees least with {other}: they take opposite"
    opposite += f" sides on {positions}."
    if not bridge["labels"]:
        return f"{opposite} No bridge between them was looked for: the search spent its budget on other pairs."
    if bridge["agree_already"]:
        return f"{opposite} Their lenses already agree on it: what divides them is not in the claims recorded."
    if bridge["found"]:
        who = names.get(bridge["accepted_by"], {}).get("name", "")
        plural = "these claims" if len(bridge["claim_ids"]) > 1 else "this claim"
        return f"{opposite} If {who} accepted {plural}, their lenses would agree:"
    return f"{opposite} No set of up to three claims one of them holds would bring their lenses together."


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
    # False when the comparison gave up (DUPLICATES_IN_GAPS): then none are listed
    possible_duplicates_complete: bool = True

    def __len__(self) -> int:
        return (
            len(self.claims_without_source)
            + len(self.stakeholders_without_stance)
            + len(self.positions_unopposed)
            + len(self.stances_inferred)
        )  # possible duplicates are the API's for now: the admin's panel does not list them


def gap_rows(data: MapData, gaps: Gaps, duplicates: list[Duplicate] | None = None) -> GapRows:
    """The gaps of a loaded map (loading.map_gaps), each item with its name or text, and its
    possible `duplicates` (computed if not given, within DUPLICATES_IN_GAPS comparisons:
    stored_duplicates reads a publication's)."""
    if duplicates is None:
        duplicates = map_duplicates(data, DUPLICATES_IN_GAPS)
    complete = duplicates is not None
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
            for d in duplicates or []
        ],
        complete,
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
