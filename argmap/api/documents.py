"""Writing a publication's big documents (issue 17), once, after it is published: its map,
its analysis as the API's endpoints answer it without a what-if, and its exports, each
gzip-compressed into models.PublicationDocument (argmap/published_documents.py serves them).

tasks.build_publication_documents runs `store_documents` once a publication commits (a
post_save of Publication, connected in argmap.apps): in the worker, or in the publishing
process when there is no broker.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import orjson
from django.db import IntegrityError, transaction

from argmap.api.analysis import READ_BY_OTHER_PARTS, published_analysis_document, published_evaluation_document
from argmap.interchange import FORMATS
from argmap.loading import MapColumns
from argmap.models import CompressedTextField, Publication, PublicationDocument, Topic
from argmap.published_documents import ANALYSIS_PARTS, MAP, export_name
from argmap.published_map import published_version
from argmap.publishing import Edition, publication_columns, publication_export, published_topic

NAMES = (MAP, *ANALYSIS_PARTS, *(export_name(format) for format in FORMATS))
EVALUATION = "evaluation"


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


def documents_of(publication: Publication, topic: Topic, names: Collection[str] = NAMES) -> Iterator[Document]:
    """The documents `names` of `publication` as the endpoints serve them to the public, with
    `topic` (its slug now) naming them, each written only when asked for.

    What they hold at once is one parse of the stored analysis or of the map, never both
    whole: the map document is the stored snapshot decompressed in chunks as it is written;
    the analysis is parsed if an analysis part is asked for, the evaluation written from it
    alone (the version it names read from the topic's published row), and all but what the
    other parts read of it (READ_BY_OTHER_PARTS) let go; only then is the snapshot parsed,
    once, for those parts and the exports, which do not read the analysis. Both are parsed
    from their stored bytes, never made a str."""
    if MAP in names:
        chunks = partial(CompressedTextField.text_chunks, publication.stored("snapshot"))
        yield Document(MAP, "application/json", chunks)
        del chunks  # (the stored snapshot: let go once written)
    parts = [part for part in ANALYSIS_PARTS if part in names]
    formats = [format for format in FORMATS if export_name(format) in names]
    if parts:
        analysis = orjson.loads(zlib.decompress(publication.stored("analysis")))
        if EVALUATION in parts:
            version = published_version(publication.pk)
            yield Document(EVALUATION, "application/json", partial(_evaluation_chunks, topic, version, analysis))
        analysis = {key: analysis[key] for key in READ_BY_OTHER_PARTS if key in analysis}
    others = [part for part in parts if part != EVALUATION]
    if not others and not formats:
        return
    document = orjson.loads(zlib.decompress(publication.stored("snapshot")))
    if others:
        edition = Edition.published(publication, topic, document=document, analysis=analysis)
        del analysis
        for part in others:
            yield Document(part, "application/json", partial(_analysis_chunks, part, topic, edition))
        del edition  # (and with it the analysis, once the last part written is let go)
    shown = published_topic(publication, document)
    shown.slug = topic.slug
    columns = publication_columns(document)
    del document  # (its rows: the columns hold their values)
    for format in formats:
        spec = FORMATS[format]
        write = partial(_export_chunks, shown, columns, format)
        yield Document(export_name(format), spec.content_type, write, f"{topic.slug}.{spec.extension}")


def _evaluation_chunks(topic: Topic, version: int, analysis: dict) -> Iterable[bytes]:
    return [published_evaluation_document(topic, version, analysis)]


def _analysis_chunks(part: str, topic: Topic, edition: Edition) -> Iterable[bytes]:
    return [published_analysis_document(part, topic, edition)]


def _export_chunks(shown: Topic, columns: MapColumns, format: str) -> Iterable[bytes]:
    return publication_export(shown, columns, format).content


def store_documents(publication_id: int) -> dict[str, str]:
    """Write the documents of a publication that are not stored yet for its topic's slug
    (any stored under an older slug are replaced). Run twice, it writes nothing more (and
    reads no snapshot). Returns what happened to each: "stored" or "kept"."""
    publication = Publication.objects.without_documents().select_related("topic").filter(pk=publication_id).first()
    if publication is None:
        return {}
    topic = publication.topic
    stored = dict(publication.documents.values_list("name", "slug"))
    outcome = {name: "kept" for name in NAMES if stored.get(name) == topic.slug}
    missing = [name for name in NAMES if name not in outcome]
    if missing:
        for document in documents_of(publication, topic, missing):
            outcome[document.name] = "stored" if _store(publication, topic, document) else "kept"
            del document  # what it was written from is let go before the next is made
    return {name: outcome[name] for name in NAMES}


def _store(publication: Publication, topic: Topic, document: Document) -> bool:
    """Write `document` compressed, in place of any stored under an older slug; False if
    another worker wrote it meanwhile (the same bytes). Its bytes are let go on return."""
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
    except IntegrityError:
        return False
    return True
