"""The drills: each breaks one thing under a bounded load and says what the client saw."""

import json
import os
import pickle
import signal
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from drills.load import Load, describe, request, tally
from drills.stack import Stack, run, wait_until

TOPIC = "uk-openai-partnership"
PAGES = ["/", f"/topics/{TOPIC}/", "/api/v1/topics/", "/stakeholders/", f"/api/v1/topics/{TOPIC}/"]
BIG = "drill-big"
EXPORTED = "drill-exports"  # a bigger map, for the Celery drill only


@dataclass
class Result:
    name: str
    expected: str
    passed: bool = False
    figures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def ok(status: int) -> bool:
    return 200 <= status < 300


def latency(answers) -> str:
    times = sorted(a.seconds for a in answers if ok(a.status))
    if len(times) < 2:
        return "n/a"
    p95 = times[int(len(times) * 0.95) - 1]
    return f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def steady(stack: Stack, base: str, seconds: float) -> Result:
    result = Result("Steady load through gunicorn", f"{seconds:g} s of reads by 4 clients: 0 non-2xx")
    with Load(base, PAGES, clients=4, seconds=seconds, limit=200_000) as load:
        load.wait()
    counts = tally(load.answers)
    result.passed = all(ok(status) for status in counts)
    result.figures = [
        f"{len(load.answers)} requests in {seconds:g} s ({len(load.answers) / seconds:.0f}/s): {describe(counts)}",
        f"latency of the 2xx: {latency(load.answers)}",
    ]
    return result


def postgresql_restarted(stack: Stack, base: str) -> Result:
    result = Result(
        "PostgreSQL restarted under load",
        "while down: 503 with Retry-After (or a page still cached); from 5 s after it is back: 0 errors",
    )
    with Load(base, PAGES, clients=4, seconds=25) as load:
        time.sleep(3)
        down = time.monotonic()
        stack.primary.stop()
        time.sleep(5)
        stack.primary.start()
        up = time.monotonic()
        time.sleep(12)
    during = load.between(down, up)
    settling = load.between(up, up + 5)
    after = load.between(up + 5)
    bad_during = [a for a in during if not ok(a.status) and not (a.status == 503 and a.retry_after)]
    with_retry = sum(1 for a in during if a.status == 503 and a.retry_after)
    result.passed = not bad_during and all(ok(a.status) for a in after) and bool(after)
    result.figures = [
        f"down {up - down:.1f} s (pg_ctl stop -m fast, then start): {describe(tally(during))}; "
        f"{with_retry} of them 503 with Retry-After; others {describe(tally(bad_during))}",
        f"first 5 s after it is back: {describe(tally(settling))}",
        f"from 5 s after: {describe(tally(after))}",
    ]
    return result


def redis_stopped(stack: Stack, base: str) -> Result:
    result = Result("Redis stopped under load", "0 errors: pages served uncached, throttles open for reads")
    with Load(base, PAGES, clients=4, seconds=20) as load:
        time.sleep(3)
        down = time.monotonic()
        stack.redis.stop()
        time.sleep(6)
        stack.redis.start()
        up = time.monotonic()
        time.sleep(8)
    counts = tally(load.answers)
    result.passed = all(ok(status) for status in counts)
    result.figures = [
        f"Redis killed for {up - down:.1f} s: during {describe(tally(load.between(down, up)))}",
        f"whole drill ({len(load.answers)} requests): {describe(counts)}",
        f"latency while down: {latency(load.between(down, up))}; after: {latency(load.between(up))}",
    ]
    return result


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def worker_killed(stack: Stack, base: str, master: int, threads: int) -> Result:
    result = Result("A gunicorn worker SIGKILLed", f"at most the requests in flight in it fail (≤ {threads})")
    with Load(base, PAGES, clients=4, seconds=15) as load:
        time.sleep(3)
        victim = children(master)[0]
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        replaced = wait_until(lambda: len(children(master)) >= 2 and victim not in children(master), 30, "worker back")
        time.sleep(8)
    failures = [a for a in load.answers if not ok(a.status)]
    result.passed = len(failures) <= threads
    result.figures = [
        f"{len(load.answers)} requests: {describe(tally(load.answers))}",
        f"failed: {len(failures)} (all sent within {max((a.sent - killed for a in failures), default=0):+.1f} s "
        f"of the kill); gunicorn had a new worker {replaced:.1f} s after",
    ]
    return result


def replica_transactions(stack: Stack) -> int:
    return int(stack.replica.sql("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'argmap'"))


def replica_stopped(stack: Stack, base: str) -> Result:
    result = Result("A read replica stopped under load", "reads fall back to the primary: 0 errors")
    before = replica_transactions(stack)
    with Load(base, PAGES, clients=4, seconds=24) as load:
        time.sleep(4)
        served = replica_transactions(stack) - before
        down = time.monotonic()
        stack.replica.stop()
        time.sleep(6)
        stack.replica.start()
        up = time.monotonic()
        time.sleep(5)  # the processes check a replica every 2 s in the drill
        again = replica_transactions(stack)
        time.sleep(5)
        again = replica_transactions(stack) - again
    counts = tally(load.answers)
    result.passed = all(ok(status) for status in counts) and served > 0 and again > 0
    result.figures = [
        f"before the stop the replica ran {served} transactions (anonymous reads go there)",
        f"replica stopped for {up - down:.1f} s: {describe(tally(load.between(down, up)))}",
        f"whole drill ({len(load.answers)} requests): {describe(counts)}; "
        f"back in service: {again} transactions on the replica 5–10 s after its restart",
    ]
    return result


def export_keys(stack: Stack) -> int:
    output = run("redis-cli", "-p", str(stack.redis.port), "--scan", "--pattern", "argmap:exports:*")
    return len(output.split())


QUEUE = (
    "from argmap.models import Topic; from argmap.tasks import build_exports; "
    f"t = Topic.objects.get(slug='{EXPORTED}'); build_exports.delay(t.pk, t.version)"
)


def celery_worker_killed(stack: Stack) -> Result:
    result = Result(
        "A Celery worker killed mid-task",
        "the task is delivered again and completes; each download stored once",
    )
    run("redis-cli", "-p", str(stack.redis.port), "flushall")
    first = stack.worker("worker-1")
    stack.manage("shell", "-v", "0", "-c", QUEUE)
    deadline = time.monotonic() + 60
    while "received" not in first.text():  # then kill it at once: the task takes seconds (30,000 claims)
        if time.monotonic() > deadline:
            raise RuntimeError(f"the task was not received: {first.text()[-600:]}")
        time.sleep(0.02)
    kept_before = export_keys(stack)
    finished_before = "Exports of" in first.text()
    killed = time.monotonic()
    first.kill()
    if "succeeded" in first.text():
        result.figures = ["the task finished before the kill landed: nothing to drill (run it again)"]
        return result
    second = stack.worker("worker-2")
    try:
        took = wait_until(lambda: "Exports of" in second.text(), 90, "the task run again")
    except RuntimeError as error:
        raise RuntimeError(f"{error}; worker 1: {first.text()[-600:]}; worker 2: {second.text()[-600:]}") from None
    second.stop()
    line = next(line for line in second.text().splitlines() if "Exports of" in line)
    outcome = line[line.index("Exports of") :]
    keys = export_keys(stack)
    result.passed = not finished_before and keys == 5 and second.text().count("Exports of") == 1
    result.figures = [
        f"killed (SIGKILL) {'after' if finished_before else 'before'} the task finished, with "
        f"{kept_before} of 5 downloads stored",
        f"a new worker completed it {time.monotonic() - killed:.1f} s after the kill ({took:.1f} s after it was"
        " ready; the drill's visibility timeout is 10 s, and workers look for such tasks every 10 s)",
        f"its outcome: {outcome}; downloads stored: {keys} (one per format)",
    ]
    return result


def racing(requests_: list[tuple[str, str, dict]], base: str, token: str, headers=None) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(requests_))
    results: list = [None] * len(requests_)

    def send(index, method, path, body):
        barrier.wait(timeout=60)
        status, _, content = request(
            base,
            method,
            path,
            json.dumps(body).encode(),
            {"Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {})},
            timeout=120,
        )
        results[index] = (status, content.decode(errors="replace")[:300])

    threads = [threading.Thread(target=send, args=[i, *r]) for i, r in enumerate(requests_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def shell(stack: Stack, code: str, **extra) -> str:
    return stack.manage("shell", "-v", "0", "-c", code, **extra).strip()


CLAIM_IDS = (
    "import json; from argmap.models import Claim; print(json.dumps(list("
    "Claim.objects.filter(topic__slug='%s').order_by('pk').values_list('pk', flat=True)[:100])))"
)
CLAIM_TEXTS = (
    "import json; from argmap.models import Claim; "
    "print(json.dumps(dict(Claim.objects.filter(pk__in=%s).values_list('pk', 'text'))))"
)
TOPIC_VERSION = "from argmap.models import Topic; print(Topic.objects.get(slug='%s').version)"
STAKEHOLDER_IDS = (
    "import json; from argmap.models import Stakeholder; "
    "print(json.dumps(dict(Stakeholder.objects.filter(slug__in=%s).values_list('slug', 'pk'))))"
)


def edit_races(stack: Stack, base: str) -> Result:
    result = Result(
        "100 concurrent edit races",
        "0 lost updates: every edit answered 200 is stored; of edits on the same version, one wins, the rest 412",
    )
    ids = json.loads(shell(stack, CLAIM_IDS % BIG))
    version = int(shell(stack, TOPIC_VERSION % BIG))
    edits = [("PATCH", f"/api/v1/claims/{pk}/", {"text": f"Edited in drill race {i}."}) for i, pk in enumerate(ids)]
    results = racing(edits, base, stack.token, {"If-Match": "*"})
    stored = json.loads(shell(stack, CLAIM_TEXTS % ids))
    won = [pk for (status, _), pk in zip(results, ids, strict=True) if status == 200]
    lost = [pk for pk in won if stored[str(pk)] != f"Edited in drill race {ids.index(pk)}."]
    version_after = int(shell(stack, TOPIC_VERSION % BIG))
    # The same claim, 20 editors who all read the same version.
    target = ids[0]
    _, headers, _ = request(base, "GET", f"/api/v1/claims/{target}/", headers={"Authorization": f"Token {stack.token}"})
    same = [("PATCH", f"/api/v1/claims/{target}/", {"text": f"Same-version edit {i}."}) for i in range(20)]
    same_results = racing(same, base, stack.token, {"If-Match": headers.get("ETag", "")})
    same_counts = tally_statuses(same_results)
    result.passed = not lost and len(won) == 100 and same_counts.get(200) == 1 and same_counts.get(412) == 19
    result.figures = [
        f"100 editors, each their own claim of one topic, at once: {describe(tally_statuses(results))}; "
        f"stored {len(won) - len(lost)} of {len(won)} answered 200; "
        f"the topic's version went {version} → {version_after}",
        f"20 editors, one claim, all with the same ETag: {describe(same_counts)}",
    ]
    return result


def tally_statuses(results) -> dict[int, int]:
    counts: dict[int, int] = {}
    for status, _ in results:
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


CIRCLES = """
from argmap.models import Stakeholder
parents = dict(Stakeholder.objects.values_list('pk', 'parent_id'))
def circle(start):
    seen, at = set(), parents[start]
    while at is not None and at not in seen:
        if at == start:
            return True
        seen.add(at); at = parents.get(at)
    return False
print(sum(circle(pk) for pk in parents))
"""


def parent_races(stack: Stack, base: str) -> Result:
    result = Result(
        "50 concurrent stakeholder-parent races",
        "0 circles stored, 0 deadlocks, every loser a 409 that gives the reason",
    )
    slugs = json.loads(
        shell(
            stack,
            "import json; from tests.factories import StakeholderFactory; "
            "print(json.dumps([StakeholderFactory(name=f'Drill {i}').slug for i in range(100)]))",
        )
    )
    ids = json.loads(shell(stack, STAKEHOLDER_IDS % slugs))
    pairs = [(slugs[2 * i], slugs[2 * i + 1]) for i in range(50)]
    races = []
    for a, b in pairs:
        races += [("PATCH", f"/api/v1/stakeholders/{a}/", {"parent": ids[b]})]
        races += [("PATCH", f"/api/v1/stakeholders/{b}/", {"parent": ids[a]})]
    deadlocks_before = Path(stack.primary.dir, "server.log").read_text(errors="replace").count("deadlock detected")
    results = racing(races, base, stack.token, {"If-Match": "*"})
    deadlocks = (
        Path(stack.primary.dir, "server.log").read_text(errors="replace").count("deadlock detected") - deadlocks_before
    )
    circles = int(shell(stack, CIRCLES))
    winners = [sum(1 for status, _ in results[2 * i : 2 * i + 2] if status == 200) for i in range(50)]
    losers = [(status, text) for status, text in results if status != 200]
    with_reason = sum(1 for status, text in losers if status == 409 and "part of itself" in text)
    result.passed = (
        circles == 0 and not any(s >= 500 for s, _ in results) and with_reason == len(losers) and set(winners) == {1}
    )
    result.figures = [
        f"100 writes at once (50 pairs, each stakeholder made the other's parent): {describe(tally_statuses(results))}",
        f"pairs with exactly one winner: {winners.count(1)} of 50; "
        f"losers refused with the reason: {with_reason} of {len(losers)}",
        f"circles stored: {circles}; deadlocks in PostgreSQL's log: {deadlocks}",
    ]
    return result


# Every format of the demo topic and of the 3,000-claim one, as `export_map` writes them.
EXPORT_ALL = f"""
from django.core.management import call_command
from argmap.interchange import FORMATS
for slug in ("{TOPIC}", "{BIG}"):
    for format in FORMATS:
        call_command("export_map", slug, "--format", format, "-o", f"FOLDER/{{slug}}.{{format}}")
"""


def backup_and_restore(stack: Stack) -> Result:
    result = Result(
        "Backup, then restore into an empty database",
        "pg_dump -Fc, pg_restore into a new database: every export of the maps byte-identical",
    )
    dump = stack.folder / "argmap.dump"
    started = time.monotonic()
    run("pg_dump", "-Fc", "-f", str(dump), stack.primary.url())
    dumped = time.monotonic() - started
    stack.primary.sql("CREATE DATABASE argmap_restored", database="postgres")
    started = time.monotonic()
    run("pg_restore", "--no-owner", "-d", stack.primary.url("argmap_restored"), str(dump))
    restored = time.monotonic() - started
    exported = {}
    for database in ("argmap", "argmap_restored"):
        folder = stack.folder / database
        folder.mkdir()
        shell(stack, EXPORT_ALL.replace("FOLDER", str(folder)), DATABASE_URL=stack.primary.url(database))
        exported[database] = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    compared = len(exported["argmap"])
    differing = sorted(
        name for name, data in exported["argmap"].items() if exported["argmap_restored"].get(name) != data
    )
    counts = stack.primary.sql("SELECT count(*) FROM argmap_claim", database="argmap_restored")
    result.passed = not differing
    result.figures = [
        f"dump {dump.stat().st_size / 1e6:.1f} MB in {dumped:.1f} s; restored in {restored:.1f} s ({counts} claims)",
        f"exports compared: {compared} files (2 topics, every format); differing: {', '.join(differing) or 'none'}",
    ]
    return result


def two_processes(stack: Stack, first: str, second: str) -> Result:
    result = Result("Two app processes, one Redis", "a page cached by one is served by the other")
    run("redis-cli", "-p", str(stack.redis.port), "flushall")
    status, _, _ = request(first, "GET", f"/topics/{TOPIC}/")
    keys = run("redis-cli", "-p", str(stack.redis.port), "--scan", "--pattern", "argmap:pages:*topic_detail*").split()
    if keys:
        # Mark the cached copy: only a process reading it from Redis can answer with the mark.
        server = redis.Redis(port=stack.redis.port)
        page = pickle.loads(server.get(keys[0]))  # noqa: S301 - what the drill's own server stored
        server.set(keys[0], pickle.dumps(page.replace("<title>", "<title>(from Redis) ", 1)), keepttl=True)
        server.close()
    _, _, body = request(second, "GET", f"/topics/{TOPIC}/")
    result.passed = status == 200 and b"<title>(from Redis) " in body
    result.figures = [f"page cached by {first}, marked in Redis, served with the mark by {second}: {result.passed}"]
    return result
