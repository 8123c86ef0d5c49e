"""Maps in and out: one module per format (native JSON, AIF, Argdown, GraphML, CSV), and
one entry point per direction, which the commands, the API and the admin wrap:

    export_map(topic, "aif") -> Export(content_type, filename, content)
    import_map(file, "aif", user=editor, dry_run=True) -> ImportReport

An export reads the topic's map in one query (loading.py), whatever its size (and one
more per level of "part of" above stakeholders' parents, which no file may leave out).
An import goes in three stages: it reads the file once (files.py and the format's
reader, which hand on a reading.IncomingMap), checks every rule of DOMAIN.md and reports
every problem with its line, node or row (checking.py); it writes nothing unless the
whole file is valid, and then all of it in one transaction, recorded in history as the
importing user (saving.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

import orjson
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import DataError, IntegrityError
from django.urls import reverse
from django.utils.text import slugify

from argmap.interchange import aif, argdown, graphml, native
from argmap.interchange import csv as csv_format
from argmap.interchange.checking import check
from argmap.interchange.document import MODELS, PARTS, PLURAL, SHARED_PARTS, SINGULAR, load_complete_map
from argmap.interchange.files import Progress
from argmap.interchange.reading import IncomingMap, Problem, Unreadable
from argmap.interchange.saving import save
from argmap.loading import MAP_COLUMNS, MapColumns, MapData
from argmap.models import Topic

__all__ = [
    "FORMATS",
    "IMPORT_PERMISSIONS",
    "Download",
    "Export",
    "Format",
    "cached_export",
    "keep_export",
    "ImportReport",
    "Problem",
    "downloads",
    "export_map",
    "import_map",
    "may_import",
    "too_large_message",
    "upload_too_large",
]


@dataclass(frozen=True)
class Format:
    """A format's name (as in --format and URLs), its label, its content type, its file
    extension, its writer (topic and its map, as read by document.load_complete_map ->
    chunks of bytes) and its reader (binary file -> IncomingMap, called with the
    keywords name, limit and progress); for the topic page's download links, what kind
    of file it is, who reads it, and its size for each byte of the map's rows as JSON
    (measured on the demo and synthetic maps, within a quarter either way); and the
    columns of the map its writer reads (all of them unless it writes less)."""

    name: str
    label: str
    content_type: str
    extension: str
    write: Callable[[Topic, MapColumns], Iterator[bytes]]
    read: Callable[..., IncomingMap]
    kind: str
    use: str
    size_ratio: float
    columns: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=lambda: MAP_COLUMNS)


FORMATS: dict[str, Format] = {
    spec.name: spec
    for spec in [
        Format(
            "json", "argmap JSON", "application/json", "json", native.write, native.read,
            kind="JSON", use="lossless: imports back into argmap", size_ratio=1.17,
        ),
        Format(
            "aif", "AIF (AIFdb JSON)", "application/json", "aif.json", aif.write, aif.read,
            kind="JSON", use="for AIFdb, OVA, arguebuf", size_ratio=1.45,
        ),
        Format(
            "argdown", "Argdown", "text/plain; charset=utf-8", "argdown", argdown.write, argdown.read,
            kind="text", use="for the Argdown tools", size_ratio=0.45, columns=argdown.COLUMNS,
        ),
        Format(
            "graphml", "GraphML", "application/graphml+xml", "graphml", graphml.write, graphml.read,
            kind="XML", use="for networkx, yEd, Gephi", size_ratio=1.5, columns=graphml.COLUMNS,
        ),
        Format(
            "csv", "CSV (ZIP of tables)", "application/zip", "csv.zip", csv_format.write, csv_format.read,
            kind="ZIP of CSV files", use="claims, links, stances: for spreadsheets", size_ratio=0.25,
            columns=csv_format.COLUMNS,
        ),
    ]
}  # fmt: skip


@dataclass(frozen=True)
class Export:
    """An exported map: its content as chunks of bytes, ready for a file or a streaming response."""

    content_type: str
    filename: str
    content: Iterator[bytes]


def export_map(topic: Topic, format: str) -> Export:
    """`topic` in `format` (a key of FORMATS). The map is read here, in one query;
    the content is produced as it is consumed."""
    spec = FORMATS[format]
    chunks = spec.write(topic, load_complete_map(topic, spec.columns))
    return Export(spec.content_type, f"{topic.slug}.{spec.extension}", chunks)


def cached_export(topic: Topic, format: str, *, before_reading: Callable[[], object] = lambda: None) -> Export:
    """`export_map`, kept in the "exports" cache for this version of the topic's map: downloads after
    the first cost no query and no writing until the map changes (any change gives the
    topic a new version, and so a new key). An export larger than EXPORT_CACHE_MAX_BYTES
    is streamed as it is written, and not kept. `before_reading` is called before the map
    is read (the API refuses there a map too large to read for a request)."""
    key = topic.cache_key("export", format)
    content = caches["exports"].get(key)
    if content is not None:
        spec = FORMATS[format]
        return Export(spec.content_type, f"{topic.slug}.{spec.extension}", iter([content]))
    before_reading()
    exported = export_map(topic, format)
    return Export(exported.content_type, exported.filename, _kept(key, exported.content))


def keep_export(topic: Topic, format: str) -> str:
    """Put `topic` in `format` into the "exports" cache for its version, as a download
    would, unless it is there already: "kept", "cached" (there already) or "not kept"
    (over EXPORT_CACHE_MAX_BYTES, or the cache failed: written on each download)."""
    key = topic.cache_key("export", format)
    if caches["exports"].has_key(key):
        return "cached"
    for _ in _kept(key, export_map(topic, format).content):
        pass
    return "kept" if caches["exports"].has_key(key) else "not kept"


def _kept(key: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, passed on as they come and, once they all came, kept under `key` if
    they are within EXPORT_CACHE_MAX_BYTES (a download abandoned midway keeps nothing)."""
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= settings.EXPORT_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        caches["exports"].set(key, b"".join(kept))


@dataclass(frozen=True)
class Download:
    """A link to an export of a topic, as the topic page offers it."""

    format: Format
    url: str
    media_type: str
    size_hint: str  # "about 40 KB"


UID_BYTES = len('"uid":"00000000-0000-0000-0000-000000000000",')


def downloads(topic: Topic, data: MapData, map_bytes: int | None = None) -> list[Download]:
    """Each export of `topic`, whose map is `data`, with a hint of its size: estimated
    from the size of the map's rows as JSON (a few milliseconds at 10,000 claims, where
    writing every format would take a hundred), or from `map_bytes`, its document's size."""
    if map_bytes is not None:
        return _downloads(topic, map_bytes)
    map_bytes = 0
    for part in PARTS:
        rows = getattr(data, part)
        map_bytes += len(orjson.dumps(rows))
        if rows and "uid" in MAP_COLUMNS[part][1] and "uid" not in rows[0]:
            map_bytes += UID_BYTES * len(rows)  # read without uids (loading.PAGE_COLUMNS): count them back
    return _downloads(topic, map_bytes)


def _downloads(topic: Topic, map_bytes: int) -> list[Download]:
    return [
        Download(
            format=spec,
            url=reverse("api:topic-export", args=[topic.slug, spec.name]),
            media_type=spec.content_type.split(";")[0],
            size_hint=about_size(round(map_bytes * spec.size_ratio)),
        )
        for spec in FORMATS.values()
    ]


def about_size(size: int) -> str:
    """An estimated size in words, to two significant figures: "about 1.2 MB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            decimals = 1 - math.floor(math.log10(value))
            return f"about {round(value, decimals):,.{max(decimals, 0)}f} {unit}"
    return "under 1 KB"


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do), or every problem that stopped it."""

    format: str
    name: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)
    slug: str | None = None
    topic: Topic | None = None  # the new topic, once imported

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: what was imported, or how many problems stopped it."""
        name = self.name or "the file"
        if self.problems:
            count = len(self.problems)
            return f"{name}: {count:,} problem{'s' if count > 1 else ''}; nothing was imported."
        counted = []
        for part in PARTS:
            number = self.created.get(part, 0)
            if part in SHARED_PARTS and self.reused.get(part):
                counted.append(f"{number:,} {_plural(part, number)} (+{self.reused[part]:,} reused)")
            elif number or part in ("positions", "claims", "links"):
                counted.append(f"{number:,} {_plural(part, number)}")
        verb = "would import" if self.dry_run else "imported"
        return f"{name}: {verb} “{self.slug}”: {', '.join(counted)}."


# An import writes every kind of map object: whoever imports needs the permission to add each.
IMPORT_PERMISSIONS: tuple[str, ...] = tuple(
    f"argmap.add_{model._meta.model_name}" for model in (Topic, *(MODELS[part] for part in PARTS))
)


def may_import(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether `user` may import maps (the Editors group may)."""
    return user is not None and user.is_authenticated and user.has_perms(IMPORT_PERMISSIONS)


# What a multipart request holds besides the file itself: its framing and the other fields.
MULTIPART_ALLOWANCE = 64 * 1024


def upload_too_large(content_length: object) -> bool:
    """Whether a request whose Content-Length header says `content_length` carries more
    than a file within IMPORT_UPLOAD_MAX_BYTES could: the API and the admin refuse it
    before they read its body."""
    length = str(content_length or "0")
    return length.isdigit() and int(length) > settings.IMPORT_UPLOAD_MAX_BYTES + MULTIPART_ALLOWANCE


def too_large_message() -> str:
    return f"The file is larger than the import limit of {settings.IMPORT_UPLOAD_MAX_BYTES:,} bytes."


def _plural(part: str, number: int) -> str:
    return SINGULAR[part] if number == 1 else PLURAL[part]


def import_map(
    file: IO[bytes],
    format: str,
    *,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    name: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    question: str | None = None,
    new_uids: bool = False,
    limit: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the map in `file` (a binary file object) as a new topic.

    The file's topic fields can be overridden (`slug`, `title`, `question`); those it
    lacks default to its name. `new_uids` imports a copy of a map the database already
    has. A file larger than `limit` bytes (IMPORT_MAX_BYTES by default) is refused. On a
    dry run, or when there is any problem, nothing is written.
    """
    spec = FORMATS[format]
    name = name if name is not None else PurePath(getattr(file, "name", "") or "").name
    report = ImportReport(format=format, name=name, dry_run=dry_run)
    try:
        limit = settings.IMPORT_MAX_BYTES if limit is None else limit
        incoming = spec.read(file, name=name, limit=limit, progress=progress)
    except Unreadable as error:
        report.problems.append(error.problem)
        return report
    _topic_defaults(incoming, name=name, slug=slug, title=title, question=question)
    if progress:
        progress("checking", 0, 1)
    plan, problems = check(incoming, new_uids=new_uids)
    report.slug = incoming.topic.get("slug") if isinstance(incoming.topic, dict) else None
    if plan is None:
        report.problems = problems
        report.notes = incoming.notes
        return report
    report.notes, report.created, report.reused = plan.notes, plan.created(), plan.reused()
    if progress:
        progress("checking", 1, 1)
    if dry_run:
        return report
    saving = (lambda done, total: progress("saving", done, total)) if progress else None
    try:
        report.topic = save(plan, user=user, reason=f"imported from {name or 'a file'} ({format})", progress=saving)
    except (IntegrityError, DataError) as error:
        # Checked first, so only a concurrent write gets here; the transaction is rolled back.
        report.problems.append(Problem("", f"the database refused the map, nothing was imported: {error}"))
    return report


def _topic_defaults(
    incoming: IncomingMap, *, name: str, slug: str | None, title: str | None, question: str | None
) -> None:
    topic = incoming.topic
    if not isinstance(topic, dict):
        return  # the check reports it
    stem = PurePath(name).name.split(".")[0] if name else ""
    overrides = {"slug": slug, "title": title, "question": question}
    topic.update({key: value for key, value in overrides.items() if value})
    topic.setdefault("title", stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Imported map")
    topic.setdefault("slug", slugify(topic["title"] if isinstance(topic["title"], str) else "")[:100] or "imported-map")
    topic.setdefault("question", topic["title"])
