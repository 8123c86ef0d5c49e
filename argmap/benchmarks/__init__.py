"""Benchmarks: measured figures, printed, never asserted (the test suite pins query
counts instead). Each module of this package measures one area and defines

    AREA = "api"                      # its name on the command line
    def run(bench: Bench) -> None     # measures, and calls bench.report(...) per figure

`manage.py benchmark` (and `make bench`) finds the modules by itself.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from argmap.models import Topic
from argmap.synthetic import generate_map


@dataclass
class Bench:
    """What a benchmark module gets: the map sizes to measure, maps of those sizes, timers
    and a report line per figure."""

    sizes: list[int]
    write: Callable[[str], None] = print
    repeat: int = 15
    results: list[dict] = field(default_factory=list)

    def topic(self, claims: int) -> Topic:
        """A published synthetic topic of `claims` claims, generated once and then reused."""
        slug = f"bench-{claims}"
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            self.write(f"  (generating a {claims:,}-claim map for the benchmarks…)")
            # Read back: the database's triggers gave it its version and changed_at.
            topic = Topic.objects.get(pk=generate_map(claims=claims, seed=1, slug=slug, publish=True).topic.pk)
        return topic

    def median_ms(self, function: Callable[[], object], repeat: int | None = None) -> float:
        """The median wall time of `function` in milliseconds, after one warm-up call."""
        function()
        times = []
        for _ in range(repeat or self.repeat):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    def report(self, area: str, what: str, size: int | None, value: float, unit: str, *, bar: str = "") -> None:
        self.results.append({"area": area, "what": what, "size": size, "value": value, "unit": unit, "bar": bar})
        size_text = f"{size:>7,}" if size else " " * 7
        self.write(f"  {area:<12} {what:<48} {size_text}  {value:>10.1f} {unit:<6} {bar}")


def areas() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "AREA") and hasattr(module, "run"):
            found[module.AREA] = module
    return dict(sorted(found.items()))
