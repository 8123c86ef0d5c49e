import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test users' passwords are hashed with a fast hasher: PBKDF2 costs a quarter second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Anonymous requests are counted per address in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


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
