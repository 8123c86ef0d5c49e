"""Robustness of verdicts, in pure Python (no Django import; only graph.py of argmap): does a
position's or claim's label survive reasonable changes to the map?

The changes considered (DOMAIN.md, "Robustness"):

- **every base score moved by up to ±SCORE_MARGIN** (0.2), all at once in any combination;
- **one inferred link removed** (an editor's reading the source does not draw).

Exact, and cheap: the grounded labelling (accepted / rejected / undecided) depends on which
claims oppose which, on facts' checks and on whether positions are alternatives, never on
base scores, so no change of base scores flips a label (strengths move, labels do not).
Removing a link is tried link by link, on labels alone (graph.label_changes_without: a
supporting link changes no label; an opposing one, only what lies after its target), at
most MAX_TRIES of them; beyond that the rest are not tried, and the verdicts nothing flipped are reported
as not robust-checked (`robust` False, `flip` None) rather than robust.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from argmap.graph import ArgumentGraph, Evaluation, FactCheck, LinkRow

SCORE_MARGIN = 0.2
"""How far each base score may move, all at once, in the perturbations considered."""

MAX_TRIES = 200
"""At most this many inferred links are each tried removed."""


@dataclass(slots=True)
class Robustness:
    """Whether one position's or claim's label survives the changes considered."""

    id: int
    kind: str  # "position" or "claim"
    label: str
    robust: bool  # survives every change considered (and every change was tried)
    flip: str | None  # fragile: the one change that flips it, in words
    flips_to: str | None  # and the label it would then have
    link: LinkRow | None  # the inferred link whose removal flips it


@dataclass(slots=True)
class Report:
    positions: dict[int, Robustness]
    claims: dict[int, Robustness]
    tried: int  # inferred links tried removed
    untried: int  # inferred links not tried (over MAX_TRIES)


def robustness(
    *,
    positions: Sequence[int],
    claims: Sequence[tuple[int, float]],
    links: Sequence[LinkRow],
    inferred: Iterable[int],
    alternatives: bool = False,
    facts: Mapping[int, FactCheck] | None = None,
    evaluation: Evaluation | None = None,
    graph: ArgumentGraph | None = None,
) -> Report:
    """The robustness of every position's and claim's label. `inferred` are the indexes in
    `links` of the links an editor inferred; `evaluation`, if given, is the map's evaluation
    as it is, and `graph`, the ArgumentGraph of these same inputs, if built (each saves one)."""

    if graph is None:
        graph = ArgumentGraph(positions=positions, claims=claims, links=links, alternatives=alternatives, facts=facts)
    now = evaluation or graph.evaluate()
    flips: dict[tuple[str, int], tuple[str, str, LinkRow]] = {}
    indexes = sorted(set(inferred))
    tried = indexes[:MAX_TRIES]
    for index, changes in zip(tried, graph.label_changes_without([links[k] for k in tried]), strict=True):
        link = links[index]
        for node, label in changes.items():
            key = ("position", -node) if node < 0 else ("claim", node)
            if key not in flips:
                flips[key] = (_describe(link), label, link)
    complete = len(tried) == len(indexes)

    def verdicts(kind: str, assessed: dict) -> dict[int, Robustness]:
        result = {}
        for node_id, assessment in assessed.items():
            found = flips.get((kind, node_id))
            if found:
                change, label, link = found
                result[node_id] = Robustness(node_id, kind, assessment.label, False, change, label, link)
            else:
                result[node_id] = Robustness(node_id, kind, assessment.label, complete, None, None, None)
        return result

    return Report(
        verdicts("position", now.positions), verdicts("claim", now.claims), len(tried), len(indexes) - len(tried)
    )


def with_robustness(evaluation: Evaluation, report: Report) -> Evaluation:
    """`evaluation` with each assessment's robustness from `report` (made from it)."""
    for assessed, verdicts in ((evaluation.positions, report.positions), (evaluation.claims, report.claims)):
        for node_id, assessment in assessed.items():
            verdict = verdicts.get(node_id)
            if verdict is not None:
                assessment.robust, assessment.flip, assessment.flips_to = verdict.robust, verdict.flip, verdict.flips_to
                assessment.flip_link = verdict.link
    return evaluation


def _describe(link: LinkRow) -> str:
    claim_id, target_position, target_claim, polarity = link
    target = f"position {target_position}" if target_position is not None else f"claim {target_claim}"
    return f"without the inferred link: claim {claim_id} {polarity} {target}"
