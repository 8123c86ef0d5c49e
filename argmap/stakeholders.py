"""Stakeholder analysis in pure Python: no Django import, so it runs and is tested anywhere.

Reads a topic's stances and salience (as `loading.py` reads them), beside the argument
graph of `graph.py`, which evaluates the claims:

- **Coalitions** (`coalitions`): the stance matrix, how much each two stakeholders agree,
  and complete-linkage clusters of those who argue alike.
- The **power/interest grid** (`power_interest_grid`): Mendelow's quadrant of each
  stakeholder, from its power and interest on the topic.
- **Gaps** (`find_gaps`): what an editor could research next.
- `claims_held_by`: the claims a stakeholder puts forward (for the what-if that leaves
  them out).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypedDict

Attitude = Literal["supports", "opposes", "conditional", "neutral"]
Quadrant = Literal["manage closely", "keep satisfied", "keep informed", "monitor"]


class StanceAbout(TypedDict):
    """Who holds what stance on what (a stance row; other keys are ignored)."""

    stakeholder_id: int
    position_id: int | None
    claim_id: int | None
    stance: str


class StanceRow(StanceAbout):
    """A stance as loading.py's `load_map` reads it (other keys are ignored)."""

    id: int
    basis: str


class SalienceRow(TypedDict):
    """A salience estimate as loading.py reads it (other keys are ignored)."""

    stakeholder_id: int
    power: int
    interest: int


class LinkDict(TypedDict):
    """A link as loading.py's `load_map` reads it (other keys are ignored)."""

    claim_id: int
    target_position_id: int | None
    target_claim_id: int | None
    polarity: str


ATTITUDE_VALUES: dict[str, float] = {"supports": 1.0, "conditional": 0.5, "neutral": 0.0, "opposes": -1.0}
"""Where each attitude sits on one line from opposing (−1) to supporting (+1). Two stances
agree by 1 − |a − b| / 2: the same stance 1, supports and conditional 0.75, supports and
neutral 0.5, supports and opposes 0."""

AGREEMENT_THRESHOLD = 0.75
"""Two stakeholders belong in one coalition only if they agree at least this much (on
average over the positions both hold a stance on), with every other member too."""

HIGH_SALIENCE = 4
"""Power or interest of 4 or 5 (on 1 to 5) is high; 3, the middle of the scale, is not."""


@dataclass(slots=True)
class MatrixRow:
    """One stakeholder's row of the stance matrix: position id → attitude."""

    stakeholder_id: int
    stances: dict[int, Attitude]


@dataclass(slots=True)
class Agreement:
    """How much two stakeholders agree (0 to 1) over the positions both hold a stance on."""

    stakeholder_ids: tuple[int, int]
    agreement: float
    shared: int  # how many positions both hold a stance on


@dataclass(slots=True)
class Coalition:
    """Stakeholders who argue alike: every two of them agree at least AGREEMENT_THRESHOLD."""

    stakeholder_ids: list[int]
    cohesion: float  # the lowest agreement between two members (1 for a coalition of one)
    common: dict[int, Attitude]  # positions on which every member with a stance holds the same


@dataclass(slots=True)
class GridEntry:
    """A stakeholder's place on the power/interest grid (Mendelow) for one topic."""

    stakeholder_id: int
    power: int
    interest: int
    quadrant: Quadrant


@dataclass(slots=True)
class Coalitions:
    """Who stands where on a topic, who agrees with whom, and who matters how much."""

    position_ids: list[int]  # the matrix's columns
    matrix: list[MatrixRow]  # one row per stakeholder involved, members of a coalition together
    agreements: list[Agreement]  # every pair with a position in common, the closest first
    coalitions: list[Coalition]  # the largest first
    unaligned: list[int]  # involved, but with no stance on a position: nothing to group them by
    grid: list[GridEntry]  # the most powerful first


@dataclass(slots=True)
class Gaps:
    """What an editor could research next on a topic."""

    claims_without_source: list[int]  # no citation
    stakeholders_without_stance: list[int]  # high interest (4 or 5) but no stance on any position
    positions_unopposed: list[int]  # no claim opposes them
    stances_inferred: list[int]  # stance ids that rest on an editor's inference alone


def agreement(a: Attitude | str, b: Attitude | str) -> float:
    """How much two stances on one thing agree: 1 the same, 0 opposite (see ATTITUDE_VALUES)."""
    return 1.0 - abs(ATTITUDE_VALUES[a] - ATTITUDE_VALUES[b]) / 2.0


def quadrant(power: int, interest: int) -> Quadrant:
    """Mendelow's advice for a stakeholder of this power and interest."""
    if power >= HIGH_SALIENCE:
        return "manage closely" if interest >= HIGH_SALIENCE else "keep satisfied"
    return "keep informed" if interest >= HIGH_SALIENCE else "monitor"


def power_interest_grid(salience: Iterable[SalienceRow]) -> list[GridEntry]:
    """Each stakeholder's quadrant, the most powerful (then most interested) first."""
    entries = [
        GridEntry(row["stakeholder_id"], row["power"], row["interest"], quadrant(row["power"], row["interest"]))
        for row in salience
    ]
    entries.sort(key=lambda e: (-e.power, -e.interest, e.stakeholder_id))
    return entries


def claims_held_by(stakeholder_id: int, stances: Iterable[StanceAbout]) -> set[int]:
    """A stakeholder's claims, for the what-if that leaves them out: the claims it holds a
    supporting or conditional stance on (the claims it puts forward). Claims it opposes
    or is neutral on are others' arguments, and stay."""
    return {
        row["claim_id"]
        for row in stances
        if row["stakeholder_id"] == stakeholder_id
        and row["claim_id"] is not None
        and row["stance"] in ("supports", "conditional")
    }


def coalitions(
    *,
    position_ids: Iterable[int],
    stances: Iterable[StanceAbout],
    salience: Iterable[SalienceRow],
    agreements: bool = True,
) -> Coalitions:
    """The stance matrix, pairwise agreement, coalitions and power/interest grid of a topic.
    Without `agreements`, the list of every pair's agreement is left empty (200 stakeholders
    make 20,000 pairs, which a page showing the coalitions need not sort).

    Coalitions are complete-linkage clusters (agglomerative): starting from one group per
    stakeholder, the two groups that agree most are joined, as long as every member of
    one agrees with every member of the other at least AGREEMENT_THRESHOLD on the
    positions both hold a stance on (and they share one). Complete linkage because its
    result can be checked pair by pair: nobody is in a coalition with someone they
    disagree with, which single linkage (chaining) allows; no number of clusters has to
    be chosen in advance, unlike k-means; and it is deterministic.
    """
    return _coalitions(sorted(position_ids), list(stances), list(salience), agreements)


def _coalitions(
    columns: list[int], stances: list[StanceAbout], salience: list[SalienceRow], with_agreements: bool
) -> Coalitions:
    held: dict[int, dict[int, Attitude]] = defaultdict(dict)
    for row in stances:
        if row["position_id"] is not None:
            held[row["stakeholder_id"]][row["position_id"]] = row["stance"]  # type: ignore[assignment]
    involved = {row["stakeholder_id"] for row in stances} | {row["stakeholder_id"] for row in salience}
    with_stance = sorted(held)

    # Each stakeholder's stances as (column, place on the line) pairs; a pair of
    # stakeholders is compared on the columns both fill.
    column_of = {p: k for k, p in enumerate(columns)}
    unknown = {p for row in held.values() for p in row} - column_of.keys()
    if unknown:
        raise ValueError(f"Stances on positions not in this map: {', '.join(map(str, sorted(unknown)))}.")
    values = {s: [(column_of[p], ATTITUDE_VALUES[a]) for p, a in sorted(held[s].items())] for s in with_stance}
    found_pairs: list[tuple[float, int, int, int]] = []
    similarity: dict[tuple[int, int], float] = {}
    for k, a in enumerate(with_stance):
        line_a = dict(values[a])
        for b in with_stance[k + 1 :]:
            total, shared = 0.0, 0
            for column, value in values[b]:
                if column in line_a:
                    total += 1.0 - abs(line_a[column] - value) / 2.0  # agreement(), on the values
                    shared += 1
            if shared:
                similarity[a, b] = total / shared
                if with_agreements:
                    found_pairs.append((-total / shared, -shared, a, b))
    found_pairs.sort()
    agreements = [Agreement((a, b), -score, -shared) for score, shared, a, b in found_pairs]

    groups = _complete_linkage(with_stance, similarity, AGREEMENT_THRESHOLD)
    found = []
    for members in groups:
        pairs = [similarity[a, b] for k, a in enumerate(members) for b in members[k + 1 :]]
        common: dict[int, Attitude] = {}
        for position in columns:
            attitudes = {held[m][position] for m in members if position in held[m]}
            if len(attitudes) == 1:
                common[position] = attitudes.pop()
        found.append(Coalition(members, min(pairs, default=1.0), common))
    found.sort(key=lambda c: (-len(c.stakeholder_ids), c.stakeholder_ids))
    unaligned = sorted(involved - held.keys())
    matrix = [MatrixRow(s, dict(sorted(held[s].items()))) for c in found for s in c.stakeholder_ids]
    matrix += [MatrixRow(s, {}) for s in unaligned]
    return Coalitions(columns, matrix, agreements, found, unaligned, power_interest_grid(salience))


def _complete_linkage(items: list[int], similarity: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Agglomerative complete-linkage clusters of `items` (sorted ids), joined while the
    closest two groups' lowest pairwise similarity is at least `threshold`. Pairs missing
    from `similarity` never join. Ties go to the groups with the smallest ids."""
    members = {item: [item] for item in items}  # a group is named by its smallest member
    link: dict[tuple[int, int], float] = {pair: score for pair, score in similarity.items() if score >= threshold}
    # The groups each group is linked to: a join only looks at those (200 stakeholders
    # would otherwise try every other group at each of up to 200 joins).
    neighbours: dict[int, set[int]] = {item: set() for item in items}
    for a, b in link:
        neighbours[a].add(b)
        neighbours[b].add(a)
    queue = [(-score, a, b) for (a, b), score in link.items()]
    heapq.heapify(queue)
    while queue:
        negative, a, b = heapq.heappop(queue)
        if a not in members or b not in members or link.get((a, b)) != -negative:
            continue  # a stale entry: one group was joined to another since
        joined = members.pop(a) + members.pop(b)
        name = min(a, b)
        around = (neighbours.pop(a) | neighbours.pop(b)) - {a, b}
        linked = set()
        for other in around:
            first, second = link.pop(_pair(a, other), None), link.pop(_pair(b, other), None)
            neighbours[other].discard(a)
            neighbours[other].discard(b)
            if first is not None and second is not None:  # complete linkage: both, and the lower counts
                pair = _pair(name, other)
                link[pair] = min(first, second)
                heapq.heappush(queue, (-link[pair], *pair))
                neighbours[other].add(name)
                linked.add(other)
        link.pop((a, b), None)
        members[name] = sorted(joined)
        neighbours[name] = linked
    return sorted(members.values())


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def find_gaps(
    *,
    position_ids: Iterable[int],
    claim_ids: Iterable[int],
    links: Iterable[LinkDict],
    cited_claim_ids: Iterable[int],
    stances: Iterable[StanceRow],
    salience: Iterable[SalienceRow],
) -> Gaps:
    """Claims with no source, stakeholders of high interest with no stance on any position,
    positions no claim opposes, and stances that rest only on an editor's inference."""
    stances = list(stances)
    opposed = {row["target_position_id"] for row in links if row["polarity"] == "opposes"}
    with_stance = {row["stakeholder_id"] for row in stances if row["position_id"] is not None}
    return Gaps(
        claims_without_source=sorted(set(claim_ids) - set(cited_claim_ids)),
        stakeholders_without_stance=sorted(
            row["stakeholder_id"]
            for row in salience
            if row["interest"] >= HIGH_SALIENCE and row["stakeholder_id"] not in with_stance
        ),
        positions_unopposed=sorted(set(position_ids) - opposed),
        stances_inferred=sorted(row["id"] for row in stances if row["basis"] == "inferred"),
    )
