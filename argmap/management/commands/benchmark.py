"""Measure argmap's speed and print the figures (see argmap/benchmarks/)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from argmap.benchmarks import Bench, areas


class Command(BaseCommand):
    help = "Generate maps of 1k and 10k claims (100k with --large) and print speed figures beside their bars."

    def add_arguments(self, parser):
        parser.add_argument("--large", action="store_true", help="Also measure a 100,000-claim map.")
        parser.add_argument("--sizes", help="Comma-separated claim counts, e.g. 1000,10000 (overrides --large).")
        parser.add_argument("--only", help=f"Comma-separated areas: {', '.join(areas())}.")
        parser.add_argument("--repeat", type=int, default=15, help="Timed runs per figure (median reported).")

    def handle(self, *args, large, sizes, only, repeat, **options):
        if sizes:
            try:
                sizes = [int(size) for size in sizes.split(",")]
            except ValueError:
                raise CommandError("--sizes takes whole numbers, e.g. 1000,10000") from None
        else:
            sizes = [1000, 10000, 100000] if large else [1000, 10000]
        available = areas()
        chosen = only.split(",") if only else list(available)
        unknown = set(chosen) - set(available)
        if unknown:
            raise CommandError(f"Unknown area(s): {', '.join(sorted(unknown))}. Known: {', '.join(available)}.")
        database = settings.DATABASES["default"]
        self.stdout.write(f"argmap benchmark on {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})")
        bench = Bench(sizes=sizes, write=self.stdout.write, repeat=repeat)
        for area in chosen:
            self.stdout.write(f"\n{area}")
            available[area].run(bench)
