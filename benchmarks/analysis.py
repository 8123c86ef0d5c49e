"""The analysis: loading what the evaluation needs (one query), then building the graph
and evaluating it (pure Python), each timed on its own; then explanations, cruxes, a
what-if, coalitions and gaps; then what readers get: the topic page's analysis and the
API's three endpoints (whole requests, in process).

The bar (QUALITY.md) is on the evaluation: the strength and label of every claim and
position, from rows already loaded, in ≤ 25 ms at 10,000 claims and ≤ 250 ms at 100,000.
"""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from argmap.analysis import analyse_page
from argmap.loading import (
    PAGE_COLUMNS,
    evaluate_topic,
    graph_from_rows,
    load_graph_rows,
    load_map,
    map_coalitions,
    map_gaps,
)
from argmap.publishing import on_demand
from argmap.stakeholders import claims_held_by
from argmap.tree import build_tree
from benchmarks.bench import Bench

AREA = "analysis"
GAPS_UP_TO = 10_000
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

    data = load_map(topic.pk, PAGE_COLUMNS)
    bench.report(AREA, "load the whole map (1 query)", size,
                 bench.median_ms(lambda: load_map(topic.pk, PAGE_COLUMNS)), "ms")  # fmt: skip
    bench.report(AREA, "  coalitions and grid", size, bench.median_ms(lambda: map_coalitions(data)), "ms")
    bench.report(AREA, "  gaps", size, bench.median_ms(lambda: map_gaps(data)), "ms")

    tree = build_tree(data)
    roots = tree.roots()
    shown = tree.shown_claims(roots, tree.expanded(roots, settings.TOPIC_TREE_BUDGET))
    bench.report(AREA, f"  topic page's analysis ({len(shown)} claims shown)", size,
                 bench.median_ms(lambda: analyse_page(data, tree, shown), few), "ms")  # fmt: skip

    client = Client(HTTP_HOST="localhost")
    backer = next(
        iter(sorted({row["stakeholder_id"] for row in rows.claim_stances if row["stance"] == "supports"})), None
    )
    slug = next((row["slug"] for row in data.stakeholders if row["id"] == backer), None)
    # A what-if is computed for the request, from the whole map, only up to
    # ANALYSIS_ON_DEMAND_MAX_CLAIMS; above, the API refuses it (422) at once: that is timed.
    what_if = "evaluation, without a stakeholder" + ("" if on_demand(size) else ": refused (422)")
    requests = {
        "evaluation": {},
        what_if: {"without_stakeholder": slug} if slug else None,
        "coalitions": {},
        # Its possible duplicates compare claims pairwise: 111 s at 10,000 claims (December
        # 2026), hours at 100,000. Measured where it ends.
        "gaps": {} if size <= GAPS_UP_TO else None,
    }
    if size > GAPS_UP_TO:
        bench.write(f"  (API gaps not measured above {GAPS_UP_TO:,} claims: it compares claims pairwise)")
    # One client making many requests: the anonymous rate limit would stop it.
    with mock.patch.dict(AnonRateThrottle.THROTTLE_RATES, {"anon": "1000000/second"}):
        for what, query in requests.items():
            if query is None:
                continue
            url = reverse(f"api:topic-{what.split(',')[0]}", args=[topic.slug])

            expected = 422 if what.endswith("(422)") else 200

            def get(url=url, query=query, expected=expected) -> None:
                response = client.get(url, query)
                if response.status_code != expected:
                    raise RuntimeError(f"{url} answered {response.status_code}")

            took, raw_ms = bench.paired_ms(get, few)
            bench.report(AREA, f"API {what} (whole request)", size, took, "ms", raw_ms=raw_ms)
