"""create_editor: an editor account; the demo one only where DEBUG is on."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_the_demo_editor_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo is for local development only"):
        call_command("create_editor", "--demo")
    with pytest.raises(CommandError, match="--demo is for local development only"):
        call_command("create_editor", "--demo", "--password", "something-else")
    assert not User.objects.filter(username="editor").exists()


def test_the_demo_editor_is_made_when_debug_is_on(settings, capsys):
    settings.DEBUG = True
    call_command("create_editor", "--demo")
    user = User.objects.get(username="editor")
    assert user.is_staff
    assert user.groups.filter(name="Editors").exists()
    assert "Editor: editor / password: argmap-demo-editor" in capsys.readouterr().out


def test_an_editor_with_a_password_is_made_whatever_debug_is(settings):
    settings.DEBUG = False
    call_command("create_editor", "--username", "alice", "--password", "a long passphrase")
    assert User.objects.get(username="alice").check_password("a long passphrase")
