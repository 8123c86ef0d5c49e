"""Base scores from evidence, in pure Python (no Django import): what a claim's citations
and the stakeholders who put it forward on the record are worth before any argument counts.

The formula (docs/analysis.md says the same for readers):

1. Each cited source is worth its **weight**: the reliability of its kind
   (SOURCE_RELIABILITY: a regulator's decision or an official publication 0.9, a research
   report 0.8, a press release, speech or news report 0.7, a social post 0.3), times
   SECONDARY_FACTOR (0.8) when it is a secondary account: a report of what others did or
   said (news and research reports, social posts) rather than the record itself or the
   actor's own words (PRIMARY_KINDS).
2. Sources are **independent** when their publishers differ: citations of one publisher
   (or, without a publisher, of one source) count once, at their best weight.
3. Each stakeholder who holds the claim (supports it, with or without conditions) counts
   by the basis of that stance (HOLDER_WEIGHT): stated (a verbatim quote) 0.15,
   paraphrased 0.1, inferred by an editor 0.
4. The items are combined as independent pieces of evidence on top of a prior PRIOR (0.2,
   a bare assertion): score = 1 − (1 − PRIOR) · ∏ (1 − weight). More and better evidence
   raises the score towards 1, never past it, and no single item decides alone.

Worked figures: one news report 1 − 0.8 · (1 − 0.56) = 0.648; with a paraphrased holder
1 − 0.8 · 0.44 · 0.9 = 0.6832; a regulator's decision 1 − 0.8 · 0.1 = 0.92; a claim with no
citation and no holder is **unsourced**, at the prior 0.2. An editor may override the
score with a stated reason, which is shown wherever the score is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

PRIOR = 0.2
"""A claim's base score with no evidence at all: a bare assertion is weak, not worthless."""

SOURCE_RELIABILITY: dict[str, float] = {
    "regulator_decision": 0.9,
    "official_publication": 0.9,
    "research_report": 0.8,
    "press_release": 0.7,
    "speech": 0.7,
    "news_report": 0.7,
    "social_post": 0.3,
}
"""How far a source of each kind is to be trusted on what it says."""

PRIMARY_KINDS = frozenset({"regulator_decision", "official_publication", "press_release", "speech"})
"""Kinds that are the record itself or the actor's own words; the others report them."""

SECONDARY_FACTOR = 0.8
"""A secondary account is worth this much of a primary one of the same reliability."""

HOLDER_WEIGHT: dict[str, float] = {"stated": 0.15, "paraphrased": 0.1, "inferred": 0.0}
"""What a stakeholder's holding a claim adds, by the basis of the stance: someone putting a
claim forward on the record is a little evidence for it; an editor's inference is none."""

HOLDING = frozenset({"supports", "conditional"})


@dataclass(slots=True)
class Evidence:
    """What a claim's base score rests on."""

    score: float  # the base score the evaluation uses: the editor's if overridden, else `derived`
    derived: float  # from the evidence, by the formula above
    sources: int  # independent sources cited
    holders: int  # stakeholders holding it on the record (stated or paraphrased)
    unsourced: bool  # no citation at all
    overridden: bool  # the editor's score, with a stated reason


def source_weight(kind: str) -> float:
    """What one source of this kind is worth (step 1); an unknown kind counts as a social post."""
    reliability = SOURCE_RELIABILITY.get(kind, SOURCE_RELIABILITY["social_post"])
    return reliability if kind in PRIMARY_KINDS else reliability * SECONDARY_FACTOR


def combine(weights: Iterable[float]) -> float:
    """Independent pieces of evidence on top of the prior (step 4)."""
    doubt = 1.0 - PRIOR
    for weight in weights:
        doubt *= 1.0 - weight
    return 1.0 - doubt


def claim_evidence(
    *,
    claims: Iterable[tuple[int, float, bool]],
    citations: Iterable[tuple[int, int, str, str]],
    holders: Iterable[tuple[int, int, str, str]],
) -> dict[int, Evidence]:
    """Each claim's evidence and base score.

    `claims`: (claim id, the editor's base score, overridden: True when the editor gave a
    reason); `citations`: (claim id, source id, source kind, publisher); `holders`: stances on
    claims as (claim id, stakeholder id, stance, basis). Citations and stances of claims
    not in `claims` are ignored.
    """
    best: dict[int, dict[object, float]] = defaultdict(dict)  # claim → independent source → best weight
    for claim_id, source_id, kind, publisher in citations:
        key: object = publisher.strip().casefold() or source_id
        weight = source_weight(kind)
        found = best[claim_id]
        if weight > found.get(key, -1.0):
            found[key] = weight
    held: dict[int, dict[int, float]] = defaultdict(dict)  # claim → stakeholder → weight
    for claim_id, stakeholder_id, stance, basis in holders:
        if stance in HOLDING:
            weight = HOLDER_WEIGHT.get(basis, 0.0)
            held[claim_id][stakeholder_id] = max(weight, held[claim_id].get(stakeholder_id, 0.0))
    result = {}
    no_items: dict = {}
    for claim_id, editors_score, overridden in claims:
        sources = best.get(claim_id, no_items)
        holding = held.get(claim_id, no_items)
        derived = combine([*sources.values(), *holding.values()]) if sources or holding else PRIOR
        result[claim_id] = Evidence(
            score=editors_score if overridden else derived,
            derived=derived,
            sources=len(sources),
            holders=sum(1 for weight in holding.values() if weight > 0.0),
            unsourced=not sources,
            overridden=overridden,
        )
    return result
