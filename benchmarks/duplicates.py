"""The comparison of texts for possible duplicates on its own, without a database:

    python -m benchmarks.duplicates 10000,100000 3000

times argmap/duplicates.py on claims shaped like the synthetic ones (5 to 9 content words
from a vocabulary of the given size; one in twenty restates an earlier claim with a word
added; three in four cite one of n/20 sources, quoting their own text), with and without
the bound pages use (loading.DUPLICATES_PER_VERSION).
"""

from __future__ import annotations

import random
import string
import sys
import time

from argmap.duplicates import TooManyComparisons, possible_duplicates

VERBS = ["raises", "lowers", "protects", "threatens", "delays", "accelerates", "weakens", "strengthens", "ignores"]
BOUND = 300_000  # loading.DUPLICATES_PER_VERSION (not imported: loading needs Django)


def claims_and_citations(n: int, vocabulary: int, seed: int = 1) -> tuple[list, list]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    words: set[str] = set()
    while len(words) < vocabulary:
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))))
    vocab = sorted(words)
    claims: list[tuple[int, str]] = []
    citations = []
    for i in range(1, n + 1):
        if claims and rng.random() < 0.05:
            text = f"{claims[rng.randrange(len(claims))][1]} {rng.choice(vocab)}"
        else:
            subject, obj = " ".join(rng.sample(vocab, 2)), " ".join(rng.sample(vocab, rng.randint(2, 4)))
            text = f"The {subject} {rng.choice(VERBS)} {obj} for the public {rng.choice(vocab)}."
        claims.append((i, text))
        if rng.random() < 0.75:
            citations.append((i, rng.randrange(max(3, n // 20)), text))
    return claims, citations


def main(argv: list[str]) -> None:
    sizes = [int(n) for n in (argv[0] if argv else "10000").split(",")]
    vocabulary = int(argv[1]) if len(argv) > 1 else 3000
    for n in sizes:
        claims, citations = claims_and_citations(n, vocabulary)
        for bound in (None, BOUND):
            started = time.perf_counter()
            try:
                found = f"{len(possible_duplicates(claims=claims, citations=citations, comparisons=bound))} pairs"
            except TooManyComparisons:
                found = "stopped: too many comparisons"
            took = time.perf_counter() - started
            print(f"{n:>9,} claims, {vocabulary:,} words, bound {bound}: {took:.2f} s, {found}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
