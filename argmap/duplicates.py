"""Claims that may count one reason twice, in pure Python (no Django import): two claims
citing the same passage of one source, or with near-identical text. A gap for editors
("may count one reason twice"), never a verdict: the evaluation counts every claim.

Near-identical text: the Jaccard overlap of the claims' normalised word sets (lower case,
words of letters and digits, without a few function words) is at least TEXT_OVERLAP.
Candidate pairs are found as ppjoin does (Xiao et al., 2008), each filter exact: words
are ordered rarest first and claims shortest first; two sets of Jaccard ≥ t must share one
of the first |x| − ⌈t·|x|⌉ + 1 words of each (prefix filter), differ in size by at most
that ratio (length filter), and keep enough words after the first shared one to reach the
overlap t/(1+t)·(|x|+|y|) (positional filter). So a 10,000-claim map compares only pairs
that share a rare word early; the result is the brute-force definition's
(tests/test_graph_verdicts.py checks it). It is computed once per version: stored with a
publication (publishing.analyse) and kept per live version (analysis.map_duplicates).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice
from typing import Literal

TEXT_OVERLAP = Fraction(4, 5)
"""Two claims' word sets overlapping this much (Jaccard) are near-identical (a fraction, so
that the filters' bounds are exact)."""

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


class TooManyComparisons(Exception):
    """The comparison would take more than the `comparisons` allowed (possible_duplicates)."""


Reason = Literal["same passage", "near-identical text"]


@dataclass(slots=True)
class Duplicate:
    """Two claims that may count one reason twice."""

    claim_ids: tuple[int, int]
    reason: Reason
    overlap: float  # the word sets' Jaccard overlap (1.0 for the same passage)


WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """A text's normalised word set."""
    return frozenset(WORD.findall(text.casefold())) - FUNCTION_WORDS


def _passage(quote: str) -> str:
    return " ".join(WORD.findall(quote.casefold()))


def possible_duplicates(
    *,
    claims: Iterable[tuple[int, str]],
    citations: Iterable[tuple[int, int, str]],
    comparisons: int | None = None,
) -> list[Duplicate]:
    """Pairs of claims (the smaller id first, pairs in order) that cite the same passage of
    one source (one quote equal to or inside the other) or whose texts are near-identical.
    `claims` are (id, text); `citations` (claim id, source id, quote). With `comparisons`,
    raises TooManyComparisons rather than look at more candidate pairs of texts than that."""
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
    for first, second, overlap in _near_identical(sets, comparisons):
        pair = (first, second)
        if pair not in found:
            found[pair] = Duplicate(pair, "near-identical text", overlap)
    return [found[pair] for pair in sorted(found)]


def _near_identical(sets: dict[int, frozenset[str]], comparisons: int | None) -> Iterator[tuple[int, int, float]]:
    """Each pair of claims (ids, the smaller first) whose word sets overlap at least
    TEXT_OVERLAP, with the overlap. The filters (see the module's docstring) only skip pairs
    that cannot reach it; every pair left is checked on its whole sets."""
    num, den = TEXT_OVERLAP.numerator, TEXT_OVERLAP.denominator
    frequency = Counter(w for s in sets.values() for w in s)
    records = sorted(
        ((sorted(s, key=lambda w: (frequency[w], w)), claim_id) for claim_id, s in sets.items() if s),
        key=lambda record: (len(record[0]), record[1]),
    )
    sizes = [len(ordered) for ordered, _ in records]
    if comparisons is not None and _comparisons(records, sizes, comparisons) > comparisons:
        raise TooManyComparisons
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)  # word -> (record, the word's position in it)
    long_enough: dict[str, int] = defaultdict(int)  # word -> where its records long enough start
    for number, (ordered, claim_id) in enumerate(records):
        size = sizes[number]
        shortest = -(-num * size // den)  # ⌈t·|x|⌉: a shorter set cannot overlap enough
        shared: dict[int, int] = {}  # record -> prefix words shared so far, or -1 once it cannot reach t
        for i, word in enumerate(ordered[: size - shortest + 1]):
            postings = index[word]
            start = long_enough[word]
            while start < len(postings) and sizes[postings[start][0]] < shortest:
                start += 1  # records come shortest first: one too short now stays so
            long_enough[word] = start
            for other, j in islice(postings, start, None):
                seen = shared.get(other, 0)
                if seen < 0:
                    continue
                other_size = sizes[other]
                needed = -(-num * (size + other_size) // (num + den))  # the overlap Jaccard ≥ t needs
                shared[other] = seen + 1 if seen + 1 + min(size - i - 1, other_size - j - 1) >= needed else -1
        # Later records are no shorter, so a pair needs an overlap of ⌈2t/(1+t)·|x|⌉ at least:
        # indexing x's words before that many remain is enough (ppjoin's "mid-prefix").
        indexed = size - -(-2 * num * size // (num + den)) + 1
        for i, word in enumerate(ordered[:indexed]):
            index[word].append((number, i))
        words_here = sets[claim_id]
        for other, seen in shared.items():
            if seen <= 0:
                continue
            other_id = records[other][1]
            both = len(words_here & sets[other_id])
            union = size + sizes[other] - both
            if den * both >= num * union:
                yield min(claim_id, other_id), max(claim_id, other_id), both / union


def _comparisons(records: list[tuple[list[str], int]], sizes: list[int], limit: int) -> int:
    """How many candidate pairs `_near_identical` compares (counted up to just past `limit`):
    its index built the same way, without comparing. A map with too many is given up on
    here, before any comparison (a 10,000-claim map of few words spent 0.4 s comparing
    before it reached the limit)."""
    num, den = TEXT_OVERLAP.numerator, TEXT_OVERLAP.denominator
    index: dict[str, list[int]] = defaultdict(list)  # word -> the sizes of the records indexed under it
    long_enough: dict[str, int] = defaultdict(int)
    count = 0
    for size, (ordered, _claim_id) in zip(sizes, records, strict=True):
        shortest = -(-num * size // den)
        for word in ordered[: size - shortest + 1]:
            postings = index[word]
            start = long_enough[word]
            while start < len(postings) and postings[start] < shortest:
                start += 1
            long_enough[word] = start
            count += len(postings) - start
        if count > limit:
            return count
        indexed = size - -(-2 * num * size // (num + den)) + 1
        for word in ordered[:indexed]:
            index[word].append(size)
    return count
