"""Lenses and bridges, in pure Python (no Django import; only graph.py of argmap).

A **lens** is the map as one stakeholder sees it (DOMAIN.md, "Lenses"): the claims it
holds (a stance that supports them, with or without conditions) are taken as beyond
dispute (strength 1, accepted), the claims it opposes are left out (with their links),
and everything it has no stance on, or is neutral on, stays as the map has it. The
evaluation is graph.py's, with those assumptions (`ArgumentGraph.evaluate(accepted=…,
left_out=…)`); a fact checked false stays rejected whoever holds it.

A **bridge** between two stakeholders who take opposite sides on a position (one
supports it, with or without conditions, the other opposes it) is the fewest claims
whose acceptance by one of them would bring their lenses together: the verdict (label)
of every position dividing them the same through both lenses. The claims tried are
those the other holds and the one does not; sets are tried smallest first, up to
MAX_BRIDGE_CLAIMS claims and at most a budget of evaluations in all (bridge_budget), so
an answer is the fewest within those bounds and `found` says when none was.

A **lens summary** says what one stakeholder's lens changes, for its page: every
position's verdict through the lens and without it, the few claims (neither held nor
opposed by it) whose verdict moves most, and how many change label. A publication stores
the summaries of the stakeholders with most stances in its map (lens_summaries, at most
MAX_LENSES, fewer on a large map), so that a stakeholder page evaluates nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypedDict

from argmap.graph import ArgumentGraph, Evaluation

HOLDS = ("supports", "conditional")

MAX_BRIDGE_CLAIMS = 3
"""A bridge is looked for among sets of at most this many claims."""

BRIDGE_BUDGET = 60
"""At most this many evaluations are spent looking for the bridges of one map..."""

BRIDGE_CLAIM_EVALUATIONS = 100_000
"""...and at most this many claims evaluated in all (10 evaluations of a 10,000-claim map,
4 of a 100,000-claim one), so that the search costs a bounded multiple of one evaluation."""


def bridge_budget(claims: int) -> int:
    """The evaluations the search for a map's bridges may spend."""
    return max(4, min(BRIDGE_BUDGET, BRIDGE_CLAIM_EVALUATIONS // max(claims, 1)))


MAX_PAIRS = 10
"""At most this many divided pairs of stakeholders get a bridge looked for."""


class Stance(TypedDict):
    """A stance as lenses read it (the rows of loading.py carry more)."""

    stakeholder_id: int
    position_id: int | None
    claim_id: int | None
    stance: str


@dataclass(frozen=True, slots=True)
class Lens:
    """What one stakeholder holds and opposes among a map's claims."""

    stakeholder_id: int
    held: frozenset[int]  # taken as beyond dispute
    opposed: frozenset[int]  # left out

    def accepting(self, claims: Iterable[int]) -> Lens:
        """The lens of this stakeholder had it accepted `claims` too."""
        added = frozenset(claims)
        return Lens(self.stakeholder_id, self.held | added, self.opposed - added)


def lens_of(stakeholder_id: int, stances: Iterable[Stance], claim_ids: Iterable[int] | None = None) -> Lens:
    """The lens of `stakeholder_id` from the map's stances (those on claims count); with
    `claim_ids`, stances on claims not among them are ignored."""
    known = set(claim_ids) if claim_ids is not None else None
    held, opposed = set(), set()
    for row in stances:
        claim = row["claim_id"]
        if row["stakeholder_id"] != stakeholder_id or claim is None or (known is not None and claim not in known):
            continue
        if row["stance"] in HOLDS:
            held.add(claim)
        elif row["stance"] == "opposes":
            opposed.add(claim)
    return Lens(stakeholder_id, frozenset(held), frozenset(opposed))


class LensEvaluations:
    """The evaluations of a map through its stakeholders' lenses, each made once: a
    publication's bridges and lens summaries look through many of the same lenses (the
    stakeholders with most stances are most often divided too)."""

    def __init__(self, graph: ArgumentGraph):
        self.graph = graph
        self._made: dict[Lens, Evaluation] = {}

    def __call__(self, lens: Lens) -> Evaluation:
        """The map's evaluation through `lens` (without whys), made the first time only."""
        if lens not in self._made:
            self._made[lens] = evaluate_lens(self.graph, lens)
        return self._made[lens]


def evaluate_lens(
    graph: ArgumentGraph,
    lens: Lens,
    *,
    explain: bool = False,
    explain_claims: Iterable[int] | None = None,
    cruxes: int = 0,
) -> Evaluation:
    """The map's evaluation through `lens`."""
    return graph.evaluate(
        left_out=sorted(lens.opposed - lens.held),
        accepted=sorted(lens.held),
        explain=explain,
        explain_claims=None if explain_claims is None else set(explain_claims),
        cruxes=cruxes,
    )


@dataclass(slots=True)
class Difference:
    """A position or claim whose verdict a lens changes."""

    id: int
    kind: str  # "position" or "claim"
    label: str  # through the lens
    strength: float
    default_label: str  # without it
    default_strength: float


def differences(default: Evaluation, lensed: Evaluation) -> list[Difference]:
    """The positions, then the claims, whose label differs through the lens (claims left out
    by the lens are not listed: they are not in its map)."""
    found = []
    for kind, before, after in (
        ("position", default.positions, lensed.positions),
        ("claim", default.claims, lensed.claims),
    ):
        for node_id, seen in after.items():
            was = before.get(node_id)
            if was is not None and was.label != seen.label:
                found.append(Difference(node_id, kind, seen.label, seen.strength, was.label, was.strength))
    return found


@dataclass(slots=True)
class Bridge:
    """What would bring two stakeholders on opposite sides of a position together."""

    stakeholder_ids: tuple[int, int]
    divided_on: list[int]  # the positions one supports (or with conditions) and the other opposes
    labels: dict[int, tuple[str, str]]  # each such position's label through the first's lens, the second's
    agree_already: bool  # their lenses already give those positions the same labels
    accepted_by: int | None  # the stakeholder who would accept the claims
    claim_ids: list[int] = field(default_factory=list)  # the fewest claims that would do it
    found: bool = False  # a bridge was found within the bounds (or none was needed)


def divided_pairs(stances: Iterable[Stance]) -> list[tuple[int, int, list[int]]]:
    """Pairs of stakeholders (the smaller id first) who take opposite sides on at least one
    position, with those positions."""
    sides: dict[int, dict[int, bool]] = {}
    for row in stances:
        position = row["position_id"]
        if position is None or row["stance"] not in (*HOLDS, "opposes"):
            continue
        sides.setdefault(position, {})[row["stakeholder_id"]] = row["stance"] in HOLDS
    divided: dict[tuple[int, int], list[int]] = {}
    for position in sorted(sides):
        held = sides[position]
        for a, b in combinations(sorted(held), 2):
            if held[a] != held[b]:
                divided.setdefault((a, b), []).append(position)
    return [(a, b, positions) for (a, b), positions in sorted(divided.items())]


def find_bridge(
    graph: ArgumentGraph,
    stances: Sequence[Stance],
    a: int,
    b: int,
    divided_on: Sequence[int],
    *,
    budget: int = BRIDGE_BUDGET,
    lensed: LensEvaluations | None = None,
) -> tuple[Bridge, int]:
    """The bridge between stakeholders `a` and `b` over the positions `divided_on`, and
    the evaluations it took (at most `budget`; the two lenses count, even when `lensed`
    had them made already)."""
    claim_ids = graph.claim_ids
    lensed = lensed or LensEvaluations(graph)
    lenses = {s: lens_of(s, stances, claim_ids) for s in (a, b)}
    seen = {s: lensed(lenses[s]) for s in (a, b)}
    spent = 2

    def verdicts(evaluation: Evaluation) -> tuple[str, ...]:
        return tuple(evaluation.positions[p].label for p in divided_on)

    labels = {
        p: (seen[a].positions[p].label, seen[b].positions[p].label) for p in divided_on
    }  # fmt: skip
    bridge = Bridge((a, b), list(divided_on), labels, False, None)
    if verdicts(seen[a]) == verdicts(seen[b]):
        bridge.agree_already = bridge.found = True
        return bridge, spent
    candidates = {
        b: sorted(lenses[a].held - lenses[b].held),  # b accepting what a holds
        a: sorted(lenses[b].held - lenses[a].held),
    }
    for size in range(1, MAX_BRIDGE_CLAIMS + 1):
        for accepter, other in ((b, a), (a, b)):
            target = verdicts(seen[other])
            for claims in combinations(candidates[accepter], size):
                if spent >= budget:
                    return bridge, spent
                spent += 1
                if verdicts(evaluate_lens(graph, lenses[accepter].accepting(claims))) == target:
                    bridge.accepted_by, bridge.claim_ids, bridge.found = accepter, list(claims), True
                    return bridge, spent
    return bridge, spent


def bridges(
    graph: ArgumentGraph,
    stances: Sequence[Stance],
    *,
    pairs: Sequence[tuple[int, int, list[int]]] | None = None,
    budget: int | None = None,
    lensed: LensEvaluations | None = None,
) -> list[Bridge]:
    """The bridge of each divided pair of stakeholders (divided_pairs, at most MAX_PAIRS),
    spending at most `budget` evaluations in all (by default bridge_budget of the map's
    size): pairs beyond it are reported not looked for. `lensed`: the lens evaluations
    made once, shared with lens_summaries."""
    lensed = lensed or LensEvaluations(graph)
    pairs = divided_pairs(stances) if pairs is None else pairs
    if budget is None:
        budget = bridge_budget(len(graph.claim_ids))
    found = []
    for a, b, positions in pairs[:MAX_PAIRS]:
        if budget <= 2:
            found.append(Bridge((a, b), list(positions), {}, False, None))
            continue
        bridge, spent = find_bridge(graph, stances, a, b, positions, budget=budget, lensed=lensed)
        budget -= spent
        found.append(bridge)
    return found


MAX_LENSES = 20
"""A publication stores the lens summaries of at most this many of its stakeholders (those
with most stances on its claims, then on its positions)..."""

LENS_CLAIM_EVALUATIONS = 500_000
"""...and evaluates at most this many claims in all for them: every lens that holds or
opposes a claim costs one evaluation (20 lenses of a 25,000-claim map, 5 of a 100,000-claim
one); a stakeholder with stances on positions only sees the map as recorded, at no cost."""

LENS_CLAIMS = 3
"""A lens summary names at most this many of the claims whose verdict it changes most."""

LENS_MIN_CHANGE = 0.005
"""A strength that moves less than this (0.00 once rounded) through a lens has not changed."""


def lens_budget(claims: int) -> int:
    """The lenses with claims that a map's summaries may evaluate."""
    return max(1, min(MAX_LENSES, LENS_CLAIM_EVALUATIONS // max(claims, 1)))


@dataclass(slots=True)
class Change:
    """A position's or claim's verdict through a lens and without it (`default_`)."""

    id: int
    label: str
    strength: float
    check: str | None  # a fact's check as shown (an opposed unchecked fact is "disputed"); None if not a fact
    default_label: str
    default_strength: float
    default_check: str | None

    @property
    def relabelled(self) -> bool:
        """Its label (or a fact's check) differs through the lens."""
        return self.label != self.default_label or self.check != self.default_check

    @property
    def moved(self) -> bool:
        return self.relabelled or abs(self.strength - self.default_strength) >= LENS_MIN_CHANGE


@dataclass(slots=True)
class LensSummary:
    """What one stakeholder's lens changes in a map."""

    stakeholder_id: int
    held: int  # claims it holds: beyond dispute through its lens
    opposed: int  # claims it opposes: left out
    positions: list[Change]  # every position, through the lens and without it
    claims: list[Change]  # the claims it neither holds nor opposes that move most (at most LENS_CLAIMS)
    claims_relabelled: int  # how many claims it neither holds nor opposes change label
    bridge: Bridge | None = None  # to the stakeholder on the other side it agrees with least (bridge_for)


def _change(node_id: int, seen, was) -> Change:
    return Change(node_id, seen.label, seen.strength, seen.check, was.label, was.strength, was.check)


def lens_summary(
    graph: ArgumentGraph,
    default: Evaluation,
    lens: Lens,
    *,
    claims: int = LENS_CLAIMS,
    lensed: LensEvaluations | None = None,
) -> LensSummary:
    """What `lens` changes against `default` (the map's evaluation): one evaluation (from
    `lensed` if it made it already), none for a lens that neither holds nor opposes a claim."""
    if not (lens.held or lens.opposed):
        positions = [_change(p, seen, seen) for p, seen in default.positions.items()]
        return LensSummary(lens.stakeholder_id, 0, 0, positions, [], 0)
    seen = (lensed or LensEvaluations(graph))(lens)
    positions = [_change(p, seen.positions[p], was) for p, was in default.positions.items()]
    own = lens.held | lens.opposed
    moved = []
    for claim_id, after in seen.claims.items():  # every claim of the map: compared before any Change is made
        was = default.claims.get(claim_id)
        if was is None or claim_id in own:
            continue
        if (
            after.label != was.label
            or after.check != was.check
            or abs(after.strength - was.strength) >= LENS_MIN_CHANGE
        ):
            moved.append(_change(claim_id, after, was))
    moved.sort(key=lambda c: (not c.relabelled, -abs(c.strength - c.default_strength), c.id))
    relabelled = sum(1 for change in moved if change.relabelled)
    return LensSummary(lens.stakeholder_id, len(lens.held), len(lens.opposed), positions, moved[:claims], relabelled)


def lensed_stakeholders(stances: Iterable[Stance]) -> list[int]:
    """The stakeholders with a stance in the map, those whose lens changes most first: most
    stances on claims, then most stances, then by id."""
    on_claims: dict[int, int] = {}
    on_any: dict[int, int] = {}
    for row in stances:
        who = row["stakeholder_id"]
        on_any[who] = on_any.get(who, 0) + 1
        if row["claim_id"] is not None and row["stance"] in (*HOLDS, "opposes"):
            on_claims[who] = on_claims.get(who, 0) + 1
    return sorted(on_any, key=lambda who: (-on_claims.get(who, 0), -on_any[who], who))


def lens_summaries(
    graph: ArgumentGraph,
    default: Evaluation,
    stances: Sequence[Stance],
    *,
    budget: int | None = None,
    lensed: LensEvaluations | None = None,
) -> list[LensSummary]:
    """The lens summaries of at most MAX_LENSES stakeholders (lensed_stakeholders' order),
    spending at most `budget` evaluations (by default lens_budget of the map's size; a lens
    `lensed` made already for the bridges counts too): a stakeholder whose lens would need
    one more is left without a summary."""
    claim_ids = graph.claim_ids
    if budget is None:
        budget = lens_budget(len(claim_ids))
    found = []
    for stakeholder_id in lensed_stakeholders(stances):
        if len(found) == MAX_LENSES:
            break
        lens = lens_of(stakeholder_id, stances, claim_ids)
        if lens.held or lens.opposed:
            if budget <= 0:
                continue
            budget -= 1
        found.append(lens_summary(graph, default, lens, lensed=lensed))
    return found


def bridge_for(
    stakeholder_id: int, found: Iterable[Bridge], agreement: Mapping[tuple[int, int], float]
) -> Bridge | None:
    """Of the bridges (`found`) between `stakeholder_id` and a stakeholder on the other side
    of a position, the one to the stakeholder it agrees with least (`agreement` by pair, the
    smaller id first; the first such bridge on a tie); None if it is in no divided pair."""
    mine = [bridge for bridge in found if stakeholder_id in bridge.stakeholder_ids]
    if not mine:
        return None
    return min(mine, key=lambda bridge: agreement.get(tuple(sorted(bridge.stakeholder_ids)), 1.0))  # type: ignore[arg-type]
