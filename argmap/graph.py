"""The argument graph in pure Python: no Django import, so it runs and is tested anywhere.

Nodes are claim and position ids; edges are links (claim → target, supports or opposes).
`loading.py` is the one bridge from the database to these functions; the README section
"What argmap computes" says in plain words what they compute.

- **Strength** (`ArgumentGraph.evaluate`): DF-QuAD, the gradual semantics of Rago, Toni,
  Aurisicchio & Baroni (KR 2016). A claim starts from its base score; the strengths of its
  supporters are combined into one figure, 1 − ∏(1 − s), and so are its opponents'; the
  stronger side moves the score towards 1 (support) or 0 (opposition) in proportion to the
  difference. A position is scored the same way from the claims linked to it, starting
  from `POSITION_BASE_SCORE` (0.5: a position is neither favoured nor disfavoured before
  anyone argues about it). A claim used in several places counts in each, with one
  strength. DF-QuAD is defined on acyclic graphs: argmap refuses circles of support, but
  opposition may be mutual, so each circle (a strongly connected part of the graph) is
  settled by a damped fixed-point iteration (see `CYCLE_ROUNDS`).
- **Acceptability**: the grounded labelling of Dung (1995) over "opposes" alone: a claim or
  position is *accepted* when every claim opposing it is rejected (or nothing opposes
  it), *rejected* when an accepted claim opposes it, *undecided* otherwise (circles of
  opposition nobody breaks, and what they reach).
- **Alternatives**: when a topic's positions are alternatives (at most one is the answer),
  they attack each other in the grounded labelling, so two alternatives are never both
  accepted: of the positions no accepted claim rejects, one alone keeps its label, two or
  more are each undecided. Their strengths are also given as shares of their sum.
- **Facts**: a claim of kind fact is never labelled rejected by an objection (an objection
  disputes a fact; it does not make it unhappen): where the labelling would reject it, it
  is undecided and shown as disputed. A fact checked *confirmed* is settled: accepted, and
  its strength never falls below its base score. A fact checked *false* is rejected with
  strength 0, whatever argues for it.
- **Why**: for each position and claim, what each supporter and opponent does to it.
- **Cruxes**: per position, the claims whose rejection (the same as removal: a claim of
  strength 0 moves nothing) or acceptance beyond dispute would move it most.
- **What if**: the evaluation with claims left out or assumed rejected.

Coalitions, the power/interest grid and gaps, which read stances and salience, are in
`stakeholders.py`.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

# Graph nodes: claim and position ids, or (in an import not yet written) uids.
Node = TypeVar("Node", int, str)


def support_path_exists(edges: Iterable[tuple[Hashable, Hashable]], *, start: Hashable, goal: Hashable) -> bool:
    """True if `goal` can be reached from `start` by following `edges` (source → target).

    Used to reject a support link that would close a circle: a new link A supports B
    is a cycle exactly when B already supports A through a chain of support links.
    """
    if start == goal:
        return True
    successors: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in successors.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def support_cycles(edges: Iterable[tuple[Node, Node]]) -> list[list[Node]]:
    """One circle of support per group of nodes that support each other round in a circle
    (each strongly connected component with a cycle), as its nodes in order: [a, b, c]
    means a → b → c → a, starting from the node whose edges came first. Empty when support
    is acyclic. Linear in the size of the graph, so that an import can check a whole map at
    once (support_path_exists checks one link).
    """
    successors: dict[Node, list[Node]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    nodes = list(successors)
    first_seen = {node: position for position, node in enumerate(nodes)}
    parts = _strongly_connected(nodes, lambda node: successors.get(node, []))
    cyclic = [part for part in parts if len(part) > 1 or part[0] in successors.get(part[0], ())]
    starts = [(min(part, key=first_seen.__getitem__), set(part)) for part in cyclic]
    starts.sort(key=lambda start_members: first_seen[start_members[0]])
    return [_circle_within(members, start, successors) for start, members in starts]


def _circle_within(members: set[Node], start: Node, successors: dict[Node, list[Node]]) -> list[Node]:
    """A circle from `start` back to it within a strongly connected component, by breadth-first search."""
    came_from: dict[Node, Node] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in successors.get(node, ()):
                if nxt not in members or nxt in came_from:
                    continue
                came_from[nxt] = node
                if nxt == start:
                    circle = [start]
                    step = node
                    while step != start:
                        circle.append(step)
                        step = came_from[step]
                    return [circle[0], *reversed(circle[1:])]
                following.append(nxt)
        frontier = following
    return [start]  # unreachable for a true component


# ---------------------------------------------------------------------------
# Strength, acceptability, explanations, cruxes, what-if
# ---------------------------------------------------------------------------

Label = Literal["accepted", "rejected", "undecided"]
Polarity = Literal["supports", "opposes"]
# A link as (claim_id, target_position_id, target_claim_id, polarity): exactly one target is set.
LinkRow = tuple[int, int | None, int | None, str]

POSITION_BASE_SCORE = 0.5
"""A position's score before any claim argues about it: even odds."""

CYCLE_ROUNDS = 1000
"""At most this many rounds settle a circle of opposition. Starting from the base scores,
each round moves every member halfway towards its DF-QuAD value given the others; when a
round leaves them further from agreement than the one before, the step is halved (down
to MIN_STEP), which stops the see-saw of dense circles. The result is the fixed point
where each member's strength is its DF-QuAD value: two claims of base score b opposing
each other settle at b / (1 + b)."""

MIN_STEP = 1 / 64

CYCLE_TOLERANCE = 1e-12
"""A circle is settled when no member's DF-QuAD value differs from its strength by more."""

_NO_SWING = 1e-9  # a claim that moves a position less than this is no crux (rounding and iteration noise)

# Facts as the evaluation treats them (see the module's docstring).
FactCheck = Literal["unchecked", "confirmed", "disputed", "false"]
_ORDINARY, _FACT, _CONFIRMED, _FALSE = 0, 1, 2, 3
_FACT_CODES = {"unchecked": _FACT, "disputed": _FACT, "confirmed": _CONFIRMED, "false": _FALSE}

# Labels as small integers, chosen so that a node's label is 2 − max(its opponents' labels):
# an accepted opponent (2) rejects it, undecided ones (1) leave it undecided, none or
# rejected ones (0) accept it.
_OUT, _UNDECIDED, _IN = 0, 1, 2
LABELS: tuple[Label, Label, Label] = ("rejected", "undecided", "accepted")


@dataclass(slots=True)
class Contribution:
    """What one supporter or opponent does to the position or claim it is linked to."""

    claim_id: int
    polarity: Polarity
    strength: float  # the supporter's or opponent's own strength
    effect: float  # the target's strength minus what it would be without this link (the others unchanged)


@dataclass(slots=True)
class Explanation:
    """Why a position or claim has its strength and its label."""

    base_score: float
    support: float  # the supporters' strengths combined: 1 − ∏(1 − s); 0 without supporters
    opposition: float  # the same for the opponents
    contributions: list[Contribution]  # the largest effect first
    because: list[int]  # rejected: the accepted opponents; undecided: the undecided opponents
    in_cycle: bool  # settled as part of a circle of opposition
    assumed_rejected: bool  # a what-if: rejected by assumption, whatever argues for it
    summary: str  # the same in one or two sentences
    rivals: list[int] = field(
        default_factory=list
    )  # alternatives: the other positions still standing, which keep it undecided
    assumed_accepted: bool = False  # a what-if or lens: held beyond dispute (strength 1, accepted)

    # How many claims argue for and against it, and how many its label is "because" of: a
    # page lists the first few of each (analysis.py) and says how many more there are.
    @property
    def supporter_count(self) -> int:
        return sum(1 for c in self.contributions if c.polarity == "supports")

    @property
    def opponent_count(self) -> int:
        return len(self.contributions) - self.supporter_count

    @property
    def because_count(self) -> int:
        return len(self.because)


@dataclass(slots=True)
class Assessment:
    """How one position or claim stands: its strength (0 to 1) and its label."""

    id: int
    strength: float
    label: Label
    why: Explanation | None = None
    check: FactCheck | None = None  # a fact's check: opposed and unchecked is "disputed"; None if not a fact
    share: float | None = None  # alternatives: this position's strength over the sum of all of them
    # Robustness (robustness.py fills these in; None: not checked): whether its label survives
    # the changes considered, and if not the one change that flips it and the label it would have.
    robust: bool | None = None
    flip: str | None = None
    flips_to: Label | None = None
    flip_link: LinkRow | None = None


@dataclass(slots=True)
class Crux:
    """A claim that could change a position's standing, and how much."""

    claim_id: int
    strength: float  # the claim's strength now
    label: Label  # and its label
    if_rejected: float  # the position's strength if this claim were rejected (or left out)
    label_if_rejected: Label
    if_accepted: float  # the position's strength if this claim were beyond dispute (strength 1, accepted)
    label_if_accepted: Label
    swing: float  # the larger of the two changes of the position's strength
    flips: bool  # True if either would change the position's label


@dataclass(slots=True)
class Evaluation:
    """Every position's and claim's assessment, keyed by id (in id order)."""

    positions: dict[int, Assessment]
    claims: dict[int, Assessment]  # without the claims left out
    cruxes: dict[int, list[Crux]]  # position id → its cruxes, the most decisive first
    left_out: list[int]  # what-if: claims taken out of the map
    assumed_rejected: list[int]  # what-if: claims rejected by assumption
    cycles: list[list[int]]  # claims settled together as circles of opposition
    converged: bool  # False if a circle did not settle within CYCLE_ROUNDS (its strengths are the last round's)
    alternatives: bool = False  # the positions are alternatives (they attack each other)
    assumed_accepted: list[int] = field(default_factory=list)  # what-if or lens: claims held beyond dispute


class _State:
    """The strengths (and their complements 1 − s, which the products use) and labels of
    one evaluation, indexed like the graph's nodes."""

    __slots__ = ("strength", "complement", "label", "forced", "hidden", "converged", "own")

    def __init__(
        self,
        strength: list[float],
        complement: list[float],
        label: list[int],
        forced: dict[int, float],
        hidden: set[int],
    ):
        self.strength = strength
        self.complement = complement
        self.label = label
        self.forced = forced  # node → the strength it is held at (what-if)
        self.hidden = hidden  # nodes left out of the map (what-if): held at 0, not shown
        self.converged = True
        self.own: list[int] = []  # alternatives: each position's label from the claims alone


# Shared by every node that nothing supports (or opposes), and never appended to: a
# 100,000-claim map then builds lists for the nodes argued about only, half as many.
_NONE: list[int] = []


def _combine(base: float, opposed: float, supported: float) -> float:
    """DF-QuAD's combination from the products ∏(1 − s) of the opponents and of the supporters.

    With va = 1 − opposed and vs = 1 − supported (the aggregated strengths), the score
    moves from `base` towards 0 by base·(va − vs) when opposition is stronger, and towards
    1 by (1 − base)·(vs − va) when support is.
    """
    difference = supported - opposed  # = va − vs
    if difference > 0.0:
        return base - base * difference
    return base - (1.0 - base) * difference


def _products_without(values: Sequence[float]) -> list[float]:
    """For each position k, the product of every value but the k-th (left to right)."""
    count = len(values)
    if count < 2:
        return [1.0] * count
    prefix = [1.0] * (count + 1)
    for k, value in enumerate(values):
        prefix[k + 1] = prefix[k] * value
    result = [0.0] * count
    suffix = 1.0
    for k in range(count - 1, -1, -1):
        result[k] = prefix[k] * suffix
        suffix *= values[k]
    return result


class ArgumentGraph:
    """A topic's argument graph, built once from rows and evaluated as often as needed.

    Nodes are numbered positions first, then claims, each in id order; every node keeps
    its supporters and opponents in that order, so that products are always taken in the
    same order and the result does not depend on the order rows arrive in. Building also
    finds an order of evaluation: every node after the nodes that argue about it, circles
    of opposition (and what they reach) last, one strongly connected part at a time.
    """

    __slots__ = (
        "position_ids",
        "claim_ids",
        "_claim_index",
        "_position_count",
        "_base",
        "_supporters",
        "_opponents",
        "_first_target",
        "_more_targets",
        "_order",
        "_tail",
        "_cyclic",
        "_fact",
        "_checks",
        "_alternatives",
    )

    def __init__(
        self,
        *,
        positions: Iterable[int],
        claims: Iterable[tuple[int, float]],
        links: Iterable[LinkRow],
        alternatives: bool = False,
        facts: Mapping[int, FactCheck] | None = None,
    ):
        """`positions` are position ids, `claims` (id, base score) pairs, `links` LinkRow tuples.
        `alternatives`: the positions exclude each other. `facts`: the claims of kind fact,
        id → check (unchecked, confirmed, disputed or false)."""
        self._build(positions, claims, links)
        self._know_facts(alternatives, facts or {})

    def _know_facts(self, alternatives: bool, facts: Mapping[int, FactCheck]) -> None:
        self._alternatives = alternatives
        self._fact = [_ORDINARY] * len(self._base)
        self._checks: dict[int, FactCheck] = {}
        for claim_id, check in facts.items():
            if claim_id not in self._claim_index:
                raise ValueError(f"A fact refers to {claim_id!r}, which is not in this map.")
            if check not in _FACT_CODES:
                raise ValueError(f"A fact is unchecked, confirmed, disputed or false, not {check!r}.")
            self._fact[self._claim_index[claim_id]] = _FACT_CODES[check]
            self._checks[claim_id] = check

    def _build(self, positions: Iterable[int], claims: Iterable[tuple[int, float]], links: Iterable[LinkRow]) -> None:
        position_ids = sorted(positions)
        claim_rows = sorted(claims)
        claim_ids = [row[0] for row in claim_rows]
        base = [POSITION_BASE_SCORE] * len(position_ids) + [row[1] for row in claim_rows]
        positions_count = len(position_ids)
        count = len(base)
        position_index = {pid: i for i, pid in enumerate(position_ids)}
        claim_index = dict(zip(claim_ids, range(positions_count, count), strict=True))
        if len(position_index) < positions_count or len(claim_index) < len(claim_ids):
            raise ValueError("Each position and claim must appear once.")
        if not all(0.0 <= score <= 1.0 for score in base):
            raise ValueError("Base scores must be between 0 and 1.")

        supporters: list[list[int]] = [_NONE] * count
        opponents: list[list[int]] = [_NONE] * count
        # What each claim is linked to: most claims have one link, so the first target sits
        # in a flat list and only the others in lists of their own (fewer objects to build).
        first_target = [-1] * count
        more_targets: dict[int, list[int]] = {}
        pending = [0] * count
        try:
            for claim_id, target_position_id, target_claim_id, polarity in links:
                source = claim_index[claim_id]
                target = (
                    position_index[target_position_id]
                    if target_position_id is not None
                    else claim_index[target_claim_id]  # type: ignore[index]  # None: a KeyError, reported below
                )
                if polarity == "supports":
                    inputs = supporters[target]
                    if inputs:
                        inputs.append(source)
                    else:
                        supporters[target] = [source]
                elif polarity == "opposes":
                    inputs = opponents[target]
                    if inputs:
                        inputs.append(source)
                    else:
                        opponents[target] = [source]
                else:
                    raise ValueError(f"A link supports or opposes, not {polarity!r}.")
                if first_target[source] < 0:
                    first_target[source] = target
                else:
                    more_targets.setdefault(source, []).append(target)
                pending[target] += 1
        except KeyError as missing:
            if missing.args[0] is None:
                raise ValueError("A link targets neither a position nor a claim.") from None
            raise ValueError(f"A link refers to {missing.args[0]!r}, which is not in this map.") from None
        for inbound in (supporters, opponents):
            for nodes in inbound:
                if len(nodes) > 2:  # products of two factors do not depend on their order
                    nodes.sort()

        # Kahn's algorithm: a node is ready once everything arguing about it is.
        order: list[int] = []
        ready = [i for i in range(count) if not pending[i]]
        no_more: tuple[int, ...] = ()
        while ready:
            node = ready.pop()
            target = first_target[node]
            if target < 0:
                continue
            pending[target] -= 1
            if not pending[target]:
                ready.append(target)
                order.append(target)
            for target in more_targets.get(node, no_more):
                pending[target] -= 1
                if not pending[target]:
                    ready.append(target)
                    order.append(target)
        left = [i for i in range(count) if pending[i]]

        self.position_ids = position_ids
        self.claim_ids = claim_ids
        self._claim_index = claim_index
        self._position_count = positions_count
        self._base = base
        self._supporters = supporters
        self._opponents = opponents
        self._first_target = first_target
        self._more_targets = more_targets
        self._order = order
        # What Kahn's algorithm could not order lies on or after a circle: its strongly
        # connected parts, in an order where each comes after those arguing about it.
        self._tail = _strongly_connected(left, self._targets_of) if left else []
        self._cyclic = [len(part) > 1 or part[0] in self._targets_of(part[0]) for part in self._tail]

    def _targets_of(self, node: int) -> list[int]:
        """What `node` is linked to (nothing for a position)."""
        first = self._first_target[node]
        if first < 0:
            return []
        return [first, *self._more_targets.get(node, ())]

    # -- evaluation -----------------------------------------------------------------

    def evaluate(
        self,
        *,
        left_out: Collection[int] = (),
        rejected: Collection[int] = (),
        accepted: Collection[int] = (),
        explain: bool = False,
        explain_claims: Collection[int] | None = None,
        cruxes: int = 0,
    ) -> Evaluation:
        """Strength and label of every position and claim.

        What-if: `left_out` claims are taken out of the map (with their links);
        `rejected` claims stay, assumed rejected (strength 0, whatever argues for them).
        For everything they are linked to, both amount to the same. `accepted` claims are
        held beyond dispute (strength 1, accepted), as a lens does with what a stakeholder
        holds (lenses.py); a claim both rejected (or left out) and accepted is a ValueError. `explain` adds a
        `why` to each assessment (with `explain_claims`, to every position's but only to
        those claims': a page showing 200 claims of 10,000 explains those 200);
        `cruxes` keeps up to that many cruxes per position.
        """
        known = self._claim_index.keys()
        unknown = sorted(set(left_out) - known | set(rejected) - known | set(accepted) - known)
        if unknown:
            raise ValueError(f"Not claims of this map: {', '.join(map(str, unknown))}.")
        both = sorted(set(accepted) & (set(left_out) | set(rejected)))
        if both:
            raise ValueError(f"Claims both accepted and rejected or left out: {', '.join(map(str, both))}.")
        left_out_index = {self._claim_index[cid] for cid in left_out}
        forced = dict.fromkeys(left_out_index, 0.0)
        forced.update((self._claim_index[cid], 0.0) for cid in rejected if self._claim_index[cid] not in forced)
        forced.update((self._claim_index[cid], 1.0) for cid in accepted)
        # A fact checked false is held at 0, whatever argues for it, as a claim assumed rejected is.
        forced.update((self._claim_index[cid], 0.0) for cid, check in self._checks.items() if check == "false")
        state = self._solve(forced, left_out_index)
        only = None
        if explain and explain_claims is not None:
            index = self._claim_index
            only = {index[cid] for cid in explain_claims if cid in index}
        evaluation = self._assemble(
            state, explain, cruxes, sorted(left_out), sorted(set(rejected) - set(left_out)), only
        )
        evaluation.assumed_accepted = sorted(cid for cid in set(accepted) if self._checks.get(cid) != "false")
        return evaluation

    def _assemble(
        self,
        state: _State,
        explain: bool,
        cruxes: int,
        left_out: list[int],
        assumed_rejected: list[int],
        only: set[int] | None = None,
    ) -> Evaluation:
        strength, label, hidden = state.strength, state.label, state.hidden
        node_ids = self.position_ids + self.claim_ids
        in_cycle = {node for part, cyclic in zip(self._tail, self._cyclic, strict=True) if cyclic for node in part}
        items = [(i, node_ids[i]) for i in range(len(node_ids)) if i not in hidden] if hidden else enumerate(node_ids)
        if explain and only is not None:
            explain_node, count = self._explain, self._position_count
            assessments = [
                Assessment(
                    node_id,
                    strength[i],
                    LABELS[label[i]],
                    explain_node(i, state, node_ids, i in in_cycle) if i < count or i in only else None,
                )
                for i, node_id in items
            ]
        elif explain:
            explain_node = self._explain
            assessments = [
                Assessment(node_id, strength[i], LABELS[label[i]], explain_node(i, state, node_ids, i in in_cycle))
                for i, node_id in items
            ]
        else:
            assessments = [Assessment(node_id, strength[i], LABELS[label[i]]) for i, node_id in items]
        count = self._position_count
        found = {}
        if cruxes > 0:
            plan = self._plan()
            found = {pid: self._cruxes(i, state, cruxes, plan, node_ids) for i, pid in enumerate(self.position_ids)}
        cycles = [
            sorted(node_ids[i] for i in part if i not in hidden)
            for part, cyclic in zip(self._tail, self._cyclic, strict=True)
            if cyclic
        ]
        positions = {a.id: a for a in assessments[:count]}
        claims = {a.id: a for a in assessments[count:]}
        self._checked(claims, hidden)
        if self._alternatives and positions:
            total = sum(a.strength for a in positions.values())
            for a in positions.values():
                a.share = a.strength / total if total > 0.0 else 1.0 / len(positions)
        return Evaluation(
            positions=positions,
            claims=claims,
            cruxes=found,
            left_out=left_out,
            assumed_rejected=assumed_rejected,
            cycles=sorted(c for c in cycles if c),
            converged=state.converged,
            alternatives=self._alternatives,
        )

    def _checked(self, claims: dict[int, Assessment], hidden: set[int]) -> None:
        """Each fact's check as shown: an unchecked fact that something opposes is disputed."""
        for claim_id, check in self._checks.items():
            assessment = claims.get(claim_id)
            if assessment is None:
                continue  # left out
            if check == "unchecked" and any(j not in hidden for j in self._opponents[self._claim_index[claim_id]]):
                check = "disputed"
            assessment.check = check

    def _solve(self, forced: dict[int, float], hidden: set[int]) -> _State:
        """Strengths and labels, with `forced` nodes held at the given strength (and rejected
        if 0, accepted if 1); `hidden` ones (among the forced) are left out of the map."""
        base = self._base
        strength = base.copy()
        complement = [1.0 - b for b in base]
        label = [_IN] * len(base)
        for i, value in forced.items():
            strength[i] = value
            complement[i] = 1.0 - value
            label[i] = _IN if value == 1.0 else _OUT
        order = [i for i in self._order if i not in forced] if forced else self._order
        supporters, opponents, fact = self._supporters, self._opponents, self._fact
        get_complement, get_label, product = complement.__getitem__, label.__getitem__, math.prod
        # The hot loop: one pass in dependency order, DF-QuAD and the grounded label at once.
        for i in order:
            against = opponents[i]
            if against:
                opposed = product(map(get_complement, against))
                label[i] = 2 - max(map(get_label, against))
            else:
                opposed = 1.0
            backing = supporters[i]
            difference = (product(map(get_complement, backing)) if backing else 1.0) - opposed
            b = base[i]
            value = b - b * difference if difference > 0.0 else b - (1.0 - b) * difference
            if fact[i]:
                value, label[i] = _as_fact(fact[i], b, value, label[i])
            strength[i] = value
            complement[i] = 1.0 - value
        state = _State(strength, complement, label, forced, hidden)
        for part, cyclic in zip(self._tail, self._cyclic, strict=True):
            members = [i for i in part if i not in forced]
            if members:
                self._settle(members, cyclic, state, strength.__setitem__, complement.__setitem__, label.__setitem__)
        if self._alternatives:
            count = self._position_count
            state.own = label[:count]
            label[:count] = _alternative_labels(state.own)
        return state

    def _value(self, i: int, complement: Callable[[int], float]) -> float:
        """Node i's DF-QuAD strength given `complement`(j) = 1 − strength of j (for a
        confirmed fact, never below its base score)."""
        opposed = math.prod(map(complement, self._opponents[i]))
        value = _combine(self._base[i], opposed, math.prod(map(complement, self._supporters[i])))
        return max(value, self._base[i]) if self._fact[i] == _CONFIRMED else value

    def _settle(
        self,
        members: list[int],
        cyclic: bool,
        state: _State,
        set_strength: Callable[[int, float], None],
        set_complement: Callable[[int, float], None],
        set_label: Callable[[int, int], None],
        get_complement: Callable[[int], float] | None = None,
        get_strength: Callable[[int], float] | None = None,
        get_label: Callable[[int], int] | None = None,
    ) -> None:
        """Strengths and labels of one strongly connected part, everything before it being
        final. The getters read the current values (by default `state`'s arrays)."""
        get_complement = get_complement or state.complement.__getitem__
        get_strength = get_strength or state.strength.__getitem__
        get_label = get_label or state.label.__getitem__
        if not cyclic:
            (i,) = members
            value = self._value(i, get_complement)
            set_strength(i, value)
            set_complement(i, 1.0 - value)
            self._settle_labels(members, False, get_label, set_label)
            return
        # A damped (Krasnosel'skii–Mann) iteration from the base scores: each round moves
        # every member part of the way towards its DF-QuAD value given the others (half
        # the way, less once a round overshoots), until none moves (see CYCLE_ROUNDS).
        for i in members:
            set_strength(i, self._base[i])
            set_complement(i, 1.0 - self._base[i])
        step, previous = 0.5, math.inf
        for _ in range(CYCLE_ROUNDS):
            targets = [self._value(i, get_complement) for i in members]
            residual = max(abs(target - get_strength(i)) for i, target in zip(members, targets, strict=True))
            if residual <= CYCLE_TOLERANCE:
                break
            if residual > previous:
                step = max(step / 2.0, MIN_STEP)
            previous = residual
            for i, target in zip(members, targets, strict=True):
                value = get_strength(i) + step * (target - get_strength(i))
                set_strength(i, value)
                set_complement(i, 1.0 - value)
        else:
            state.converged = False
        self._settle_labels(members, True, get_label, set_label)

    def _settle_labels(
        self, members: list[int], cyclic: bool, get_label: Callable[[int], int], set_label: Callable[[int, int], None]
    ) -> None:
        """The grounded labelling of one strongly connected part, given the labels of
        everything before it: rejected once an accepted claim opposes, accepted once every
        opponent is rejected, undecided if neither ever happens."""
        fact = self._fact
        if not cyclic:
            (i,) = members
            opponents = self._opponents[i]
            own = 2 - max(map(get_label, opponents)) if opponents else _IN
            set_label(i, _as_fact(fact[i], 0.0, 0.0, own)[1] if fact[i] else own)
            return
        undecided = set()
        for i in members:
            set_label(i, _IN if fact[i] == _CONFIRMED else _UNDECIDED)  # a confirmed fact is settled
            if fact[i] != _CONFIRMED:
                undecided.add(i)
        changed = True
        while changed:
            changed = False
            for i in sorted(undecided):
                labels = [get_label(j) for j in self._opponents[i]]
                if _IN in labels:
                    set_label(i, _UNDECIDED if fact[i] else _OUT)  # an objection disputes a fact
                elif all(lab == _OUT for lab in labels):
                    set_label(i, _IN)
                else:
                    continue
                undecided.discard(i)
                changed = True

    # -- explanations ---------------------------------------------------------------

    def _explain(self, i: int, state: _State, node_ids: list[int], in_cycle: bool) -> Explanation:
        """Why node i stands where it does: each link's effect is the change in i's strength
        if that link alone were missing (the others as they are)."""
        strength, complement, label = state.strength, state.complement, state.label
        b = self._base[i]
        kind = "position" if i < self._position_count else "claim"
        if i in state.forced:
            if self._fact[i] == _FALSE:
                summary = "Checked false against the record: strength 0, whatever argues for it."
                return Explanation(b, 0.0, 0.0, [], [], in_cycle, False, summary)
            if state.forced[i] == 1.0:
                summary = f"Held beyond dispute in this lens: strength 1, accepted, whatever argues about this {kind}."
                return Explanation(b, 0.0, 0.0, [], [], in_cycle, False, summary, assumed_accepted=True)
            summary = f"Assumed rejected for this what-if: strength 0, whatever argues for this {kind}."
            return Explanation(b, 0.0, 0.0, [], [], in_cycle, True, summary)
        backing, against = self._supporters[i], self._opponents[i]
        hidden = state.hidden
        if hidden:
            backing = [j for j in backing if j not in hidden]
            against = [j for j in against if j not in hidden]
        rivals = self._rivals(i, state)
        if not backing and not against:
            return Explanation(b, 0.0, 0.0, [], [], in_cycle, False,
                               f"Nothing argues about this {kind}: its strength is its base score, {b:.2f}."
                               + (_rivals_sentence(rivals, node_ids) if rivals else " Accepted: nothing opposes it."),
                               rivals=[node_ids[k] for k in rivals])  # fmt: skip
        backing_complements = [complement[j] for j in backing]
        against_complements = [complement[j] for j in against]
        supported = math.prod(backing_complements)
        opposed = math.prod(against_complements)
        now = _combine(b, opposed, supported)
        contributions = [
            Contribution(node_ids[j], "supports", strength[j], now - _combine(b, opposed, without))
            for j, without in zip(backing, _products_without(backing_complements), strict=True)
        ]
        contributions += [
            Contribution(node_ids[j], "opposes", strength[j], now - _combine(b, without, supported))
            for j, without in zip(against, _products_without(against_complements), strict=True)
        ]
        if len(contributions) > 1:
            contributions.sort(key=_by_effect)
        own = label[i]
        disputed = self._fact[i] == _FACT and own == _UNDECIDED and any(label[j] == _IN for j in against)
        decisive = _IN if disputed else 2 - own  # a disputed fact is undecided because of accepted opponents
        because = [] if own == _IN else sorted(node_ids[j] for j in against if label[j] == decisive)
        summary = _summary(kind, b, strength[i], own, len(backing), len(against), contributions, because, in_cycle)
        if rivals:
            summary = summary[: summary.rindex(" Undecided:")] + _rivals_sentence(rivals, node_ids)
        elif disputed:
            plural = "s" if len(because) > 1 else ""
            summary = summary[: summary.rindex(" Undecided:")] + (
                f" Undecided: a fact opposed by accepted claim{plural} {', '.join(map(str, because))};"
                " an objection disputes a fact, it does not make it false."
            )
        return Explanation(b, 1.0 - supported, 1.0 - opposed, contributions, because, in_cycle, False, summary,
                           [node_ids[k] for k in rivals])  # fmt: skip

    def _rivals(self, i: int, state: _State) -> list[int]:
        """Alternatives: the other positions still standing that keep position i undecided."""
        if not self._alternatives or i >= self._position_count or state.label[i] != _UNDECIDED:
            return []
        own = state.own
        if own[i] == _OUT:
            return []
        return [k for k, label in enumerate(own) if k != i and label != _OUT]

    # -- cruxes ---------------------------------------------------------------------

    def _cruxes(self, position: int, state: _State, limit: int, plan: _Plan, node_ids: list[int]) -> list[Crux]:
        """The claims whose rejection or acceptance would move `position` most, exactly.

        Trying every claim with a path to the position both ways re-evaluates what lies
        between each of them and the position: too slow for big maps. Instead each claim
        gets a proven upper bound on how far it can move the position (below), and claims
        are tried from the highest bound down until no untried claim could enter the
        list. Whether a claim could flip the position's label is checked first, on labels
        alone, for every claim with a chain of "opposes" to it (no other claim can).

        The bound: a change of δ in one input of a node changes the node by at most
        max(b, 1 − b) · R · δ, where b is the node's base score and R the product of
        1 − s over its other inputs on the same side (DF-QuAD is linear in each input on
        either side of its one kink); summed over a claim's paths to the position, these
        factors multiply. Inputs that could change together with the one considered
        (below a claim used twice, where two paths meet again) are left out of R, which
        keeps the bound true. Claims whose influence passes through a circle of opposition
        get no bound and are always tried.
        """
        opponents, forced = self._opponents, state.forced
        reaching = self._reaching(position, state)
        # The position and the claims with a chain of "opposes" to it (alternatives: to any
        # position, since rejecting a rival can settle this one).
        roots = list(range(self._position_count)) if self._alternatives else [position]
        attacking = set(roots)
        frontier = list(roots)
        while frontier:
            for j in opponents[frontier.pop()]:
                if j not in attacking and j not in forced:
                    attacking.add(j)
                    frontier.append(j)
        bound = self._influence_bounds(position, reaching, state, plan)

        strength, label = state.strength, state.label
        now, now_label = strength[position], label[position]
        flipping = {
            claim
            for claim in attacking.difference(roots)
            if self._label_if(claim, _OUT, position, attacking, state, plan) != now_label
            or self._label_if(claim, _IN, position, attacking, state, plan) != now_label
        }

        # The candidates, those that could flip the position first, then by the most they
        # could move it (bound × the most the claim itself can move): a heap, since only the
        # first few are usually tried.
        candidates = [
            (claim not in flipping, -bound.get(claim, 0.0) * max(strength[claim], 1.0 - strength[claim]),
             node_ids[claim], claim)
            for claim in reaching | flipping
            if claim != position
        ]  # fmt: skip
        heapq.heapify(candidates)
        found: list[Crux] = []
        swings: list[float] = []  # the largest swings among claims that flip nothing (a min-heap)
        while candidates:
            _flips_nothing, negative_reach, _id, claim = heapq.heappop(candidates)
            reach = -negative_reach  # the most this claim could move the position
            if claim not in flipping and (
                len(flipping) >= limit  # flips come first, and there are enough of them
                or reach < (swings[0] if len(swings) >= limit else 0.0) - 1e-12
                or reach <= _NO_SWING
            ):
                break  # no claim left can move the position more than those found, or at all
            if_rejected, label_if_rejected = self._what_if(claim, 0.0, position, reaching, state, plan)
            if_accepted, label_if_accepted = self._what_if(claim, 1.0, position, reaching, state, plan)
            if self._alternatives:  # the label depends on the rivals too
                label_if_rejected = self._label_if(claim, _OUT, position, attacking, state, plan)
                label_if_accepted = self._label_if(claim, _IN, position, attacking, state, plan)
            swing = max(abs(if_rejected - now), abs(if_accepted - now))
            flips = claim in flipping
            if swing <= _NO_SWING and not flips:
                continue
            found.append(
                Crux(node_ids[claim], strength[claim], LABELS[label[claim]], if_rejected, LABELS[label_if_rejected],
                     if_accepted, LABELS[label_if_accepted], swing, flips)
            )  # fmt: skip
            if not flips:
                heapq.heappush(swings, swing)
                if len(swings) > limit:
                    heapq.heappop(swings)
        found.sort(key=lambda c: (not c.flips, -c.swing, c.claim_id))
        return found[:limit]

    def _reaching(self, position: int, state: _State) -> set[int]:
        """The position and every claim with a path to it (not through a claim held fixed)."""
        supporters, opponents, forced = self._supporters, self._opponents, state.forced
        reaching = {position}
        frontier = [position]
        while frontier:
            node = frontier.pop()
            for inputs in (supporters[node], opponents[node]):
                for j in inputs:
                    if j not in reaching and j not in forced:
                        reaching.add(j)
                        frontier.append(j)
        return reaching

    def _influence_bounds(self, position: int, reaching: set[int], state: _State, plan: _Plan) -> dict[int, float]:
        """For each claim in `reaching`, an upper bound on how much the position's strength
        changes per unit change of the claim's strength (see `_cruxes`).

        Why it holds: when several inputs of a node change at once, change them one at a
        time; each step is bounded as above with the others at their old or new values, so
        R may keep only inputs that cannot change in the same what-if. Two inputs change
        together only below a claim whose influence splits (a "branch": two targets with
        a path to the position), so inputs with no branch above them (or at them) keep
        the full R, and the others keep only the factors of such inputs."""
        supporters, opponents, targets = self._supporters, self._opponents, plan.targets
        rank = plan.rank
        in_order = sorted(reaching, key=rank.__getitem__)  # everything after what argues about it

        # Exposed: claims used on two paths to the position, and everything below them.
        exposed: set[int] = set()
        for node in in_order:
            node_targets = targets[node]
            if len(node_targets) > 1 and sum(t in reaching for t in node_targets) > 1:
                exposed.add(node)
            elif exposed:
                backing, against = supporters[node], opponents[node]
                if (backing and not exposed.isdisjoint(backing)) or (against and not exposed.isdisjoint(against)):
                    exposed.add(node)
        # From the position down, each node hands every input its share of its own bound:
        # an input's bound is the sum of the shares it gets, one per link on a path to the
        # position (every link is visited once, which keeps a 10,000-claim map's cruxes fast).
        complement, base, cyclic, prod = state.complement, self._base, plan.cyclic_unit, math.prod
        share: dict[int, float] = {}
        bound: dict[int, float] = {}
        for node in reversed(in_order):
            if node == position:
                own_bound = 1.0
            elif cyclic[node]:
                own_bound = math.inf
            else:
                own_bound = share.get(node, 0.0) * (1.0 + 1e-9)  # a hair of slack for rounding
            bound[node] = own_bound
            backing, against = supporters[node], opponents[node]
            if not (backing or against):
                continue  # most claims: nothing argues about them
            scale = own_bound * max(base[node], 1.0 - base[node])
            for inputs in (backing, against):
                if not inputs:
                    continue
                if own_bound == math.inf:
                    share.update(dict.fromkeys(inputs, math.inf))
                    continue
                if len(inputs) == 1:  # no other input: R = 1
                    share[inputs[0]] = share.get(inputs[0], 0.0) + scale
                    continue
                full = prod(complement[k] for k in inputs)
                safe = prod(complement[k] for k in inputs if k not in exposed) if exposed else full
                for j in inputs:
                    if j in exposed:
                        factor = safe  # without every input that might change with this one
                    elif complement[j] > 0.0:
                        factor = full / complement[j]  # every other input: none changes with this one
                    else:
                        factor = prod(complement[k] for k in inputs if k != j)
                    share[j] = share.get(j, 0.0) + scale * factor
        return bound

    def _label_if(self, claim: int, value: int, position: int, attacking: set[int], state: _State, plan: _Plan) -> int:
        """`position`'s label if `claim` had label `value`: labels alone, along chains of
        "opposes" (`attacking`), re-evaluated in order where something changed."""
        units, rank, forced, base_label = plan.units, plan.rank, state.forced, state.label
        label: dict[int, int] = {claim: value}

        def get_label(j: int) -> int:
            return label.get(j, base_label[j])

        queued: list[int] = []
        seen: set[int] = set()

        def follow(node: int) -> None:
            for target in plan.targets[node]:
                if target in attacking and rank[target] not in seen:
                    seen.add(rank[target])
                    heapq.heappush(queued, rank[target])

        follow(claim)
        if plan.cyclic_unit[claim]:
            seen.add(rank[claim])
            heapq.heappush(queued, rank[claim])
        while queued:
            unit = units[heapq.heappop(queued)]
            members = [i for i in unit if i not in forced and i != claim]
            if not members:
                continue
            before = [get_label(i) for i in members]
            self._settle_labels(members, plan.cyclic_unit[unit[0]], get_label, label.__setitem__)
            for i, old in zip(members, before, strict=True):
                if label[i] != old:
                    follow(i)
        if self._alternatives:  # the positions' own labels (from the claims), then their mutual attack
            own = [label.get(k, state.own[k]) for k in range(self._position_count)]
            return _alternative_labels(own)[position]
        return get_label(position)

    def _what_if(
        self, claim: int, value: float, position: int, reaching: set[int], state: _State, plan: _Plan
    ) -> tuple[float, int]:
        """`position`'s strength and label if `claim` were held at `value` (0 rejected, 1
        accepted): only what lies between them is re-evaluated, in order, and only where
        something changed."""
        units, rank = plan.units, plan.rank
        strength: dict[int, float] = {claim: value}
        complement: dict[int, float] = {claim: 1.0 - value}
        label: dict[int, int] = {claim: _IN if value == 1.0 else _OUT}
        base_strength, base_complement, base_label = state.strength, state.complement, state.label

        def get_strength(j: int) -> float:
            return strength.get(j, base_strength[j])

        def get_complement(j: int) -> float:
            return complement.get(j, base_complement[j])

        def get_label(j: int) -> int:
            return label.get(j, base_label[j])

        queued: list[int] = []
        seen: set[int] = set()

        def follow(node: int) -> None:
            for target in plan.targets[node]:
                if target in reaching and rank[target] not in seen:
                    seen.add(rank[target])
                    heapq.heappush(queued, rank[target])

        follow(claim)
        if plan.cyclic_unit[claim]:  # the claim sits in a circle: the rest of it settles anew
            seen.add(rank[claim])
            heapq.heappush(queued, rank[claim])
        forced = state.forced
        while queued:
            unit = units[heapq.heappop(queued)]
            members = [i for i in unit if i not in forced and i != claim]
            if not members:
                continue
            before = [(get_strength(i), get_label(i)) for i in members]
            self._settle(
                members, plan.cyclic_unit[unit[0]], state, strength.__setitem__, complement.__setitem__,
                label.__setitem__, get_complement, get_strength, get_label,
            )  # fmt: skip
            for i, (old_strength, old_label) in zip(members, before, strict=True):
                if strength[i] != old_strength or label[i] != old_label:
                    follow(i)
        return get_strength(position), get_label(position)

    def label_changes_without(self, links: Sequence[LinkRow]) -> list[dict[int, Label]]:
        """For each of `links` (links of this graph), the labels that would change were that
        link alone removed: node index → new label, as {position id: …} and {claim id: …}
        merged under ids made distinct by sign (positions negative). Labels depend on
        "opposes" links only, so a supporting link changes none; for an opposing one, only
        its target and what lies after it are settled again (labels alone), in order."""
        if not any(polarity == "opposes" for *_ends, polarity in links):
            return [{} for _link in links]  # labels depend on opposition alone
        index = self._claim_index
        state = self._solve({index[cid]: 0.0 for cid, check in self._checks.items() if check == "false"}, set())
        plan = self._plan()
        node_ids = self.position_ids + self.claim_ids
        count = self._position_count
        found: list[dict[int, Label]] = []
        for claim_id, target_position_id, target_claim_id, polarity in links:
            if polarity != "opposes":
                found.append({})
                continue
            source = self._claim_index[claim_id]
            target = (
                self.position_ids.index(target_position_id)
                if target_position_id is not None
                else self._claim_index[target_claim_id]  # type: ignore[index]
            )
            opponents = self._opponents[target]
            self._opponents[target] = [j for j in opponents if j != source]
            try:
                label = self._labels_from(target, state, plan)
            finally:
                self._opponents[target] = opponents
            changes = {}
            if self._alternatives:
                own = [label.get(k, state.own[k]) for k in range(count)]
                for k, value in enumerate(_alternative_labels(own)):
                    label[k] = value
            for i, value in label.items():
                if value != state.label[i]:
                    changes[-node_ids[i] if i < count else node_ids[i]] = LABELS[value]
            found.append(changes)
        return found

    def _labels_from(self, start: int, state: _State, plan: _Plan) -> dict[int, int]:
        """The labels settled again from node `start` on, in order, where something changed."""
        units, rank, base_label = plan.units, plan.rank, state.label
        label: dict[int, int] = {}

        def get_label(j: int) -> int:
            return label.get(j, base_label[j])

        queued = [rank[start]]
        seen = {rank[start]}
        while queued:
            unit = units[heapq.heappop(queued)]
            members = [i for i in unit if i not in state.forced]  # a fact checked false stays rejected
            if not members:
                continue
            before = [get_label(i) for i in members]
            self._settle_labels(members, plan.cyclic_unit[unit[0]], get_label, label.__setitem__)
            for i, old in zip(members, before, strict=True):
                if label[i] != old or i == start:
                    for nxt in plan.targets[i]:
                        if rank[nxt] not in seen:
                            seen.add(rank[nxt])
                            heapq.heappush(queued, rank[nxt])
        return label

    def _plan(self) -> _Plan:
        """The order of evaluation as units: one node, or one strongly connected part."""
        units: list[Sequence[int]] = [(i,) for i in self._order]
        units += self._tail
        rank = [-1] * len(self._base)
        cyclic_unit = [False] * len(self._base)
        for r, unit in enumerate(units):
            for i in unit:
                rank[i] = r
        for part, cyclic in zip(self._tail, self._cyclic, strict=True):
            if cyclic:
                for i in part:
                    cyclic_unit[i] = True
        return _Plan(units, rank, cyclic_unit, [self._targets_of(i) for i in range(len(self._base))])


def _as_fact(code: int, base: float, value: float, label: int) -> tuple[float, int]:
    """A fact's strength and label from what the arguments alone give it: a confirmed fact
    is accepted and keeps at least its base score; any other (but false, held at 0 before)
    is never rejected by an objection, only left undecided (disputed)."""
    if code == _CONFIRMED:
        return max(value, base), _IN
    return value, _UNDECIDED if label == _OUT else label


def _alternative_labels(own: list[int]) -> list[int]:
    """The labels of positions that are alternatives, from their labels by the claims
    alone: they attack each other, so of those no accepted claim rejects, one alone keeps
    its label and two or more are each undecided (the grounded labelling of a complete
    graph of mutual attacks added to the claims' attacks)."""
    standing = sum(1 for label in own if label != _OUT)
    if standing < 2:
        return list(own)
    return [_OUT if label == _OUT else _UNDECIDED for label in own]


@dataclass(slots=True)
class _Plan:
    units: list[Sequence[int]]  # the order of evaluation: single nodes, then the strongly connected parts
    rank: list[int]  # node → its unit's place in `units` (−1 for nodes nothing argues about)
    cyclic_unit: list[bool]  # node → True if it sits in a circle
    targets: list[list[int]]  # node → what it is linked to


def _by_effect(contribution: Contribution) -> tuple[float, int, str]:
    return (-abs(contribution.effect), contribution.claim_id, contribution.polarity)


def _strongly_connected(nodes: list[Node], targets_of: Callable[[Node], list[Node]]) -> list[list[Node]]:
    """The strongly connected parts of the graph restricted to `nodes` (Tarjan's algorithm,
    without recursion), each part after every part with a link into it."""
    within = set(nodes)
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    stack: list[Node] = []
    on_stack: set[Node] = set()
    parts: list[list[Node]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = targets_of(node)
            for k in range(position, len(successors)):
                nxt = successors[k]
                if nxt not in within:
                    continue
                if nxt not in index:
                    work.append((node, k + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    parts.append(sorted(part))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    parts.reverse()  # Tarjan finds a part only after every part it links to
    return parts


def _rivals_sentence(rivals: list[int], node_ids: list[int]) -> str:
    """Why a position is undecided when other alternatives still stand (ids are position ids)."""
    named = ", ".join(str(node_ids[k]) for k in rivals)
    plural = "s" if len(rivals) > 1 else ""
    return (
        f" Undecided: the positions are alternatives, and the other position{plural} {named}"
        f" still stand{'' if plural else 's'}: at most one can be the answer."
    )


def _summary(
    kind: str,
    base: float,
    strength: float,
    label: int,
    supporters: int,
    opponents: int,
    contributions: list[Contribution],
    because: list[int],
    in_cycle: bool,
) -> str:
    """One or two plain sentences from an explanation's figures."""

    if not contributions:
        sentence = f"Nothing argues about this {kind}: its strength is its base score, {base:.2f}."
    else:
        sides = " and ".join(
            f"{n} {word}" if n == 1 else f"{n} {word}s"
            for n, word in ((supporters, "supporter"), (opponents, "opponent"))
            if n
        )
        moved = "raise" if strength > base else "lower" if strength < base else "leave"
        verb = moved if supporters + opponents > 1 else moved + "s"
        sentence = f"From a base score of {base:.2f}, {sides} {verb} it to {strength:.2f}"
        top = contributions[0]
        if supporters + opponents > 1 and abs(top.effect) >= 0.005:
            sentence += f"; claim {top.claim_id} counts most ({top.effect:+.2f})"
        sentence += "."
    if in_cycle:
        sentence += " It is part of a circle of opposition; its strength is where the circle settles."
    if label == _IN:
        reason = "no accepted claim opposes it" if opponents else "nothing opposes it"
        return f"{sentence} Accepted: {reason}."
    claims = ", ".join(map(str, because))
    if label == _OUT:
        return f"{sentence} Rejected: opposed by accepted claim{'s' if len(because) > 1 else ''} {claims}."
    plural = "s" if len(because) > 1 else ""
    return f"{sentence} Undecided: opposed by undecided claim{plural} {claims}, and by no accepted one."
