"""The test database the tests run on is migrated to the last migration, with the groups
the migrations make, whether it was migrated for this run or loaded from a copy kept by
an earlier one (tests/migrated.py), and whatever earlier runs' tests emptied."""

from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import migrated


def test_every_migration_is_applied(db):
    executor = MigrationExecutor(connection)
    assert executor.loader.applied_migrations
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_groups_made_by_migrations_are_there_with_their_permissions(migrated_groups):
    assert {"Editors", "Reviewers"} <= set(migrated_groups)
    assert all(migrated_groups[name] for name in ("Editors", "Reviewers"))


def test_a_changed_migration_names_another_copy(monkeypatch):
    """So a copy kept for older migrations is never loaded: they are migrated again."""
    unchanged = migrated.migrations_key()
    assert migrated.migrations_key() == unchanged
    read_bytes = Path.read_bytes

    def edited(path: Path) -> bytes:
        if path.name.startswith("0001_") and path.parent.name == "migrations" and path.parent.parent.name == "argmap":
            return read_bytes(path) + b"\n# an edit\n"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert migrated.migrations_key() != unchanged
