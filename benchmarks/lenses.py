"""Lenses, bridges, robustness and possible duplicates (issue 13): what each costs on a
loaded map beside one evaluation. All are computed once per version (stored with a
publication; cached per live version and lens), so these figures are paid at publish time
or by the first reader of a version, never by every request.

The synthetic maps' claims are made of some fifty words, the worst case for the comparison
of texts (every claim shares words with thousands of others): it stops after
DUPLICATES_PER_VERSION candidate pairs, and the figure says whether it did.
"""

from __future__ import annotations

import time

from argmap.lenses import evaluate_lens, lens_budget, lens_of, lens_summaries
from argmap.loading import (
    DUPLICATES_PER_VERSION,
    PAGE_COLUMNS,
    graph_from_map,
    load_map,
    map_bridges,
    map_duplicates,
    map_robustness,
)
from benchmarks.bench import Bench

AREA = "lenses"


def run(bench: Bench) -> None:
    for size in bench.sizes:
        measure(bench, size)


def measure(bench: Bench, size: int) -> None:
    data = load_map(bench.topic(size).pk, PAGE_COLUMNS)
    few = min(bench.repeat, 3)
    graph = graph_from_map(data)
    evaluation = graph.evaluate()
    bench.report(AREA, "one evaluation (for scale)", size, bench.median_ms(graph.evaluate, few), "ms")
    holder = max(
        {row["stakeholder_id"] for row in data.stances},
        key=lambda s: len(lens_of(s, data.stances).held),
        default=None,
    )
    if holder is not None:
        lens = lens_of(holder, data.stances, graph.claim_ids)
        bench.report(AREA, f"one lens ({len(lens.held)} held, {len(lens.opposed)} opposed)", size,
                     bench.median_ms(lambda: evaluate_lens(graph, lens), few), "ms")  # fmt: skip
    budget = lens_budget(len(graph.claim_ids))
    bench.report(AREA, f"lens summaries stored at publish (at most {budget} lenses evaluated)", size,
                 bench.median_ms(lambda: lens_summaries(graph, evaluation, data.stances), few), "ms")  # fmt: skip
    robustness = bench.median_ms(lambda: map_robustness(data, evaluation=evaluation, graph=graph), few)
    bench.report(AREA, "robustness of every verdict", size, robustness, "ms")
    bench.report(AREA, "bridges (bounded search)", size,
                 bench.median_ms(lambda: map_bridges(data, graph), few), "ms")  # fmt: skip
    started = time.perf_counter()
    found = map_duplicates(data, DUPLICATES_PER_VERSION)
    what = "possible duplicates" + (
        f" ({len(found)} pairs)" if found is not None else " (stopped: too many comparisons)"
    )
    bench.report(AREA, what, size, (time.perf_counter() - started) * 1000, "ms")
