"""Claims that may count one reason twice, in pure Python (no Django import): two claims
citing the same passage of one source, or with near-identical text. A gap for editors
("may count one reason twice"), never a verdict: the evaluation counts every claim.

Near-identical text: the Jaccard overlap of the claims' normalised word sets (lower case,
words of letters and digits, without a few function words) is at least TEXT_OVERLAP.
Candidate pairs are found by prefix filtering (Chaudhuri et al., 2006): with words ordered
rarest first, two sets of overlap ≥ t must share one of the first |s| − ⌈t·|s|⌉ + 1 words
of each, so a 10,000-claim map compares only the pairs that share a rare word.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

TEXT_OVERLAP = 0.8
"""Two claims' word sets overlapping this much (Jaccard) are near-identical."""

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)

Reason = Literal["same passage", "near-identical text"]


@dataclass(slots=True)
class Duplicate:
    """Two claims that may count one reason twice."""

    claim_ids: tuple[int, int]
    reason: Reason
    overlap: float  # the word sets' Jaccard overlap (1.0 for the same passage)


def words(text: str) -> frozenset[str]:
    """A text's normalised word set."""
    return frozenset(w for w in re.findall(r"\w+", text.casefold()) if w not in FUNCTION_WORDS)


def _passage(quote: str) -> str:
    return " ".join(re.findall(r"\w+", quote.casefold()))


def possible_duplicates(
    *, claims: Iterable[tuple[int, str]], citations: Iterable[tuple[int, int, str]]
) -> list[Duplicate]:
    """Pairs of claims (the smaller id first, pairs in order) that cite the same passage of
    one source (one quote equal to or inside the other) or whose texts are near-identical.
    `claims` are (id, text); `citations` (claim id, source id, quote)."""
    found: dict[tuple[int, int], Duplicate] = {}

    by_source: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for claim_id, source_id, quote in citations:
        passage = _passage(quote)
        if passage:
            by_source[source_id].append((passage, claim_id))
    for quoted in by_source.values():
        quoted.sort(key=lambda row: (len(row[0]), row[1]))
        for k, (shorter, first) in enumerate(quoted):
            for longer, second in quoted[k + 1 :]:
                if first != second and shorter in longer:
                    pair = (min(first, second), max(first, second))
                    found[pair] = Duplicate(pair, "same passage", 1.0)

    sets = {claim_id: words(text) for claim_id, text in claims}
    frequency = Counter(w for s in sets.values() for w in s)
    index: dict[str, list[int]] = defaultdict(list)
    for claim_id in sorted(sets):
        ordered = sorted(sets[claim_id], key=lambda w: (frequency[w], w))
        prefix = len(ordered) - math.ceil(TEXT_OVERLAP * len(ordered)) + 1
        candidates: set[int] = set()
        for w in ordered[:prefix]:
            candidates.update(index[w])
            index[w].append(claim_id)
        for other in candidates:
            pair = (other, claim_id)
            if pair in found:
                continue
            a, b = sets[other], sets[claim_id]
            overlap = len(a & b) / len(a | b)
            if overlap >= TEXT_OVERLAP:
                found[pair] = Duplicate(pair, "near-identical text", overlap)
    return [found[pair] for pair in sorted(found)]
