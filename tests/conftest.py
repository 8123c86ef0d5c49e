import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from tests.factories import EditorFactory, UserFactory


@pytest.fixture(autouse=True)
def editors_group(request):
    """A transactional test empties the database when it ends, the Editors group that
    migration 0003 made included. Run alone, pytest-django puts those tests last; spread
    over processes (`make test-fast`, pytest-xdist) any test may follow one. So every test
    that uses the database finds the group as the migration left it."""
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return
    request.getfixturevalue("db")  # the test's own database fixture (transactional if it asks)
    if not Group.objects.filter(name="Editors").exists():
        group = Group.objects.create(name="Editors")
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="argmap").exclude(
                content_type__model__startswith="historical", codename__regex=r"^(add|change|delete)_"
            )
        )


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
