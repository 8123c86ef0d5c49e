"""python -m drills [--steady SECONDS] [--only NAME ...] [--output docs/reliability.md]

Runs the reliability drills (drills/scenarios.py) against a deployment of their own and
writes the figures to docs/reliability.md. `--steady 600` is the documented ten minutes
of steady load; the default (60 s) is for trying it out.
"""

import argparse
import datetime
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from drills import scenarios
from drills.stack import Stack

NAMES = [
    "steady",
    "postgresql",
    "redis",
    "gunicorn-worker",
    "replica",
    "celery-worker",
    "edit-races",
    "parent-races",
    "two-processes",
    "backup",
]
PORTS = [int(port) for port in os.environ.get("DRILL_PORTS", "8105,8106").split(",")]
THREADS = 4


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__.splitlines()[0])
    parser.add_argument("--steady", type=float, default=60, help="Seconds of steady load (600 documented; 60 default).")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="Run only these drills.")
    parser.add_argument("--output", default="docs/reliability.md", help="Where the figures go ('-': not written).")
    options = parser.parse_args()
    chosen = options.only or NAMES
    stack = Stack(PORTS)
    results, started = [], time.monotonic()
    try:
        print(f"Setting up in {stack.folder} …", flush=True)
        stack.up()
        first = f"http://127.0.0.1:{PORTS[0]}"
        second = f"http://127.0.0.1:{PORTS[1]}"
        web = stack.gunicorn(PORTS[0], workers=2, threads=THREADS)
        drills = {
            "steady": lambda: scenarios.steady(stack, first, options.steady),
            "postgresql": lambda: scenarios.postgresql_restarted(stack, first),
            "redis": lambda: scenarios.redis_stopped(stack, first),
            "gunicorn-worker": lambda: scenarios.worker_killed(stack, first, web.pid, THREADS),
            "replica": lambda: scenarios.replica_stopped(stack, with_replica()),
            "celery-worker": lambda: scenarios.celery_worker_killed(stack),
            "edit-races": lambda: scenarios.edit_races(stack, first),
            "parent-races": lambda: scenarios.parent_races(stack, first),
            "two-processes": lambda: scenarios.two_processes(stack, first, with_replica()),
            "backup": lambda: scenarios.backup_and_restore(stack),
        }
        replica_web: list = []

        def with_replica() -> str:
            if not replica_web:
                replica_web.append(stack.gunicorn(PORTS[1], workers=2, threads=THREADS, replicas=True))
            return second

        for name in chosen:
            print(f"Drill: {name} …", flush=True)
            began = time.monotonic()
            try:
                result = drills[name]()
            except Exception:
                result = scenarios.Result(name, "(the drill itself failed)", False, [traceback.format_exc(limit=3)])
            result.seconds = time.monotonic() - began
            results.append(result)
            print(f"  {'PASS' if result.passed else 'FAIL'} ({result.seconds:.0f} s)", flush=True)
            for line in result.figures:
                print(f"  {line}", flush=True)
    finally:
        stack.down()
    if options.output != "-":
        Path(options.output).write_text(report(results, options, time.monotonic() - started))
        print(f"Wrote {options.output}")
    return 0 if all(result.passed for result in results) else 1


def report(results, options, seconds: float) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability drills",
        "",
        "What happens to readers and editors when a part of argmap's deployment fails: figures",
        "written by `make drill` (`python -m drills`, the package `drills/`). See",
        "docs/deployment.md for the deployment they drill, and how to run them.",
        "",
        f"Last run: {when}, `python -m drills --steady {options.steady:g}`"
        + (f" --only {' '.join(options.only)}" if options.only else "")
        + f", {seconds / 60:.0f} min in all, on {os.cpu_count()} shared cores ({platform.system()},",
        f"Python {sys.version.split()[0]}), the machine busy with other work: timings are noisy,",
        "counts are not.",
        "",
        "The deployment is the drills' own, on loopback: a PostgreSQL primary and a streaming",
        "replica (scripts/pgcluster), a redis-server, gunicorn (gunicorn.conf.py, 2 workers ×",
        f"{THREADS} threads, DEBUG off) and Celery workers. Load comes from client threads that",
        'record every answer\'s status ("no answer" when the connection failed) and Retry-After,',
        "reading the home page, a topic page, the stakeholders page and two API endpoints.",
        "",
        "| Drill | Expected | Result |",
        "|---|---|---|",
    ]
    for result in results:
        lines.append(f"| {result.name} | {result.expected} | {'pass' if result.passed else '**FAIL**'} |")
    lines.append("")
    for result in results:
        lines += [f"## {result.name}", "", f"Expected: {result.expected}. Took {result.seconds:.0f} s.", ""]
        lines += [f"- {line}" if "\n" not in line else f"```\n{line}\n```" for line in result.figures]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
