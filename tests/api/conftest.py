import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Anonymous requests are counted per address in the cache: each test starts afresh."""
    cache.clear()
    caches["throttle"].clear()
    yield
    cache.clear()
    caches["throttle"].clear()


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def editor_token(editor):
    return Token.objects.create(user=editor)


@pytest.fixture
def editor_api(editor_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token.key}")
    return client


@pytest.fixture
def outsider_api(db):
    """Authenticated with a token, but in no group: may read what the public reads, nothing more."""
    token = Token.objects.create(user=UserFactory(username="outsider"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def restore_editors_group(transactional_db):
    """Transactional tests empty the database when they end, the Editors group that a
    migration made included: a transactional test that needs it makes it again (as
    migration 0003 does) when it starts."""
    group, _ = Group.objects.get_or_create(name="Editors")
    permissions = Permission.objects.filter(content_type__app_label="argmap").exclude(
        content_type__model__startswith="historical", codename__regex=r"^(add|change|delete)_"
    )
    group.permissions.set(permissions)
