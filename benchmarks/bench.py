"""What every benchmark module gets (Bench), the areas, and the command line."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from django.conf import settings

import benchmarks
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
    """The modules of the package that measure an area, by name."""
    found = {}
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if hasattr(module, "AREA") and hasattr(module, "run"):
            found[module.AREA] = module
    return dict(sorted(found.items()))


def main(argv: list[str] | None = None, write: Callable[[str], None] = print) -> None:
    """Parse the command line, then measure each chosen area at each size."""
    available = areas()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Generate maps of 1k and 10k claims and print speed figures beside their bars.",
    )
    parser.add_argument("--large", action="store_true", help="Also measure a 100,000-claim map.")
    parser.add_argument("--huge", action="store_true", help="Also measure a 1,000,000-claim map (slow to generate).")
    parser.add_argument("--sizes", help="Comma-separated claim counts, e.g. 1000,10000 (overrides --large, --huge).")
    parser.add_argument("--only", help=f"Comma-separated areas: {', '.join(available)}.")
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs per figure (median reported).")
    options = parser.parse_args(argv)
    if options.sizes:
        try:
            sizes = [int(size) for size in options.sizes.split(",")]
        except ValueError:
            parser.error("--sizes takes whole numbers, e.g. 1000,10000")
    else:
        sizes = [1000, 10000] + [100_000] * options.large + [1_000_000] * options.huge
    chosen = options.only.split(",") if options.only else list(available)
    unknown = set(chosen) - set(available)
    if unknown:
        parser.error(f"unknown area(s): {', '.join(sorted(unknown))}; known: {', '.join(available)}")
    database = settings.DATABASES["default"]
    write(f"argmap benchmark on {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})")
    bench = Bench(sizes=sizes, write=write, repeat=options.repeat)
    for area in chosen:
        write(f"\n{area}")
        available[area].run(bench)
