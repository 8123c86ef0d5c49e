"""The real services the tests talk to besides the database."""

import os


def redis_test_url() -> str:
    """The Redis database the tests may flush: REDIS_TEST_URL, /5 by default. Under
    pytest-xdist (`make test-fast`) each process gets a database of its own (/10, /11, …),
    since a test that flushes its database would otherwise empty another's mid-test."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, …
    if worker.startswith("gw"):
        base, _, number = url.rpartition("/")
        url = f"{base}/{(int(number) + 5 + int(worker[2:])) % 16}"
    return url


REDIS_TEST_URL = redis_test_url()
