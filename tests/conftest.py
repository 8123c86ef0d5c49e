from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection

from tests.factories import EditorFactory, UserFactory

EDITORS_MIGRATION = import_module("argmap.migrations.0003_editors_group")
REVIEWERS_MIGRATION = import_module("argmap.migrations.0010_publications")


@pytest.fixture(autouse=True)
def editors_group(request):
    """A transactional test empties the database when it ends, the Editors and Reviewers
    groups that migrations 0003 and 0010 made included. Run alone, pytest-django puts those
    tests last; spread over processes (`make test-fast`, pytest-xdist) any test may follow
    one. So every test that uses the database finds the groups as the migrations left
    them: the migrations' own functions make them again."""
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return
    request.getfixturevalue("db")  # the test's own database fixture (transactional if it asks)
    if Group.objects.filter(name__in=["Editors", "Reviewers"]).count() != 2:
        schema_editor = SimpleNamespace(connection=connection)
        models_module = apps.get_app_config("argmap").models_module  # the migrations set it
        try:
            EDITORS_MIGRATION.create_editors_group(apps, schema_editor)
            REVIEWERS_MIGRATION.create_reviewers_group(apps, schema_editor)
        finally:
            apps.get_app_config("argmap").models_module = models_module


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def outsider_client(client, db):
    """Logged in as staff, but in no group: may not read or write anything in the admin."""
    client.force_login(UserFactory(username="outsider"))
    return client


@pytest.fixture
def on_postgresql():
    return connection.vendor == "postgresql"
