"""Generate a synthetic map of N claims from a seed, for tests and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from argmap.management.progress import ProgressBar
from argmap.synthetic import generate_map


class Command(BaseCommand):
    help = "Generate a deterministic synthetic topic of N claims (deep, branching, rule-abiding)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=1000, help="How many claims (default 1000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same map.")
        parser.add_argument("--slug", help="Topic slug (default synthetic-<claims>-<seed>).")
        parser.add_argument("--publish", action="store_true", help="Publish the topic (default: draft).")

    def handle(self, *args, claims, seed, slug, publish, verbosity, **options):
        started = time.perf_counter()
        # On standard error, and only on a terminal: logs and pipes get the summary alone.
        progress = ProgressBar(self.stderr._out, quiet=verbosity == 0)
        try:
            result = generate_map(claims=claims, seed=seed, slug=slug, publish=publish, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.finish()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated “{result.topic.slug}”: {result.claims:,} claims, {result.links:,} links, "
                f"{result.stakeholders} stakeholders in {seconds:.1f} s ({result.topic.status}). "
                f"{result.topic.get_absolute_url()}"
            )
        )
