"""Reliability drills: `make drill` (python -m drills) breaks a loopback deployment of
argmap in the ways production breaks, drives it with a client that records every answer,
and writes the figures to docs/reliability.md.

The deployment is the drills' own, so that nothing another process uses is stopped: a
PostgreSQL primary and a streaming replica made with scripts/pgcluster, a redis-server
on a free port, gunicorn with gunicorn.conf.py, and a Celery worker, all in a temporary
folder removed at the end. Every drill is bounded in time and in requests. The product
never imports this package.
"""
