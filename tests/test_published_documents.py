"""A publication's big documents (issue 17): its map, its analysis and its exports are
written once after it is published, stored gzip-compressed, and streamed to the public:
the bytes served are the bytes stored, which are the bytes the endpoint built before."""

import gzip
import io
import math
import zlib

import orjson
import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from argmap.api import documents
from argmap.api.documents import store_documents
from argmap.interchange import FORMATS
from argmap.models import TEXT_CHUNK, Claim, CompressedTextField, Publication, PublicationDocument, TopicStatus
from argmap.published_documents import (
    ANALYSIS_PARTS,
    DECOMPRESSED_PIECE,
    MAP,
    _decompressed,
    accepts_gzip,
    export_name,
    stored_response,
)
from argmap.publishing import Edition, publish
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    LinkFactory,
    PositionFactory,
    ReviewerFactory,
    SalienceFactory,
    StakeholderFactory,
    StanceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

EDIT = "An edit nobody has reviewed yet."
NAMES = {MAP, *ANALYSIS_PARTS, *(export_name(format) for format in FORMATS)}


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with the API's anonymous allowance unspent."""
    caches["throttle"].clear()


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer")


@pytest.fixture
def published(reviewer, django_capture_on_commit_callbacks):
    """A topic published as version 1 (its documents written, as the worker does once the
    publication commits), then edited."""
    topic = TopicFactory(title="Deepen the partnership?", slug="partnership", status=TopicStatus.DRAFT)
    yes = PositionFactory(topic=topic, title="Yes: deepen it", order=1)
    lags = ClaimFactory(topic=topic, text="The UK lags in AI investment.")
    LinkFactory(claim=lags, target_position=yes)
    treasury = StakeholderFactory(name="HM Treasury", slug="treasury")
    StanceFactory(stakeholder=treasury, position=yes)
    SalienceFactory(stakeholder=treasury, topic=topic, power=5, interest=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publication = publish(topic, user=reviewer, note="First version")
    assert len(callbacks) == 1  # the documents' task, queued once the publication committed
    LinkFactory(claim=ClaimFactory(topic=topic, text=EDIT), target_position=yes, polarity="opposes")
    Claim.objects.filter(pk=lags.pk).update(text="Rewritten after publication.")
    topic.refresh_from_db()
    return {"topic": topic, "publication": publication}


def urls(topic) -> dict[str, str]:
    """Each document's address for the public, by the name it is stored under."""
    found = {
        MAP: reverse("api:topic-map", args=[topic.slug]),
        **{part: reverse(f"api:topic-{part}", args=[topic.slug]) for part in ANALYSIS_PARTS},
    }
    for format in FORMATS:
        found[export_name(format)] = reverse("api:topic-export", args=[topic.slug, format])
    return found


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(publication, name) -> PublicationDocument:
    return PublicationDocument.objects.get(publication=publication, name=name)


def test_publishing_writes_each_document_once(published):
    publication = published["publication"]
    documents = {d.name: d for d in publication.documents.all()}
    assert set(documents) == NAMES
    for document in documents.values():
        content = bytes(document.gzip)
        assert document.compressed_size == len(content)
        assert document.size == len(gzip.decompress(content))
        assert document.slug == "partnership"
    assert gzip.decompress(bytes(documents[MAP].gzip)) == publication.snapshot.encode()
    assert documents[export_name("csv")].filename == "partnership.csv.zip"
    # Keyed by the publication: written again, nothing changes.
    assert set(store_documents(publication.pk).values()) == {"kept"}
    assert PublicationDocument.objects.filter(publication=publication).count() == len(NAMES)


def test_the_documents_parse_the_snapshot_once_and_never_make_it_a_str(published, monkeypatch):
    """What bounds the memory of a big map's documents: its snapshot and analysis read as
    stored bytes (not decoded into a str) and each parsed once, the evaluation written from
    the analysis before the snapshot is parsed, one Edition for the other analysis parts,
    and each document built and written once."""
    publication = published["publication"]
    written = {name: gzip.decompress(bytes(stored(publication, name).gzip)) for name in NAMES}
    PublicationDocument.objects.all().delete()
    texts = {zlib.decompress(publication.stored(field)): field for field in ("snapshot", "analysis")}
    steps = []
    edition, parse, store = Edition.published.__func__, documents.orjson.loads, documents._store

    def counting_edition(cls, *args, **kwargs):
        steps.append("Edition")
        return edition(cls, *args, **kwargs)

    def counting_parse(value):
        steps.append(f"parse {texts.get(value, 'a row')}")
        return parse(value)

    def counting_store(publication, topic, document):
        steps.append(document.name)
        return store(publication, topic, document)

    def refuse(*args, **kwargs):
        raise AssertionError("the snapshot or the analysis made a str")

    monkeypatch.setattr(Edition, "published", classmethod(counting_edition))
    monkeypatch.setattr(documents.orjson, "loads", counting_parse)
    monkeypatch.setattr(documents, "_store", counting_store)
    monkeypatch.setattr(CompressedTextField, "from_db_value", refuse)
    assert store_documents(publication.pk) == dict.fromkeys(documents.NAMES, "stored")
    assert steps == [
        MAP,  # the stored snapshot decompressed as it is written, not parsed
        "parse analysis",
        "parse a row",  # the topic's published row, for the version the evaluation names
        "evaluation",
        "parse snapshot",  # once the evaluation (and most of the analysis) is let go
        "Edition",
        *(part for part in ANALYSIS_PARTS if part != "evaluation"),
        *(export_name(format) for format in FORMATS),
    ]
    monkeypatch.undo()
    for name in NAMES:  # the same bytes as written before
        assert gzip.decompress(bytes(stored(publication, name).gzip)) == written[name], name


def test_documents_all_stored_read_no_snapshot(published, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("read the snapshot")

    monkeypatch.setattr(Publication, "stored", refuse)
    assert store_documents(published["publication"].pk) == dict.fromkeys(documents.NAMES, "kept")


def test_only_the_missing_documents_are_built(published, monkeypatch):
    publication = published["publication"]
    publication.documents.filter(name__in=[MAP, export_name("csv")]).delete()

    def refuse(*args, **kwargs):
        raise AssertionError("an Edition for no analysis part")

    monkeypatch.setattr(Edition, "published", refuse)
    outcome = store_documents(publication.pk)
    assert {name for name, state in outcome.items() if state == "stored"} == {MAP, export_name("csv")}
    assert gzip.decompress(bytes(stored(publication, MAP).gzip)) == publication.snapshot.encode()


def test_the_evaluation_is_written_from_the_analysis_without_reading_the_snapshot(published, monkeypatch):
    publication = published["publication"]
    written = gzip.decompress(bytes(stored(publication, "evaluation").gzip))
    publication.documents.filter(name="evaluation").delete()
    read = Publication.stored

    def only_the_analysis(self, field):
        assert field == "analysis", "read the snapshot"
        return read(self, field)

    monkeypatch.setattr(Publication, "stored", only_the_analysis)
    outcome = store_documents(publication.pk)
    assert [name for name, state in outcome.items() if state == "stored"] == ["evaluation"]
    assert gzip.decompress(bytes(stored(publication, "evaluation").gzip)) == written


def test_a_stored_text_is_decompressed_in_bounded_pieces(published):
    publication = Publication.objects.without_documents().get(pk=published["publication"].pk)
    text = ('{"claims": [' + '{"id": 1, "text": "The same reason again, ünïcode."}, ' * 40_000 + "]}").encode()
    compressed = zlib.compress(text, CompressedTextField.LEVEL)
    pieces = list(CompressedTextField.text_chunks(compressed))
    assert b"".join(pieces) == text
    assert len(pieces) > 1
    assert max(len(piece) for piece in pieces) <= TEXT_CHUNK < len(text)
    assert zlib.decompress(publication.stored("snapshot")) == published["publication"].snapshot.encode()
    assert orjson.loads(zlib.decompress(publication.stored("analysis"))) == orjson.loads(
        published["publication"].analysis
    )


def test_the_bytes_served_are_the_bytes_stored_and_those_built_before(published):
    topic, publication = published["topic"], published["publication"]
    anonymous = APIClient()
    served = {}
    for name, url in urls(topic).items():
        response = anonymous.get(url)
        assert response.status_code == 200, name
        assert "Content-Encoding" not in response, name
        content = served[name] = body(response)  # (a stream is read once)
        assert content == gzip.decompress(bytes(stored(publication, name).gzip)), name
        assert response["Content-Length"] == str(len(content)), name
        assert "Accept-Encoding" in response["Vary"], name
    # Without the stored documents the endpoints build them per request: the same bytes.
    PublicationDocument.objects.all().delete()
    for name, url in urls(topic).items():
        assert body(anonymous.get(url)) == served[name], name
    assert all(EDIT.encode() not in content for content in served.values())


def test_a_client_that_accepts_gzip_gets_the_stored_bytes(published):
    topic, publication = published["topic"], published["publication"]
    anonymous = APIClient()
    for name, url in urls(topic).items():
        response = anonymous.get(url, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
        assert response.status_code == 200, name
        assert response["Content-Encoding"] == "gzip", name
        content = body(response)  # (a stream is read once)
        assert content == bytes(stored(publication, name).gzip), name
        assert response["Content-Length"] == str(stored(publication, name).compressed_size), name
        assert response["ETag"].startswith('W/"'), name  # not byte-for-byte the identity body
        identity = anonymous.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0")
        assert "Content-Encoding" not in identity, name
        assert identity["ETag"] == response["ETag"].removeprefix("W/"), name
        assert gzip.decompress(content) == body(identity), name
    download = anonymous.get(urls(topic)[export_name("argdown")], HTTP_ACCEPT_ENCODING="gzip")
    assert download["Content-Disposition"] == 'attachment; filename="partnership.argdown"'


def test_a_large_document_streams_from_one_query_whatever_its_chunks(published, settings, django_assert_num_queries):
    settings.PUBLISHED_DOCUMENT_CHUNK_BYTES = 100
    topic, publication = published["topic"], published["publication"]
    anonymous = APIClient()
    counts = set()
    for name in (MAP, "evaluation", export_name("json")):
        document = stored(publication, name)
        chunks = math.ceil(document.compressed_size / 100)
        assert chunks > 2
        counts.add(chunks)
        for encoding, expected in (("gzip", bytes(document.gzip)), ("", gzip.decompress(bytes(document.gzip)))):
            with django_assert_num_queries(2):  # the topic, then the document's chunks, its first one read
                response = anonymous.get(urls(topic)[name], HTTP_ACCEPT_ENCODING=encoding)
            assert isinstance(response, StreamingHttpResponse), name
            with django_assert_num_queries(0):  # the other chunks, fetched from the same query as they are sent
                content = b"".join(response.streaming_content)
            assert content == expected, (name, encoding)
    assert len(counts) > 1  # documents of different sizes: the same queries
    version = reverse("api:topic-publication-map", args=[topic.slug, 1])
    with django_assert_num_queries(3):  # the topic, the publication of that number, the document
        response = anonymous.get(version, HTTP_ACCEPT_ENCODING="gzip")
        content = b"".join(response.streaming_content)
    assert content == bytes(stored(publication, MAP).gzip)


def open_cursors() -> int | None:
    """The server-side cursors open in this session (PostgreSQL's pg_cursors); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


def test_a_stream_left_unread_closes_its_query(published, settings):
    settings.PUBLISHED_DOCUMENT_CHUNK_BYTES = 100
    topic, publication = published["topic"], published["publication"]
    before = open_cursors()
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = stored_response(request, publication.pk, MAP, topic.slug)
    first = next(iter(response.streaming_content))
    assert first == bytes(stored(publication, MAP).gzip)[:100]
    if before is not None:
        assert open_cursors() == before + 1  # the rest of the document, waiting in the server
    # As a server does when the client goes away (the request's end not closing the test's
    # connection, as the test client keeps it): the response, and its query, closed.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert open_cursors() == before
    with pytest.raises(Exception, match="closed"):
        next(iter(response.streaming_content))  # nothing more is read from a closed query


def test_a_document_within_one_chunk_costs_two_queries(published, django_assert_num_queries):
    topic = published["topic"]
    anonymous = APIClient()
    for name in (MAP, "evaluation", "coalitions", "gaps", "bridges"):
        with django_assert_num_queries(2):
            response = anonymous.get(urls(topic)[name])
        assert orjson.loads(response.content), name


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_if_none_match_is_a_304_without_reading_the_document(published, encoding, django_assert_num_queries):
    topic = published["topic"]
    anonymous = APIClient()
    for name, url in urls(topic).items():
        etag = anonymous.get(url, HTTP_ACCEPT_ENCODING=encoding)["ETag"]
        with django_assert_num_queries(1):
            again = anonymous.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING=encoding)
        assert again.status_code == 304, name
    version = reverse("api:topic-publication-map", args=[topic.slug, 1])
    first = anonymous.get(version, HTTP_ACCEPT_ENCODING=encoding)
    assert set(first["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    assert anonymous.get(version, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_next_publication_brings_the_edit_and_its_own_documents(published, reviewer):
    topic = published["topic"]
    anonymous = APIClient()
    for name, url in urls(topic).items():
        assert EDIT.encode() not in body(anonymous.get(url)), name
    second = publish(topic, user=reviewer)  # its documents not written yet: built per request
    assert not second.documents.exists()
    assert EDIT.encode() in body(anonymous.get(urls(topic)[MAP]))
    store_documents(second.pk)
    for name in (MAP, export_name("json"), export_name("argdown")):
        assert EDIT.encode() in body(anonymous.get(urls(topic)[name])), name
    # Version 1 keeps its own.
    first = anonymous.get(reverse("api:topic-publication-map", args=[topic.slug, 1]), HTTP_ACCEPT_ENCODING="gzip")
    assert body(first) == bytes(stored(published["publication"], MAP).gzip)


def test_editors_read_the_live_map_not_the_stored_documents(published):
    topic = published["topic"]
    editor = APIClient()
    editor.force_authenticate(EditorFactory(username="editor"))
    for name in (MAP, export_name("json")):
        response = editor.get(urls(topic)[name], HTTP_ACCEPT_ENCODING="gzip")
        assert "Content-Encoding" not in response, name
        assert EDIT.encode() in body(response), name
    evaluation = editor.get(urls(topic)["evaluation"], HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in evaluation
    assert len(orjson.loads(evaluation.content)["claims"]) == 2  # the new claim's too


def test_a_what_if_is_computed_not_read_from_the_stored_evaluation(published):
    topic, publication = published["topic"], published["publication"]
    anonymous = APIClient()
    url = urls(topic)["evaluation"]
    response = anonymous.get(url, {"basis": "stated"}, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert orjson.loads(response.content)["what_if"]["basis"] == "stated"
    assert response.content != gzip.decompress(bytes(stored(publication, "evaluation").gzip))


def test_a_draft_topics_documents_are_a_404(published):
    topic = published["topic"]
    topic.unpublish()
    topic.save()
    anonymous = APIClient()
    for name, url in urls(topic).items():
        assert anonymous.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == 404, name
    assert anonymous.get(reverse("api:topic-publication-map", args=[topic.slug, 1])).status_code == 404


def test_a_new_slug_is_not_served_the_documents_written_under_the_old_one(published):
    topic, publication = published["topic"], published["publication"]
    topic.slug = "ai-partnership"
    topic.save()
    anonymous = APIClient()
    download = anonymous.get(reverse("api:topic-export", args=["ai-partnership", "argdown"]))
    assert download["Content-Disposition"] == 'attachment; filename="ai-partnership.argdown"'
    evaluation = anonymous.get(reverse("api:topic-evaluation", args=["ai-partnership"]), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in evaluation
    assert orjson.loads(evaluation.content)["topic"] == "ai-partnership"
    # Written again under the new slug, they are served again.
    assert set(store_documents(publication.pk).values()) == {"stored"}
    again = anonymous.get(reverse("api:topic-evaluation", args=["ai-partnership"]), HTTP_ACCEPT_ENCODING="gzip")
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(body(again)) == evaluation.content


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("br, gzip;q=0.5", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0", False),
        ("gzip;q=x", False),
        ("identity", False),
        ("gzipped", False),
        ("", False),
    ],
)
def test_accepts_gzip(header, accepted):
    assert accepts_gzip(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)) is accepted


def test_the_public_analysis_of_a_publication_evaluates_nothing(published, monkeypatch):
    """Built again per request (its documents not written yet), a publication's analysis is
    read from what was stored with it: its bridges too (they once read the live map)."""
    topic, publication = published["topic"], published["publication"]
    PublicationDocument.objects.all().delete()

    def refuse(*args, **kwargs):
        raise AssertionError("evaluated at request time")

    monkeypatch.setattr("argmap.graph.ArgumentGraph.evaluate", refuse)
    monkeypatch.setattr("argmap.api.analysis.map_bridges", refuse)
    published_version = orjson.loads(publication.snapshot)["topic"]["version"]
    assert published_version != topic.version  # edited since
    anonymous = APIClient()
    for part in ANALYSIS_PARTS:
        response = anonymous.get(urls(topic)[part])
        assert response.status_code == 200, part
        assert orjson.loads(response.content)["version"] == published_version, part


def test_a_chunk_is_decompressed_in_bounded_pieces():
    """A chunk of JSON inflates tenfold or more: what a request holds stays bounded."""
    document = b'{"claims": [' + b'{"id": 1, "text": "The same reason again."}, ' * 40_000 + b"]}"
    compressed = gzip.compress(document)
    assert len(compressed) < DECOMPRESSED_PIECE < len(document)
    pieces = list(_decompressed([compressed[:100], compressed[100:]]))
    assert b"".join(pieces) == document
    assert len(pieces) > 10
    assert max(len(piece) for piece in pieces) <= DECOMPRESSED_PIECE


def test_a_command_writes_the_documents_of_publications_made_before_them(published, reviewer):
    topic, first = published["topic"], published["publication"]
    second = publish(topic, user=reviewer)  # (its commit callback not run: no documents)
    PublicationDocument.objects.all().delete()
    out = io.StringIO()
    call_command("write_publication_documents", stdout=out)
    assert not first.documents.exists()  # only the latest of each topic
    assert set(second.documents.values_list("name", flat=True)) == NAMES
    assert f"{len(NAMES)} written, 0 kept" in out.getvalue()
    call_command("write_publication_documents", "--all", stdout=out)
    assert set(first.documents.values_list("name", flat=True)) == NAMES
    with pytest.raises(CommandError, match="No published topic nowhere"):
        call_command("write_publication_documents", "nowhere")


def test_above_the_on_demand_size_a_what_if_is_a_422_and_the_analysis_as_published_is_served(published, settings):
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 0  # (the publication holds one claim)
    client, topic = APIClient(), published["topic"]
    url = reverse("api:topic-evaluation", args=[topic.slug])
    assert client.get(url).status_code == 200  # as stored once
    claim = Claim.objects.get(topic=topic, text="Rewritten after publication.")
    for params in ({"without_stakeholder": "treasury"}, {"lens": "treasury"}, {"reject": str(claim.pk)}):
        response = client.get(url, params)
        assert response.status_code == 422, params
        assert response.json()["detail"].startswith("This map has 1 claim: what-ifs")
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 1
    assert client.get(url, {"without_stakeholder": "treasury"}).status_code == 200


def test_above_the_on_demand_size_a_document_not_written_yet_is_a_503_to_retry(published, settings):
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 0
    PublicationDocument.objects.all().delete()
    client, topic = APIClient(), published["topic"]
    for part in ANALYSIS_PARTS:
        response = client.get(reverse(f"api:topic-{part}", args=[topic.slug]))
        assert response.status_code == 503, part
        assert response.headers["Retry-After"] == "60"
        assert "still being written" in response.json()["detail"]
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 1  # small enough: built for the request, as before
    assert client.get(reverse("api:topic-evaluation", args=[topic.slug])).status_code == 200


def test_above_the_on_demand_size_an_export_not_written_yet_is_a_503_and_a_live_one_a_422(published, settings):
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 0  # (the publication holds one claim)
    topic, client = published["topic"], APIClient()
    PublicationDocument.objects.all().delete()
    url = reverse("api:topic-export", args=[topic.slug, "json"])
    response = client.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    # An editor reads the live map, which has two claims now.
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 1
    client.force_authenticate(EditorFactory())
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "This map has 2 claims: a live map is exported on request for maps of up to 1 claims. "
        "Publish the topic (its exports are then written once), or run `manage.py export_map`."
    )
    settings.ANALYSIS_ON_DEMAND_MAX_CLAIMS = 2
    assert client.get(url).status_code == 200
