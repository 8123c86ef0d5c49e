"""Writing a publication's big documents (issue 17), once, after it is published: its map,
its analysis as the API's endpoints answer it without a what-if, and its exports, each
gzip-compressed into models.PublicationDocument (argmap/published_documents.py serves them).

tasks.build_publication_documents runs `store_documents` once a publication commits (a
post_save of Publication, connected in argmap.apps): in the worker, or in the publishing
process when there is no broker.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, transaction

from argmap.api.analysis import published_analysis_document
from argmap.interchange import FORMATS
from argmap.models import Publication, PublicationDocument, Topic
from argmap.published_documents import ANALYSIS_PARTS, MAP, export_name
from argmap.publishing import Edition, publication_export, published_document


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
