import pytest
from django.db import connection

from tests.factories import EditorFactory, UserFactory


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
