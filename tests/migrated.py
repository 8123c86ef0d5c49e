"""The migrated SQLite test database, kept between test runs (tests/conftest.py).

Migrating a test database from nothing costs several seconds of CPU, once per process
(pytest-xdist gives each its own). On SQLite the test database lives in memory; after
the first migration a copy is kept in a file, named by a hash of everything that could
change its contents, and each later run loads that copy into its fresh in-memory
database before Django looks at it: `migrate` then finds every migration applied and
has nothing to do. Every run gets a fresh copy, so nothing a test left in (or flushed
from) a previous run's database is seen by the next.
"""

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

import django
from django.db.migrations.loader import MigrationLoader

# The in-memory test database: "mode=memory" makes Django treat it as one (no file to
# create or delete), "cache=shared" lets every connection of the process see it.
IN_MEMORY = "file:argmap-tests?mode=memory&cache=shared"


def migrations_key() -> str:
    """A hash of what the migrated database is made from: the content of every
    migration file of every installed app, the source of argmap's models (migrations
    use its field classes) and Django's version. Any change makes a new key, so the
    database is migrated again."""
    from argmap import models

    files = {Path(models.__file__)}
    for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values():
        files.add(Path(__import__(migration.__module__, fromlist=["_"]).__file__))
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(files):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def kept_copy() -> Path:
    """Where the migrated database for the current migrations is kept: in the system's
    temporary folder, so that every checkout with the same migrations shares it."""
    folder = Path(tempfile.gettempdir()) / "argmap-test-databases"
    folder.mkdir(exist_ok=True)
    return folder / f"sqlite-{migrations_key()}.sqlite3"


def load(copy: Path) -> sqlite3.Connection:
    """The in-memory test database, filled from `copy`. The connection returned keeps it
    alive (SQLite drops an in-memory database with its last connection): close it once
    the tests are done."""
    database = sqlite3.connect(IN_MEMORY, uri=True)
    with sqlite3.connect(copy) as source:
        source.backup(database)
    source.close()
    return database


def keep(connection, copy: Path) -> None:
    """Write the migrated test database of `connection` (a Django connection) to `copy`,
    through a file of its own, so that a process running beside this one never reads a
    half-written copy."""
    partial = copy.with_suffix(f".{os.getpid()}.partial")
    connection.ensure_connection()
    with sqlite3.connect(partial) as target:
        connection.connection.backup(target)
    target.close()
    os.replace(partial, copy)
