"""The admin's import page: an editor uploads a file, sees what a dry run would create
or every problem with its place in the file, and confirms to import it, recorded in
history as that editor. Only those who may add every kind of map object get there; the
form is CSRF-protected; a file over the limit is refused before its body is read."""

import os
import re
import time
from unittest import mock

import orjson
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from argmap.interchange import admin as import_admin
from argmap.models import Claim, Link, Topic
from argmap.synthetic import generate_map
from tests.factories import CitationFactory, EditorFactory, LinkFactory, StanceFactory, UserFactory
from tests.interchange import database_unchanged, empty_the_database, exported

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/argmap/topic/import/"


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "staged"
    return settings.IMPORT_STAGING_DIR


@pytest.fixture
def document() -> bytes:
    """A small map exported as argmap JSON, for a database that does not have it yet."""
    link = LinkFactory(claim__topic__slug="small-map")
    LinkFactory(claim__topic=link.claim.topic, target_position=None, target_claim=link.claim)
    CitationFactory(claim=link.claim)
    StanceFactory(position=link.target_position)
    content = exported(link.claim.topic)
    empty_the_database()
    return content


def preview(client, content: bytes, format: str = "json", name: str = "map.json", **fields):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), "format": format, **fields})


def staged_token(response) -> str:
    return response.context["staged"]


def test_the_topic_list_links_to_the_import_page_for_those_who_may_import(editor_client, client):
    assert 'href="/admin/argmap/topic/import/"' in editor_client.get("/admin/argmap/topic/").content.decode()
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(reader)
    assert client.get("/admin/argmap/topic/").status_code == 200
    assert "/admin/argmap/topic/import/" not in client.get("/admin/argmap/topic/").content.decode()
    assert client.get(IMPORT_URL).status_code == 403


def test_only_topics_are_not_enough_an_import_adds_every_kind_of_object(client, document):
    user = UserFactory(username="topics-only")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_topic", "view_topic"]))
    client.force_login(user)
    with database_unchanged():
        assert client.get(IMPORT_URL).status_code == 403
        assert preview(client, document).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_page_offers_a_file_and_its_format(editor_client):
    page = editor_client.get(IMPORT_URL).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="file"' in page
    for format in ["json", "aif", "argdown", "graphml", "csv"]:
        assert f'value="{format}"' in page
    assert "csrfmiddlewaretoken" in page


def test_a_preview_shows_what_would_be_created_and_writes_nothing(editor_client, document, staging_dir):
    with database_unchanged():
        response = preview(editor_client, document)
    assert response.status_code == 200
    page = response.content.decode()
    assert "map.json: would import “small-map”: 1 position, 2 claims, 2 links" in page
    counts = dict(re.findall(r'<tr><th scope="row">([A-Z][a-z ]+)</th><td>(\d+)</td>', page))
    assert counts == {
        "Positions": "1",
        "Claims": "2",
        "Links": "2",
        "Stakeholders": "1",
        "Stances": "1",
        "Sources": "2",
        "Citations": "1",
        "Relationships": "0",
        "Salience estimates": "0",
    }
    assert 'name="staged"' in page
    assert "Import “small-map”" in page
    assert len(list(staging_dir.iterdir())) == 1  # the file, waiting for its confirmation


def test_confirming_imports_the_map_recorded_as_the_editor(editor_client, editor, document, staging_dir):
    token = staged_token(preview(editor_client, document))
    response = editor_client.post(IMPORT_URL, {"staged": token})
    topic = Topic.objects.get(slug="small-map")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:argmap_topic_change", args=[topic.pk])
    assert Claim.objects.filter(topic=topic).count() == 2
    records = [*Topic.history.filter(id=topic.pk), *Claim.history.filter(topic_id=topic.pk)]
    assert {(record.history_type, record.history_user) for record in records} == {("+", editor)}
    assert list(staging_dir.iterdir()) == []  # the staged file is gone
    followed = editor_client.get(response["Location"])
    assert "imported “small-map”" in followed.content.decode()
    again = editor_client.post(IMPORT_URL, {"staged": token})  # a second confirmation imports nothing
    assert again.status_code == 400
    assert "This preview has expired (or was already imported)" in again.content.decode()
    assert Topic.objects.filter(slug="small-map").count() == 1


def test_every_problem_is_listed_with_its_row_and_nothing_is_written(editor_client, staging_dir):
    claims = b"ref,kind,text\nP1,position,Yes\nC1,claim,=1+1 is fine\nC2,claim,a\x00b\nC3,thing,Odd\nC1,claim,Again\n"
    with database_unchanged():
        response = preview(editor_client, claims, "csv", name="draft.csv")
    assert response.status_code == 400
    page = response.content.decode()
    problems = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert problems == [  # in the order of the file
        ("draft.csv row 4", "text: contains a NUL character"),
        ("draft.csv row 5", "kind: must be position or claim, not “thing”"),
        ("draft.csv row 6", "ref: “C1” is already the ref of draft.csv row 3"),
    ]
    assert "draft.csv: 3 problems; nothing was imported." in page
    assert 'name="staged"' not in page
    assert not staging_dir.exists() or list(staging_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "format", "expected"),
    [
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><graphml/>', "graphml", "declares a DTD or entities"),
        (b'{"format": "argmap-export/1", "topic": {', "json", "not valid JSON"),
        (b"[A]: caf\xe9", "argdown", "the file is not UTF-8 text"),
    ],
)
def test_broken_and_hostile_files_are_problems_not_errors(editor_client, content, format, expected):
    with database_unchanged():
        response = preview(editor_client, content, format)
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_a_preview_can_be_confirmed_by_its_editor_only_and_not_forever(editor_client, document):
    token = staged_token(preview(editor_client, document))
    another = Client()
    another.force_login(EditorFactory(username="another-editor"))
    with database_unchanged():
        assert another.post(IMPORT_URL, {"staged": token}).status_code == 400
        assert editor_client.post(IMPORT_URL, {"staged": token[:-2] + "xx"}).status_code == 400
        with mock.patch.object(import_admin, "STAGED_FOR", -1):
            assert editor_client.post(IMPORT_URL, {"staged": token}).status_code == 400
    assert editor_client.post(IMPORT_URL, {"staged": token}).status_code == 302


def test_files_left_unconfirmed_are_removed_when_another_is_staged(editor_client, document, staging_dir):
    staging_dir.mkdir(parents=True)
    forgotten, recent = staging_dir / "forgotten.upload", staging_dir / "recent.upload"
    forgotten.write_bytes(b"{}")
    recent.write_bytes(b"{}")
    two_hours_ago = time.time() - 7200
    os.utime(forgotten, (two_hours_ago, two_hours_ago))
    assert preview(editor_client, document).status_code == 200
    assert not forgotten.exists()
    assert recent.exists()


def test_a_staging_folder_that_is_a_link_elsewhere_is_refused(editor_client, document, settings, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    settings.IMPORT_STAGING_DIR = tmp_path / "link"
    with pytest.raises(ImproperlyConfigured, match="must be a folder of this server's own user"):
        preview(editor_client, document)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_the_form_is_csrf_protected(editor, document, staging_dir):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    with database_unchanged():
        response = preview(client, document)
    assert response.status_code == 403
    assert not staging_dir.exists()
    page = client.get(IMPORT_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert preview(client, document, csrfmiddlewaretoken=token).status_code == 200


def test_a_file_over_the_limit_is_a_form_error(editor_client, settings, document):
    settings.IMPORT_UPLOAD_MAX_BYTES = len(document) - 1
    with database_unchanged():
        response = preview(editor_client, document)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        f"The file is larger than the import limit of {len(document) - 1:,} bytes."
    ]


def test_a_request_over_the_limit_is_refused_before_its_body_is_read(editor_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    with mock.patch("django.http.request.HttpRequest._load_post_and_files") as load:
        response = editor_client.post(
            IMPORT_URL, b"x" * 200_000, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=200_000
        )
    assert response.status_code == 413
    assert "The file is larger than the import limit of 1,000 bytes." in response.content.decode()
    assert not load.called


def test_a_second_import_of_the_same_map_says_how_to_import_a_copy(editor_client, document):
    editor_client.post(IMPORT_URL, {"staged": staged_token(preview(editor_client, document))})
    with database_unchanged():
        response = preview(editor_client, document)
    assert response.status_code == 400
    assert "small-map" in response.content.decode()
    copy = preview(editor_client, document, slug="small-map-copy", new_uids="on")
    assert copy.status_code == 200
    editor_client.post(IMPORT_URL, {"staged": staged_token(copy)})
    assert Link.objects.filter(claim__topic__slug="small-map-copy").count() == 2


# Queries: every admin page starts with the session, the user and the user's permissions
# (3). The import page then asks nothing; a preview asks what the dry run asks: whether
# the topic's slug is taken, then which of the map's stakeholders, sources and
# relationships the database already has (checking.check: one query per part, whatever
# the number of rows; a copy's own parts have new uids, which need no look-up).
PAGE = 3
PREVIEW = PAGE + 1 + 3


@pytest.mark.parametrize("claims", [20, 300])
def test_the_import_page_and_a_preview_take_constant_queries(django_assert_num_queries, editor_client, claims):
    content = orjson.loads(exported(generate_map(claims=claims, seed=1, slug="sized").topic))
    content["topic"]["slug"] = "sized-copy"
    with django_assert_num_queries(PAGE):
        editor_client.get(IMPORT_URL)
    with django_assert_num_queries(PREVIEW):
        response = preview(editor_client, orjson.dumps(content), new_uids="on")
    assert response.status_code == 200, response.context["report"].problems[:3]
