"""A topic page's first screen: the debate at a glance.

The positions side by side, each with its standing in plain words, its strongest reason
for and against, and who holds it; then the stakeholder × position matrix, each cell a
glyph, a word and the stance's basis (stated, paraphrased, inferred), so that it reads
without colour. Built from the tree the page already has (tree.Tree, with the positions'
standings from analysis.evaluate_shown): nothing more is asked of the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from argmap.analysis import CHECKED_FALSE, CONFIRMED_FACT, UNANSWERED, WELL_SUPPORTED
from argmap.standing import Mention, Standing
from argmap.tree import PositionNode, Tree

# A stance as the matrix shows it: the glyph and the word (the colour only repeats them).
ATTITUDES = {
    "supports": ("✓", "supports"),
    "conditional": ("◐", "conditional"),
    "opposes": ("✗", "opposes"),
    "neutral": ("○", "neutral"),
}
BASES = {"stated": "stated", "paraphrased": "paraphrased", "inferred": "inferred"}
SHORT = 110  # characters of a reason shown on a card (the whole text is a click away)


# The public's words (analysis.plain_words) as a CSS name for the badge's colour, which
# only repeats what the words say.
BADGES = {
    WELL_SUPPORTED: "supported",
    CONFIRMED_FACT: "supported",
    UNANSWERED: "unanswered",
    CHECKED_FALSE: "unanswered",
}


def standing_words(standing: Standing | None) -> tuple[str, str]:
    """A position's standing for the public, in plain words (analysis.plain_words), and its
    CSS name: the state of the argument, not a ruling (docs/domain.md)."""
    if standing is None:
        return "not yet argued", "none"
    return standing.words, BADGES.get(standing.words, "contested")


@dataclass(frozen=True, slots=True)
class Reason:
    claim: Mention
    text: str  # shortened for the card


@dataclass(frozen=True, slots=True)
class Holder:
    slug: str
    name: str
    glyph: str
    word: str
    basis: str


@dataclass(frozen=True, slots=True)
class PositionCard:
    position_id: int
    title: str
    short: str  # for the matrix's column head: "Yes" of "Yes: deepen it…"
    words: str
    css: str
    counts: str
    strongest_for: Reason | None
    strongest_against: Reason | None
    holders: list[Holder]


@dataclass(frozen=True, slots=True)
class MatrixCell:
    glyph: str
    word: str
    basis: str  # "" when no stance is recorded


@dataclass(frozen=True, slots=True)
class StakeholderRow:
    slug: str
    name: str
    cells: list[MatrixCell]


@dataclass(frozen=True, slots=True)
class Overview:
    cards: list[PositionCard]
    rows: list[StakeholderRow]  # the stakeholder × position matrix, by name


def short_title(title: str, length: int = 28) -> str:
    """A position's title for a narrow column: its answer before a colon ("Yes: deepen it…"
    gives "Yes"), or its first words."""
    head = title.split(":", 1)[0].strip()
    if head != title and 0 < len(head) <= length:
        return head
    return title if len(title) <= length else title[: length - 1].rsplit(" ", 1)[0] + "…"


def _shorten(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1].rsplit(" ", 1)[0] + "…"


def _strongest(standing: Standing | None, polarity: str) -> Reason | None:
    """The supporter (or opponent) that moves the position most, from its why."""
    if standing is None:
        return None
    for effect in standing.effects:  # the largest effect first
        if effect.polarity == polarity:
            return Reason(effect.claim, _shorten(effect.claim.text))
    return None


def _holder(stance: dict) -> Holder:
    glyph, word = ATTITUDES.get(stance["stance"], ("?", stance["stance"]))
    return Holder(stance["stakeholder_slug"], stance["stakeholder_name"], glyph, word, BASES.get(stance["basis"], ""))


def _card(position: PositionNode) -> PositionCard:
    standing = position.standing
    words, css = standing_words(standing)
    return PositionCard(
        position_id=position.position_id,
        title=position.title,
        short=short_title(position.title),
        words=words,
        css=css,
        counts=position.counts,
        strongest_for=_strongest(standing, "supports"),
        strongest_against=_strongest(standing, "opposes"),
        holders=[_holder(stance) for stance in position.stances],
    )


def build_overview(tree: Tree, stakeholders: Collection[int] | None = None) -> Overview:
    """The first screen of a topic page, from its tree (positions already evaluated); the
    matrix has a row for each of `stakeholders` (ids; None: all) that holds a position."""
    positions = tree.positions
    stances: dict[str, dict[int, dict]] = {}
    names: dict[str, str] = {}
    for position in positions:
        for stance in position.stances:
            if stakeholders is not None and stance["stakeholder_id"] not in stakeholders:
                continue
            stances.setdefault(stance["stakeholder_slug"], {})[position.position_id] = stance
            names[stance["stakeholder_slug"]] = stance["stakeholder_name"]
    rows = []
    for slug in sorted(names, key=lambda s: names[s].casefold()):
        cells = []
        for position in positions:
            stance = stances[slug].get(position.position_id)
            if stance is None:
                cells.append(MatrixCell("·", "no stance recorded", ""))
            else:
                holder = _holder(stance)
                cells.append(MatrixCell(holder.glyph, holder.word, holder.basis))
        rows.append(StakeholderRow(slug, names[slug], cells))
    return Overview([_card(position) for position in positions], rows)


def stakeholder_matrix(
    positions: list[dict], stances: Iterable[dict], stakeholders: list[dict]
) -> list[StakeholderRow]:
    """The matrix's rows for `stakeholders` (rows of the map, in the order given), a cell
    per position of `positions` (in the order given) from `stances`: the topic's
    stakeholders page, which lists them all, the stakeholders without a stance included."""
    held: dict[tuple[int, int], dict] = {}
    for stance in stances:
        if stance["position_id"] is not None:
            held[(stance["stakeholder_id"], stance["position_id"])] = stance
    rows = []
    for stakeholder in stakeholders:
        cells = []
        for position in positions:
            stance = held.get((stakeholder["id"], position["id"]))
            if stance is None:
                cells.append(MatrixCell("·", "no stance recorded", ""))
            else:
                glyph, word = ATTITUDES.get(stance["stance"], ("?", stance["stance"]))
                cells.append(MatrixCell(glyph, word, BASES.get(stance["basis"], "")))
        rows.append(StakeholderRow(stakeholder["slug"], stakeholder["name"], cells))
    return rows
