"""Serving a publication's big documents (issue 17): its map (the API's map document), its
analysis as the API answers it (evaluation, coalitions, gaps, bridges) and its exports in
every format (interchange.FORMATS).

Once a publication commits, the worker writes each of them once (api/documents.py,
tasks.build_publication_documents) and keeps it gzip-compressed in the database
(models.PublicationDocument): exactly the bytes the endpoint would have built for the
public. A request then streams the stored bytes (`stored_response`) in
chunks of PUBLISHED_DOCUMENT_CHUNK_BYTES, read one at a time with substring(), so that no
worker holds a whole document: as they are, with `Content-Encoding: gzip`, to a client that
accepts gzip; decompressed as they go out otherwise. Until they are written (or if the
topic's slug changed since, which the documents name), the endpoints build the document
as before.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from argmap.models import PublicationDocument

MAP = "map"
ANALYSIS_PARTS = ("evaluation", "coalitions", "gaps", "bridges")
EXPORT = "export-"  # + a format's name
DECOMPRESSED_PIECE = 64 * 1024


def export_name(format: str) -> str:
    return f"{EXPORT}{format}"


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
