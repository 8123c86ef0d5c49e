"""Serving a publication's big documents (issue 17): its map (the API's map document), its
analysis as the API answers it (evaluation, coalitions, gaps, bridges) and its exports in
every format (interchange.FORMATS).

Once a publication commits, the worker writes each of them once (api/documents.py,
tasks.build_publication_documents) and keeps it gzip-compressed in the database
(models.PublicationDocument): exactly the bytes the endpoint would have built for the
public. A request then streams the stored bytes (`stored_response`) in
chunks of PUBLISHED_DOCUMENT_CHUNK_BYTES, the rows of one query fetched one at a time, so
that no worker holds a whole document: as they are, with `Content-Encoding: gzip`, to a client that
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
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from argmap.models import PublicationDocument, inflated

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


def _document_query(publication_id: int, name: str, slug: str, size: int) -> tuple[str, list]:
    """SQL and parameters: the stored document's description and its compressed bytes, one
    row per chunk of `size` bytes in order (the chunks numbered by a recursive query up to
    the document's size, each cut with substr(): only that chunk leaves the database in its
    row). No row if the document is not stored for `slug`."""
    table = PublicationDocument._meta.db_table
    found = f"{table}.publication_id = %s AND {table}.name = %s AND {table}.slug = %s"
    sql = f"""
        WITH RECURSIVE chunk(n) AS (
            SELECT CAST(0 AS BIGINT)
            UNION ALL
            SELECT n + 1 FROM chunk WHERE (n + 1) * %s < (SELECT compressed_size FROM {table} WHERE {found})
        )
        SELECT {table}.id, content_type, filename, size, compressed_size, substr(gzip, CAST(n * %s + 1 AS INTEGER), %s)
        FROM {table} CROSS JOIN chunk
        WHERE {found}
        ORDER BY n
    """  # noqa: S608 - names from the model
    where = [publication_id, name, slug]
    return sql, [size, *where, size, size, *where]


class StoredChunks:
    """A stored document's bytes as they are sent: the rows of one query (_document_query),
    fetched one at a time from a server-side cursor on PostgreSQL, so that the worker holds
    one chunk, never the document; decompressed as they go out if `decompress`. Closed (its
    cursor with it) when the response is, whether or not it was read to the end."""

    def __init__(self, cursor, head: bytes, *, decompress: bool):
        self.cursor = cursor
        self.head = head
        self.decompress = decompress

    def __iter__(self) -> Iterator[bytes]:
        chunks = self.compressed()
        return _decompressed(chunks) if self.decompress else chunks

    def compressed(self) -> Iterator[bytes]:
        yield self.head
        for row in iter(self.cursor.fetchone, None):
            yield bytes(row[-1])
        self.close()

    def close(self) -> None:
        self.cursor.close()


def _decompressed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks of a gzip file, decompressed as they come, in pieces of at most
    DECOMPRESSED_PIECE bytes (a chunk of JSON inflates tenfold or more)."""
    return inflated(chunks, 16 + zlib.MAX_WBITS, DECOMPRESSED_PIECE)


def stored_response(
    request: HttpRequest, publication_id: int, name: str, slug: str, *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse | None:
    """The stored document `name` of a publication as a response, or None if it is not
    stored for `slug` (the caller builds it then). One query, whatever the document's size:
    its first chunk read with its description, the others fetched from the same query as
    they are sent (StoredChunks). A document of one chunk goes out in one piece unless
    `stream` (downloads always stream, with their file name)."""
    size = _chunk_size()
    cursor = connections[router.db_for_read(PublicationDocument)].chunked_cursor()
    cursor.execute(*_document_query(publication_id, name, slug, size))
    first = cursor.fetchone()
    if first is None:
        cursor.close()
        return None
    found = dict(zip(("pk", "content_type", "filename", "size", "compressed_size"), first, strict=False))
    head = bytes(first[-1])
    whole = found["compressed_size"] <= len(head)
    gzipped = accepts_gzip(request)
    if whole and not stream and (gzipped or found["size"] <= size):
        cursor.close()
        response = HttpResponse(head if gzipped else gzip.decompress(head), content_type=found["content_type"])
    else:
        chunks = StoredChunks(cursor, head, decompress=not gzipped)
        response = StreamingHttpResponse(chunks, content_type=found["content_type"])
    if gzipped:
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(found["compressed_size"])
    else:
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
