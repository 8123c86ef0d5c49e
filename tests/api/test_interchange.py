"""Maps in and out through the API: every format downloads as a file, under the same
visibility rules as the rest of the API, with conditional GET; editors upload a file to
import it, a dry run by default, and get back the report (what was or would be created,
every problem with its place in the file); hostile files leave the database as it was."""

import io
import zipfile
from unittest import mock

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from argmap.interchange import FORMATS
from argmap.models import Claim, Link, Topic, TopicStatus
from argmap.synthetic import generate_map
from tests.factories import CitationFactory, ClaimFactory, LinkFactory, StanceFactory, TopicFactory
from tests.interchange import argument, database_unchanged, empty_the_database, exported, statements
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db


def export_url(topic, format):
    return reverse("api:topic-export", args=[topic.slug, format])


def downloaded(response) -> bytes:
    assert response.streaming, "an export is streamed"
    return b"".join(response.streaming_content)


def readable(content: bytes, format: str) -> bytes:
    """An export as bytes to search in: the CSV tables out of their ZIP."""
    if format != "csv":
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


# Exports


@pytest.mark.parametrize(
    ("format", "content_type", "filename"),
    [
        ("json", "application/json", "partnership.json"),
        ("aif", "application/json", "partnership.aif.json"),
        ("argdown", "text/plain; charset=utf-8", "partnership.argdown"),
        ("graphml", "application/graphml+xml", "partnership.graphml"),
        ("csv", "application/zip", "partnership.csv.zip"),
    ],
)
def test_each_format_downloads_as_a_file_with_its_type_and_name(anonymous, format, content_type, filename):
    topic = generate_map(claims=12, seed=1, slug="partnership", publish=True).topic
    response = anonymous.get(export_url(topic, format))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    topic.refresh_from_db()
    assert downloaded(response) == exported(topic, format)


def test_a_drafts_export_is_a_404_to_the_public_and_a_private_download_for_editors(anonymous, editor_api):
    draft = LinkFactory(claim__topic__status=TopicStatus.DRAFT).claim.topic
    for format in FORMATS:
        response = anonymous.get(export_url(draft, format))
        assert response.status_code == 404
        assert response.json() == {"detail": "No Topic matches the given query."}
    response = editor_api.get(export_url(draft, "aif"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    # The editor's download is now in the cache: the public still gets a 404, not the file.
    assert anonymous.get(export_url(draft, "aif")).status_code == 404
    published = ClaimFactory().topic
    cache_control = anonymous.get(export_url(published, "aif"))["Cache-Control"]
    assert cache_control == "public, max-age=60, s-maxage=300, stale-while-revalidate=600"


def test_an_unknown_format_is_a_json_404_naming_the_formats(anonymous):
    topic = ClaimFactory().topic
    response = anonymous.get(f"/api/v1/topics/{topic.slug}/export/pdf/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No export format “pdf”: the formats are json, aif, argdown, graphml, csv."}
    # .json is the only format suffix the API answers (see test_errors): csv.zip is no address.
    assert anonymous.get(f"/api/v1/topics/{topic.slug}/export/csv.json").status_code == 200
    assert anonymous.get(f"/api/v1/topics/{topic.slug}/export/csv.zip").status_code == 404


def test_a_download_is_the_file_whatever_the_client_accepts(anonymous):
    topic = ClaimFactory().topic
    for accept in ["application/zip", "text/html", "application/xml", "image/png"]:
        response = anonymous.get(export_url(topic, "csv"), headers={"Accept": accept})
        assert response.status_code == 200, accept
        assert zipfile.ZipFile(io.BytesIO(downloaded(response))).namelist()
    assert anonymous.get(export_url(topic, "argdown"), {"format": "json"}).status_code == 200


def test_an_export_answers_304_until_the_map_changes(anonymous):
    claim = ClaimFactory()
    url = export_url(claim.topic, "graphml")
    first = anonymous.get(url)
    claim.topic.refresh_from_db()
    assert first["ETag"] == claim.topic.etag
    assert first["Last-Modified"]
    unchanged = anonymous.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert anonymous.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    claim.text = "Changed"
    claim.save()
    changed = anonymous.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert b"Changed" in downloaded(changed)


# Query budgets: anonymous, the topic (get_object), then its claims counted up to
# ANALYSIS_ON_DEMAND_MAX_CLAIMS (small enough to read for a request?) and its whole map
# (loading.load_map), which the next downloads of the same version of the map find in the
# cache; with a token two more, the token with its user and the user's permissions.
EXPORT, CACHED, TOKEN = 3, 1, 2


@pytest.mark.parametrize("claims", [20, 300])
@pytest.mark.parametrize("format", list(FORMATS))
def test_an_export_takes_constant_queries(django_assert_num_queries, anonymous, editor_api, claims, format):
    topic = generate_map(claims=claims, seed=claims, slug="sized", publish=True).topic
    with django_assert_num_queries(EXPORT):
        first = downloaded(anonymous.get(export_url(topic, format)))
    with django_assert_num_queries(CACHED + TOKEN):
        assert downloaded(editor_api.get(export_url(topic, format))) == first
    Claim.objects.filter(pk=Claim.objects.filter(topic=topic).first().pk).update(text="A new version of the map")
    with django_assert_num_queries(EXPORT + TOKEN):
        assert b"A new version of the map" in readable(downloaded(editor_api.get(export_url(topic, format))), format)


@pytest.mark.parametrize("format", list(FORMATS))
def test_a_download_is_kept_per_version_of_the_map_and_follows_every_change(
    django_assert_num_queries, anonymous, format
):
    stance = StanceFactory(stakeholder__name="Before the rename", position__topic__status=TopicStatus.PUBLISHED)
    url = export_url(stance.position.topic, format)
    first = downloaded(anonymous.get(url))
    with django_assert_num_queries(CACHED):
        assert downloaded(anonymous.get(url)) == first
    # Stakeholders are shared by every map: a rename is a new version of each.
    stance.stakeholder.name = "After the rename"
    stance.stakeholder.save()
    with django_assert_num_queries(EXPORT):
        renamed = readable(downloaded(anonymous.get(url)), format)
    assert b"Before the rename" in readable(first, format)
    assert b"After the rename" in renamed
    assert b"Before the rename" not in renamed


def test_a_download_larger_than_the_cache_allows_is_written_anew_each_time(
    django_assert_num_queries, anonymous, settings
):
    topic = generate_map(claims=50, seed=2, slug="sized", publish=True).topic
    settings.EXPORT_CACHE_MAX_BYTES = 1000
    first = downloaded(anonymous.get(export_url(topic, "json")))
    assert len(first) > 1000
    with django_assert_num_queries(EXPORT):
        assert downloaded(anonymous.get(export_url(topic, "json"))) == first


def test_a_conditional_get_of_an_export_costs_one_query(django_assert_num_queries, anonymous):
    topic = generate_map(claims=20, seed=1, slug="sized", publish=True).topic
    etag = anonymous.get(export_url(topic, "aif"))["ETag"]
    with django_assert_num_queries(1):  # the topic; the map is not read
        assert anonymous.get(export_url(topic, "aif"), headers={"If-None-Match": etag}).status_code == 304


# Imports


def upload(content: bytes, name: str = "map.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def post_import(client, content: bytes, format: str = "json", name: str = "map.json", **fields):
    body = {"file": upload(content, name), "format": format, **fields}
    return client.post(reverse("api:import-list"), body, format="multipart")


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


def test_a_dry_run_is_the_default_and_says_what_would_be_created_writing_nothing(editor_api, document):
    with database_unchanged():
        response = post_import(editor_api, document)
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["dry_run"] is True
    assert report["slug"] == "small-map"
    assert report["topic"] is None
    assert report["problems"] == []
    assert report["created"] == {
        "positions": 1,
        "claims": 2,
        "links": 2,
        "stakeholders": 1,
        "stances": 1,
        "sources": 2,
        "citations": 1,
        "relationships": 0,
        "salience": 0,
    }
    assert report["summary"].startswith("map.json: would import “small-map”: 1 position, 2 claims, 2 links")


def test_an_import_creates_the_topic_recorded_in_history_as_the_importing_editor(editor_api, editor, document):
    response = post_import(editor_api, document, dry_run="false")
    assert response.status_code == 201
    report = response.json()
    topic = Topic.objects.get(slug="small-map")
    assert response["Location"] == f"http://testserver/api/v1/topics/{topic.slug}/"
    assert report["topic"] == {
        "slug": "small-map",
        "url": "http://testserver/api/v1/topics/small-map/",
        "page": "http://testserver/topics/small-map/",
    }
    assert Claim.objects.filter(topic=topic).count() == 2
    for records in (
        Topic.history.filter(id=topic.pk),
        Claim.history.filter(topic_id=topic.pk),
        Link.history.filter(claim__topic_id=topic.pk),
    ):
        assert records.exists()
        assert {(record.history_type, record.history_user) for record in records} == {("+", editor)}
    assert Claim.history.first().history_change_reason == "imported from map.json (json)"


def test_what_an_export_holds_comes_back_through_the_api_as_a_copy(editor_api):
    topic = generate_map(claims=15, seed=3, slug="original", publish=True).topic
    for format in ["json", "aif", "argdown"]:
        content = downloaded(editor_api.get(export_url(topic, format)))
        slug = f"copy-{format}"
        response = post_import(
            editor_api, content, format, name=f"original.{format}", slug=slug, new_uids="true", dry_run="false"
        )
        assert response.status_code == 201, response.json()["problems"][:3]
        copy = Topic.objects.get(slug=slug)
        assert statements(copy) == statements(topic)
        assert argument(copy) == argument(topic)


def test_a_file_with_problems_is_a_400_listing_each_with_its_place_and_nothing_is_written(editor_api, document):
    broken = orjson.loads(document)
    broken["claims"][0]["text"] = "a\x00b"
    broken["sources"][0]["url"] = "javascript:alert(1)"
    with database_unchanged():
        response = post_import(editor_api, orjson.dumps(broken), dry_run="false")
    assert response.status_code == 400
    report = response.json()
    assert report["ok"] is False
    assert report["topic"] is None
    assert report["problems"] == [
        {"where": "claims[0]", "message": "text: contains a NUL character"},
        {"where": "sources[0]", "message": "url: must be an http:// or https:// address, not “javascript:alert(1)”"},
    ]
    assert report["summary"] == "map.json: 2 problems; nothing was imported."


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="n1"><data key="text">&lol2;</data></node></graph></graphml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph><node id="n1"><data key="text">&secret;</data></node>
</graph></graphml>"""


@pytest.mark.parametrize(
    ("content", "format", "name", "where", "message"),
    [
        (b'{"format": "argmap-export/1", "topic": {', "json", "map.json", "line 1, column 41", "not valid JSON"),
        (b"[" * 5000, "json", "deep.json", "line 1, column 1026", "not valid JSON: depth limit exceeded"),
        (b"<graphml/>", "json", "wrong.json", "line 1, column 1", "not valid JSON"),
        (b'{"nodes": [], "edges": []}', "json", "aif.json", "format", "expected “argmap-export/1”"),
        (b"[]", "aif", "map.aif.json", "", "an AIF file is a JSON object with “nodes” and “edges” lists"),
        (BILLION_LAUGHS, "graphml", "lol.graphml", "", "declares a DTD or entities, which argmap refuses"),
        (EXTERNAL_ENTITY, "graphml", "secret.graphml", "", "declares a DTD or entities, which argmap refuses"),
        (b"<graphml><graph>", "graphml", "cut.graphml", "line 1, column 16", "not well-formed XML"),
        (b"[A]: caf\xe9 au lait", "argdown", "latin1.argdown", "line 1", "the file is not UTF-8 text"),
        (b"PK\x03\x04 not really a zip", "csv", "map.csv.zip", "", "not a readable ZIP archive"),
        (b"ref,text\nC1,a\x00b\n", "csv", "claims.csv", "claims.csv row 2", "text: contains a NUL character"),
    ],
    ids=[
        "cut-json",
        "deep-json",
        "xml-as-json",
        "aif-as-json",
        "not-aif",
        "billion-laughs",
        "external-entity",
        "cut-xml",
        "not-utf8",
        "not-zip",
        "nul-in-csv",
    ],
)
def test_hostile_or_broken_files_are_400s_naming_where_and_the_database_is_unchanged(
    editor_api, content, format, name, where, message
):
    ClaimFactory()  # something the database has, which must stay as it is
    with database_unchanged():
        response = post_import(editor_api, content, format, name=name, dry_run="false")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any(problem["where"] == where and message in problem["message"] for problem in problems), problems


def test_a_javascript_address_in_an_aif_locution_never_becomes_a_link(editor_api):
    aif = {
        "nodes": [
            {"nodeID": "1", "text": "Taxes should rise.", "type": "I"},
            {"nodeID": "2", "text": "Ann: taxes should rise", "type": "L"},
            {"nodeID": "3", "text": "Asserting", "type": "YA"},
        ],
        "edges": [{"edgeID": "1", "fromID": "2", "toID": "3"}, {"edgeID": "2", "fromID": "3", "toID": "1"}],
        "participants": [{"participantID": "1", "firstname": "Ann", "surname": ""}],
        "locutions": [{"nodeID": "2", "personID": "1", "source": "javascript:alert(document.cookie)"}],
    }
    response = post_import(editor_api, orjson.dumps(aif), "aif", name="dialogue.json", dry_run="false")
    assert response.status_code == 201
    # Not an http(s) address: the text is kept as the source's title, and its URL is empty.
    stance = Topic.objects.get(slug=response.json()["slug"]).claims.get().stances.get()
    assert stance.source.url == ""
    assert stance.source.title == "javascript:alert(document.cookie)"


def test_a_file_larger_than_the_limit_is_a_413_and_nothing_is_written(editor_api, settings, document):
    settings.IMPORT_UPLOAD_MAX_BYTES = len(document) - 1
    with database_unchanged():
        response = post_import(editor_api, document, dry_run="false")
    assert response.status_code == 413
    assert response.json() == {"detail": f"The file is larger than the import limit of {len(document) - 1:,} bytes."}


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(editor_api, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    body = b"x" * 100_000
    with mock.patch("rest_framework.parsers.MultiPartParser.parse") as parse:
        response = editor_api.post(
            reverse("api:import-list"), body, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=len(body)
        )
    assert response.status_code == 413
    assert not parse.called


def test_missing_fields_and_an_unknown_format_are_400s_naming_the_field(editor_api, document):
    response = editor_api.post(reverse("api:import-list"), {"format": "json"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}
    response = post_import(editor_api, document, format="pdf")
    assert response.status_code == 400
    assert response.json() == {"format": ['"pdf" is not a valid choice.']}


def test_a_json_body_is_a_415(editor_api):
    response = editor_api.post(reverse("api:import-list"), {"file": "{}", "format": "json"}, format="json")
    assert response.status_code == 415


def test_a_file_name_with_control_characters_is_stored_without_them(editor_api, editor, document):
    response = post_import(editor_api, document, name="evil\x00\x1b[31m.json", dry_run="false")
    assert response.status_code == 201
    assert "\x00" not in response.json()["file"]
    assert (
        Claim.history.filter(history_user=editor).first().history_change_reason == "imported from evil[31m.json (json)"
    )


def test_anonymous_clients_and_users_outside_the_editors_group_may_not_import(anonymous, outsider_api, document):
    with database_unchanged():
        anonymous_response = post_import(anonymous, document, dry_run="false")
        outsider_response = post_import(outsider_api, document, dry_run="false")
    assert anonymous_response.status_code == 401
    assert anonymous_response.json() == {"detail": "Authentication credentials were not provided."}
    assert outsider_response.status_code == 403
    assert "permission to add topics" in outsider_response.json()["detail"]


def test_imports_are_rate_limited_per_editor(editor_api, document):
    with mock.patch.dict(ScopedRateThrottle.THROTTLE_RATES, {"import": "2/minute"}):
        statuses = [post_import(editor_api, document).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_an_import_of_an_existing_slug_is_a_400_that_names_it(editor_api):
    TopicFactory(slug="taken")
    content = orjson.dumps({"format": "argmap-export/1", "topic": {"slug": "taken", "title": "T", "question": "Q?"}})
    response = post_import(editor_api, content, dry_run="false")
    assert response.status_code == 400
    assert any("taken" in problem["message"] for problem in response.json()["problems"])


def test_the_schema_documents_the_export_and_the_import(anonymous):
    paths = anonymous.get("/api/schema/", {"format": "json"}).json()["paths"]
    export = paths["/api/v1/topics/{slug}/export/{file_format}/"]["get"]
    assert set(export["responses"]["200"]["content"]) == {
        "application/json",
        "text/plain",
        "application/graphml+xml",
        "application/zip",
    }
    assert {"304", "404", "429"} <= set(export["responses"])
    parameters = {parameter["name"]: parameter for parameter in export["parameters"]}
    assert set(parameters["file_format"]["schema"]["enum"]) == set(FORMATS)
    assert "If-None-Match" in parameters
    imports = paths["/api/v1/imports/"]["post"]
    assert set(imports["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"200", "201", "400", "401", "403", "413", "415", "429"} <= set(imports["responses"])


# Query budget of a dry run: the token with its user and the user's permissions (TOKEN),
# then what the checks ask: whether the slug is taken, and which of the map's stakeholders,
# sources and relationships the database already has (one query per part, whatever the
# number of rows; a copy's own parts have new uids, which need no look-up).
DRY_RUN = TOKEN + 1 + 3


@pytest.mark.parametrize("claims", [20, 300])
def test_a_dry_run_takes_constant_queries(django_assert_num_queries, editor_api, claims):
    content = orjson.loads(exported(generate_map(claims=claims, seed=1, slug="sized").topic))
    content["topic"]["slug"] = "sized-copy"
    with django_assert_num_queries(DRY_RUN):
        response = post_import(editor_api, orjson.dumps(content), new_uids="true")
    assert response.status_code == 200, response.json()["problems"][:3]
    assert response.json()["created"]["claims"] == claims


# Settings


def test_a_bad_import_rate_is_refused_not_guessed():
    result = run_manage("check", API_IMPORT_RATE="lots")
    assert result.returncode != 0
    assert "API_IMPORT_RATE must look like 60/hour, not 'lots'" in result.stderr


def test_the_upload_limit_is_never_above_the_import_limit():
    code = "from django.conf import settings; print(settings.IMPORT_UPLOAD_MAX_BYTES)"
    result = run_manage("shell", "-v", "0", "-c", code, IMPORT_MAX_BYTES="1000", IMPORT_UPLOAD_MAX_BYTES="5000")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1000"
