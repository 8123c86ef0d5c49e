"""gunicorn's settings for argmap: `gunicorn -c gunicorn.conf.py config.wsgi`.

Each value can be changed through an environment variable (GUNICORN_*) without
editing this file; the defaults are chosen for a container with a proxy in front.
"""

import multiprocessing
import os
import shutil


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Workers from the CPUs the process may use: two per core plus one keeps a core busy
# while another worker waits on PostgreSQL, capped at 8 because one worker that has
# served a 10,000-claim map holds close to 1 GB.
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else multiprocessing.cpu_count()
workers = env_int("GUNICORN_WORKERS", min(2 * cpus + 1, 8))
# Threads: a request streaming a download does not hold a whole worker; two, not more,
# since every thread can hold a large map in memory at once.
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 2)

# Recycle workers: a worker that served a big map keeps the memory it grew to; after
# max_requests (plus up to max_requests_jitter, so that workers do not all restart at
# once) it is replaced by a fresh one.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Timeouts, deliberately:
# - timeout: a worker silent this long is killed and replaced. Pages and downloads are
#   built once per version and cached, and big exports are built by the Celery worker,
#   so 60 s is a stuck worker, not a slow page; it stays below the 60-100 s a proxy
#   usually waits, so the client gets the proxy's answer, not a hung connection.
timeout = env_int("GUNICORN_TIMEOUT", 60)
# - graceful_timeout: on a restart or a deploy, in-flight requests get this long to finish.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# - keepalive: idle connections from the proxy stay open longer than a proxy's own idle
#   timeout (60 s on most load balancers), so the proxy always closes first and never
#   sends a request onto a connection gunicorn is closing.
keepalive = env_int("GUNICORN_KEEPALIVE", 75)

# The proxies' headers are argmap's to judge (TRUSTED_PROXIES), not gunicorn's.
forwarded_allow_ips = ""
# argmap writes one line per request itself (argmap.requests, with the request id).
accesslog = None
errorlog = "-"
# Heartbeat files in memory, not on a container's (possibly slow) overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice


def on_starting(server):
    # Prometheus' figures from every worker add up in PROMETHEUS_MULTIPROC_DIR (argmap/
    # metrics.py): start each run with an empty folder.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
