"""API tokens are created and revoked in the admin: an editor manages their own token
only; superusers manage everyone's."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.resources import new_body
from tests.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:authtoken_tokenproxy_add")
CHANGELIST = reverse("admin:authtoken_tokenproxy_changelist")


def delete_url(user):
    return reverse("admin:authtoken_tokenproxy_delete", args=[user.pk])


def test_an_editor_creates_their_own_token_whoever_the_form_names(editor_client, editor):
    someone_else = EditorFactory(username="someone-else")
    response = editor_client.post(ADD, {"user": someone_else.pk})
    assert response.status_code == 302
    assert list(Token.objects.values_list("user__username", flat=True)) == ["editor"]
    assert Token.objects.get().key in editor_client.get(CHANGELIST).content.decode()


def test_an_editor_has_one_token_at_a_time(editor_client, editor):
    Token.objects.create(user=editor)
    response = editor_client.post(ADD, {})
    assert response.status_code == 200
    assert "You already have a token" in response.context["adminform"].form.non_field_errors()[0]
    assert Token.objects.count() == 1


def test_an_editor_neither_sees_nor_revokes_anyone_elses_token(editor_client):
    other = EditorFactory(username="other-editor")
    theirs = Token.objects.create(user=other)
    assert theirs.key not in editor_client.get(CHANGELIST).content.decode()
    assert editor_client.get(delete_url(other)).status_code == 302  # "doesn't exist": back to the index
    editor_client.post(delete_url(other), {"post": "yes"})
    assert Token.objects.filter(key=theirs.key).exists()


def test_an_editor_revokes_their_token_and_it_stops_working(editor_client, editor):
    token = Token.objects.create(user=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post(reverse("api:source-list"), new_body("source"), format="json").status_code == 201
    assert editor_client.post(delete_url(editor), {"post": "yes"}).status_code == 302
    assert not Token.objects.exists()
    response = api.post(reverse("api:source-list"), new_body("source"), format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_superuser_manages_other_peoples_tokens(client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    editor = EditorFactory(username="alice")
    assert client.post(ADD, {"user": editor.pk}).status_code == 302
    assert Token.objects.get().user == editor
    assert client.post(delete_url(editor), {"post": "yes"}).status_code == 302
    assert not Token.objects.exists()


def test_a_token_carries_no_more_power_than_its_user(db):
    token = Token.objects.create(user=UserFactory(username="reader"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api:topic-list")).status_code == 200
    assert api.post(reverse("api:source-list"), new_body("source"), format="json").status_code == 403


def test_anonymous_visitors_cannot_reach_the_tokens(client):
    assert client.get(CHANGELIST).status_code == 302
    assert client.post(ADD, {}).status_code == 302
    assert not Token.objects.exists()
