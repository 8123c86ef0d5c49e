"""Python's cyclic garbage collector, tuned once per process: the web server's
(config/wsgi.py), the worker's (config/celery.py) and the benchmark's, which measures them.

Rendering a 10,000-claim topic page builds some 100,000 short-lived dicts and objects,
publishing one some 1,000,000 (rows, assessments, whys) that live until it ends; none is in
a reference cycle. At Python's default threshold (700 new objects) the collector walked
them over and over, finding nothing: a quarter of the uncached page's time, nearly half of
the analysis' at publish. Collecting after 50,000 instead made the uncached page 19-25%
quicker (three interleaved A/B runs, medians of 15; exports 0-8%) and the analysis at
publish 1.5-1.7 s → 0.9-1.1 s of CPU at 10,000 claims (docs/performance.md), at the cost of
a few MB more before garbage in a cycle is freed. Cycles are still collected."""

import gc

THRESHOLDS = (50_000, 20, 20)


def collect_less_often() -> None:
    gc.set_threshold(*THRESHOLDS)
