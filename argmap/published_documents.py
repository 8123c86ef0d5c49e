"""A publication's big documents, written once and streamed (issue 17): its map (the API's
map document), its analysis as the API answers it (evaluation, coalitions, gaps, bridges)
and its exports in every format (interchange.FORMATS).

After a topic is published (publishing.publish, on commit), the worker writes each of them
once (`store_documents`, tasks.build_publication_documents) and keeps it gzip-compressed
in the database (models.PublicationDocument): exactly the bytes the endpoint would have
built for the public. A request then streams the stored bytes (`stored_response`) in
chunks of PUBLISHED_DOCUMENT_CHUNK_BYTES, read one at a time with substring(), so that no
worker holds a whole document: as they are, with `Content-Encoding: gzip`, to a client that
accepts gzip; decompressed as they go out otherwise. Until they are written (or if the
topic's slug changed since, which the documents name), the endpoints build the document
as before.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from argmap.models import Publication, PublicationDocument, Topic

logger = logging.getLogger("argmap.published_documents")

MAP = "map"
ANALYSIS_PARTS = ("evaluation", "coalitions", "gaps", "bridges")
EXPORT = "export-"  # + a format's name
DECOMPRESSED_PIECE = 64 * 1024


def export_name(format: str) -> str:
    return f"{EXPORT}{format}"


# ---------------------------------------------------------------------------
# Writing, once per publication
# ---------------------------------------------------------------------------


@dataclass
class Document:
    name: str
    content_type: str
    write: Callable[[], Iterable[bytes]]  # its chunks, written when called
    filename: str = ""


def compress(chunks: Iterable[bytes]) -> tuple[bytes, int]:
    """The chunks gzip-compressed (the gzip file format, as HTTP's gzip coding is), and their
    uncompressed size. The compressed bytes are held, not the document."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts), size


def documents_of(publication: Publication, topic: Topic) -> Iterator[Document]:
    """Every document of `publication` as the endpoints serve them to the public, with
    `topic` (its slug now) naming them; each written only when asked for."""
    # (these modules import the views' and the models' world: read here, when it is whole)
    from argmap.api.analysis import published_analysis_document
    from argmap.interchange import FORMATS
    from argmap.publishing import Edition, publication_export, published_document

    @cache
    def edition() -> Edition:
        return Edition.published(publication, topic)

    @cache
    def document() -> dict:
        return published_document(publication)

    def analysis(part: str) -> Callable[[], Iterable[bytes]]:
        return lambda: [published_analysis_document(part, topic, edition())]

    def export(format: str) -> Callable[[], Iterable[bytes]]:
        return lambda: publication_export(edition().topic, document(), format).content

    yield Document(MAP, "application/json", lambda: [publication.snapshot.encode()])
    for part in ANALYSIS_PARTS:
        yield Document(part, "application/json", analysis(part))
    for format, spec in FORMATS.items():
        yield Document(export_name(format), spec.content_type, export(format), f"{topic.slug}.{spec.extension}")


def store_documents(publication_id: int) -> dict[str, str]:
    """Write the documents of a publication that are not stored yet for its topic's slug
    (any stored under an older slug are replaced). Run twice, it writes nothing more.
    Returns what happened to each: "stored" or "kept"."""
    publication = Publication.objects.select_related("topic").filter(pk=publication_id).first()
    if publication is None:
        return {}
    topic = publication.topic
    stored = dict(publication.documents.values_list("name", "slug"))
    outcome = {}
    for document in documents_of(publication, topic):
        if stored.get(document.name) == topic.slug:
            outcome[document.name] = "kept"
            continue
        content, size = compress(document.write())
        try:
            with transaction.atomic():
                publication.documents.filter(name=document.name).delete()
                PublicationDocument.objects.create(
                    publication=publication,
                    name=document.name,
                    slug=topic.slug,
                    content_type=document.content_type,
                    filename=document.filename,
                    size=size,
                    compressed_size=len(content),
                    gzip=content,
                )
        except IntegrityError:  # another worker wrote it meanwhile: the same bytes
            outcome[document.name] = "kept"
            continue
        outcome[document.name] = "stored"
    return outcome


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------

GZIP = re.compile(r"^\s*(x-)?gzip\s*(;\s*q\s*=\s*(?P<q>[0-9.]+))?\s*$", re.IGNORECASE)


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client's Accept-Encoding takes gzip (and not with q=0)."""
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        match = GZIP.match(coding)
        if match:
            try:
                return match["q"] is None or float(match["q"]) > 0
            except ValueError:
                return False
    return False


def _chunk_size() -> int:
    return max(1, settings.PUBLISHED_DOCUMENT_CHUNK_BYTES)


def _compressed_chunks(document_id: int, head: bytes, total: int) -> Iterator[bytes]:
    """The stored bytes in chunks: the first as read with the document, each next one read
    with its own query (substring of the column: only that chunk leaves the database)."""
    yield head
    size = _chunk_size()
    offset = len(head)
    while offset < total:
        part = (
            PublicationDocument.objects.filter(pk=document_id)
            .annotate(part=Substr("gzip", offset + 1, size))
            .values_list("part", flat=True)
            .get()
        )
        part = bytes(part)
        if not part:  # (the row cannot change; never loop on a short read)
            return
        offset += len(part)
        yield part


def _decompressed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks of a gzip file, decompressed as they come, in pieces of at most
    DECOMPRESSED_PIECE bytes (a chunk of JSON inflates tenfold or more)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = chunk
        while data:
            out = decompressor.decompress(data, DECOMPRESSED_PIECE)
            if out:
                yield out
            data = decompressor.unconsumed_tail
    rest = decompressor.flush()
    if rest:
        yield rest


def stored_response(
    request: HttpRequest, publication_id: int, name: str, slug: str, *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse | None:
    """The stored document `name` of a publication as a response, or None if it is not
    stored for `slug` (the caller builds it then). One query for a document within one
    chunk, one more per further chunk as it is sent. A document of one chunk goes out in
    one piece unless `stream` (downloads always stream, with their file name)."""
    size = _chunk_size()
    found = (
        PublicationDocument.objects.filter(publication_id=publication_id, name=name, slug=slug)
        .annotate(head=Substr("gzip", 1, size))
        .values("pk", "content_type", "filename", "size", "compressed_size", "head")
        .first()
    )
    if found is None:
        return None
    head = bytes(found["head"])
    whole = found["compressed_size"] <= len(head)
    if accepts_gzip(request):
        if whole and not stream:
            response = HttpResponse(head, content_type=found["content_type"])
        else:
            chunks = _compressed_chunks(found["pk"], head, found["compressed_size"])
            response = StreamingHttpResponse(chunks, content_type=found["content_type"])
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(found["compressed_size"])
    else:
        if whole and not stream and found["size"] <= size:
            response = HttpResponse(gzip.decompress(head), content_type=found["content_type"])
        else:
            chunks = _compressed_chunks(found["pk"], head, found["compressed_size"])
            response = StreamingHttpResponse(_decompressed(chunks), content_type=found["content_type"])
        response["Content-Length"] = str(found["size"])
    patch_vary_headers(response, ["Accept-Encoding"])
    if found["filename"]:
        response["Content-Disposition"] = content_disposition_header(True, found["filename"])
    return response


def weak_if_encoded(response: HttpResponse | StreamingHttpResponse) -> None:
    """A gzip-coded body is not byte-for-byte the identity one: its ETag is weak (as
    Django's GZipMiddleware makes it), which If-None-Match still matches."""
    etag = response.headers.get("ETag")
    if etag and response.headers.get("Content-Encoding") == "gzip" and not etag.startswith("W/"):
        response.headers["ETag"] = f"W/{etag}"


def build_documents_later(publication_id: int) -> Callable[[], None]:
    """What publish() runs once its transaction commits: the task that writes the documents.
    A broker that cannot be reached costs their head start (the endpoints build them
    meanwhile), never the publication (logged)."""

    def queue() -> None:
        from argmap.tasks import build_publication_documents

        try:
            build_publication_documents.apply_async((publication_id,), retry=False)
        except Exception:
            logger.warning("Could not queue the documents of publication %s", publication_id, exc_info=True)

    return queue
