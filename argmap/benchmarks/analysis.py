"""The analysis: loading what the evaluation needs (one query), then building the graph
and evaluating it (pure Python), each timed on its own; then explanations, cruxes, a
what-if, coalitions and gaps.

The bar (QUALITY.md) is on the evaluation: the strength and label of every claim and
position, from rows already loaded, in ≤ 25 ms at 10,000 claims and ≤ 250 ms at 100,000.
"""

from __future__ import annotations

from argmap.benchmarks import Bench
from argmap.graph import claims_held_by
from argmap.loading import evaluate_topic, graph_from_rows, load_graph_rows, load_map, map_coalitions, map_gaps

AREA = "analysis"
BARS = {10_000: 25.0, 100_000: 250.0}  # ms for the evaluation (build + evaluate)


def run(bench: Bench) -> None:
    for size in bench.sizes:
        measure(bench, size)


def measure(bench: Bench, size: int) -> None:
    topic = bench.topic(size)
    # The slow figures (explanations and cruxes at 100k take seconds) get fewer runs.
    few = min(bench.repeat, 3) if size > 20_000 else bench.repeat

    rows = load_graph_rows(topic.pk)
    graph = graph_from_rows(rows)
    bench.report(AREA, "load: positions, claims, links (1 query)", size,
                 bench.median_ms(lambda: load_graph_rows(topic.pk)), "ms")  # fmt: skip
    build = bench.median_ms(lambda: graph_from_rows(rows))
    evaluate = bench.median_ms(lambda: graph.evaluate())
    total = bench.median_ms(lambda: graph_from_rows(rows).evaluate())
    bench.report(AREA, "  build the graph", size, build, "ms")
    bench.report(AREA, "  evaluate: strength and label of each node", size, evaluate, "ms")
    bar = f"≤ {BARS[size]:.0f} ms" if size in BARS else ""
    bench.report(AREA, "evaluation (build + evaluate)", size, total, "ms", bar=bar)
    bench.report(AREA, "query + evaluation (evaluate_topic, no why/cruxes)", size,
                 bench.median_ms(lambda: evaluate_topic(topic, explain=False, cruxes=0)), "ms")  # fmt: skip

    bench.report(AREA, "  evaluation with the why of every node", size,
                 bench.median_ms(lambda: graph.evaluate(explain=True), few), "ms")  # fmt: skip
    bench.report(AREA, "  evaluation with 3 cruxes per position", size,
                 bench.median_ms(lambda: graph.evaluate(cruxes=3), few), "ms")  # fmt: skip
    someone = max(
        {row["stakeholder_id"] for row in rows.claim_stances},
        key=lambda s: len(claims_held_by(s, rows.claim_stances)),
        default=None,
    )
    left_out = claims_held_by(someone, rows.claim_stances) if someone is not None else set()
    bench.report(AREA, f"  what-if: {len(left_out)} claims of one stakeholder left out", size,
                 bench.median_ms(lambda: graph.evaluate(left_out=left_out)), "ms")  # fmt: skip

    data = load_map(topic.pk)
    bench.report(AREA, "load the whole map (1 query)", size, bench.median_ms(lambda: load_map(topic.pk)), "ms")
    bench.report(AREA, "  coalitions and grid", size, bench.median_ms(lambda: map_coalitions(data)), "ms")
    bench.report(AREA, "  gaps", size, bench.median_ms(lambda: map_gaps(data)), "ms")
