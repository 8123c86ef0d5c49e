"""CSV, for spreadsheets: a ZIP of four tables.

    claims.csv    ref, kind, text, base_score, summary, uid: the positions (P1, P2…)
                  then the claims (C1, C2…)
    links.csv     claim, polarity, target (refs), uid, and the two texts to read by
    stances.csv   the stakeholder × position stance matrix ("supports (stated)")
    topic.csv     field, value: the topic's slug, title, question and summary

A cell that starts with = + - @, a tab or a carriage return would be run as a formula
by a spreadsheet (CSV injection): it is written with an apostrophe before it (so is a
cell that starts with an apostrophe). The import takes one leading apostrophe away.

The import reads claims.csv and links.csv (and topic.csv if there is one) from such a
ZIP, or a single CSV file of claims. Editors can draft a map in a spreadsheet this way:
one sheet of claims with refs of their choosing, one of links between those refs.
Commas, semicolons or tabs may separate the columns.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import timezone
from pathlib import PurePosixPath
from typing import IO, Any

from argmap.interchange.files import LimitedReader, Progress, read_bytes, text_stream, too_large
from argmap.interchange.reading import IncomingMap, Unreadable
from argmap.loading import MapColumns, some_columns
from argmap.models import Topic

FORMULA_STARTS = frozenset("=+-@\t\r'")
CLAIMS = ("ref", "kind", "text", "base_score", "summary", "uid")
LINKS = ("claim", "polarity", "target", "uid", "claim_text", "target_text")
TOPIC = ("slug", "title", "question", "summary")
# Text tables deflate 3 to 10 times; a ZIP bomb, up to a thousand.
MAX_COMPRESSION_RATIO = 200
# What the writer reads of a map: positions, claims, links, stakeholders and what the
# stance matrix shows; no sources, citations, relationships or salience.
COLUMNS = some_columns(
    stances=("id", "stakeholder_id", "position_id", "stance", "basis"),
    sources=("id",),
    citations=("id",),
    relationships=("id",),
    salience=("id",),
)


def cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def table(rows: Iterable[Iterable[Any]]) -> io.BytesIO:
    """Rows as a CSV file (csv.writer's default dialect: CRLF line ends) in UTF-8 with a
    byte-order mark, which spreadsheets need to see UTF-8: encoded as they are written, so
    that the file is held once, as bytes (not also as text, then encoded)."""
    file = io.BytesIO()
    file.write(b"\xef\xbb\xbf")
    text = io.TextIOWrapper(file, encoding="utf-8", newline="")
    csv.writer(text).writerows(rows)
    return text.detach()  # (flushed)


def write(topic: Topic, columns: MapColumns) -> Iterator[bytes]:
    """The ZIP of CSV tables of `topic`, whose map is `columns` (one chunk).

    Only an editor's text can start like a formula: it goes through `cell`, once per text
    (a claim's text is in claims.csv and in every link of it). Refs, kinds, polarities,
    uids, slugs and scores are argmap's own and go to csv.writer as they are."""
    data = columns.data()
    positions = sorted(data.positions, key=lambda row: (row["order"], row["id"]))
    position_ref = {row["id"]: f"P{number}" for number, row in enumerate(positions, start=1)}
    claim_ref = {row["id"]: f"C{number}" for number, row in enumerate(data.claims, start=1)}
    position_text = {row["id"]: cell(row["title"]) for row in positions}
    claim_text = {row["id"]: cell(row["text"]) for row in data.claims}
    claims: list[tuple] = [CLAIMS]
    claims += [
        (position_ref[r["id"]], "position", position_text[r["id"]], "", cell(r["summary"]), r["uid"]) for r in positions
    ]
    claims += [(claim_ref[r["id"]], "claim", claim_text[r["id"]], r["base_score"], "", r["uid"]) for r in data.claims]
    links: list[tuple] = [LINKS]
    for row in data.links:
        claim, position, target = row["claim_id"], row["target_position_id"], row["target_claim_id"]
        target_ref = position_ref[position] if position else claim_ref[target]
        target_text = position_text[position] if position else claim_text[target]
        links.append((claim_ref[claim], row["polarity"], target_ref, row["uid"], claim_text[claim], target_text))
    held = {(row["stakeholder_id"], row["position_id"]): f"{row['stance']} ({row['basis']})" for row in data.stances}
    stances: list[tuple] = [("stakeholder", "slug", *(position_text[row["id"]] for row in positions))]
    stances += [
        (cell(row["name"]), row["slug"], *(held.get((row["id"], p["id"]), "") for p in positions))
        for row in sorted(data.stakeholders, key=lambda row: (row["name"], row["id"]))
    ]
    topic_table = [("field", "value"), *((name, cell(getattr(topic, name))) for name in TOPIC)]
    stamp = topic.changed_at.astimezone(timezone.utc).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in (("claims", claims), ("links", links), ("stances", stances), ("topic", topic_table)):
            # The fastest compression: most of the gain in size for a third of the default's time.
            file = zipfile.ZipInfo(f"{name}.csv", date_time=stamp)
            archive.writestr(file, table(rows).getbuffer(), zipfile.ZIP_DEFLATED, 1)
    return iter([buffer.getvalue()])


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def read(stream: IO[bytes], *, name: str, limit: int, progress: Progress | None = None) -> IncomingMap:
    """Claims and links from a ZIP of CSV tables (or claims from one CSV file)."""
    if not _seekable(stream):
        stream = io.BytesIO(read_bytes(stream, limit=limit, progress=progress))
    start = stream.tell()
    is_zip = stream.read(4) == b"PK\x03\x04"
    stream.seek(start)
    incoming = IncomingMap()
    if not is_zip:
        _read_claims(incoming, text_stream(stream, limit=limit, progress=progress, newline=""), name or "claims.csv")
        return incoming
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise Unreadable("", "not a readable ZIP archive") from None
    with archive:
        members = {PurePosixPath(info.filename).name: info for info in archive.infolist() if not info.is_dir()}
        if "claims.csv" not in members:
            raise Unreadable("", "the ZIP archive has no claims.csv")
        if sum(info.file_size for info in members.values()) > limit:
            raise too_large(limit)
        for file_name in ("topic.csv", "claims.csv", "links.csv"):
            if file_name in members:
                _check_member(members[file_name], file_name)

        def member(file_name: str) -> IO[str]:
            raw = LimitedReader(archive.open(members[file_name]), limit=limit, progress=progress)
            return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")

        try:
            if "topic.csv" in members:
                _read_topic(incoming, member("topic.csv"))
            refs = _read_claims(incoming, member("claims.csv"), "claims.csv")
            if "links.csv" in members:
                _read_links(incoming, member("links.csv"), refs)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
            raise Unreadable("", f"the ZIP archive is damaged ({error})") from None
    return incoming


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a member argmap cannot or should not read, before reading it."""
    if info.flag_bits & 0x1:
        raise Unreadable(name, "the file is encrypted in the ZIP archive; zip it again without a password")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Unreadable(
            name, f"compressed with a method argmap does not read (ZIP method {info.compress_type}); use Deflate"
        )
    # The size limit bounds what is unpacked; this refuses a ZIP bomb before any of it is.
    if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
        raise Unreadable(
            name,
            f"unpacks to {info.file_size:,} bytes from {info.compress_size:,}: more than "
            f"{MAX_COMPRESSION_RATIO} times smaller than its contents, which no table of claims is",
        )


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except AttributeError:
        return False


def _rows(
    incoming: IncomingMap, text: IO[str], name: str, needed: tuple[str, ...]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row by column name) for each non-empty row; the separator is sniffed from the header."""
    try:
        header_line = text.readline()
        delimiter = max((",", ";", "\t"), key=header_line.count)
        header = [uncell(column).strip().lower() for column in next(csv.reader([header_line], delimiter=delimiter), [])]
        missing = [column for column in needed if column not in header]
        if missing:
            incoming.problem(
                f"{name} row 1", f"the header needs the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            )
            return
        for number, values in enumerate(csv.reader(text, delimiter=delimiter), start=2):
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header):
                incoming.problem(f"{name} row {number}", f"{len(values)} cells for {len(header)} columns")
                continue
            yield f"{name} row {number}", {column: uncell(value) for column, value in zip(header, values, strict=False)}
    except UnicodeDecodeError:
        raise Unreadable(name, "the file is not UTF-8 text") from None
    except csv.Error as error:
        raise Unreadable(name, f"not valid CSV: {error}") from None


def _read_topic(incoming: IncomingMap, text: IO[str]) -> None:
    incoming.topic_where = "topic.csv"
    for _where, row in _rows(incoming, text, "topic.csv", ("field", "value")):
        if row.get("field") in TOPIC:
            incoming.topic[row["field"]] = row.get("value", "")


def _read_claims(incoming: IncomingMap, text: IO[str], name: str) -> dict[str, tuple[str, str]]:
    """The positions and claims; returns {ref: (kind, uid)} for the links."""
    refs: dict[str, tuple[str, str]] = {}
    first: dict[str, str] = {}
    order = 0
    for where, row in _rows(incoming, text, name, ("ref", "text")):
        ref, kind = row["ref"].strip(), (row.get("kind") or "claim").strip().lower()
        if not ref:
            incoming.problem(where, "ref: may not be empty (links refer to rows by it)")
            continue
        if ref in first:
            incoming.problem(where, f"ref: “{ref}” is already the ref of {first[ref]}")
            continue
        first[ref] = where
        uid = row.get("uid", "").strip() or str(uuid.uuid4())
        if kind == "position":
            refs[ref] = ("position", uid)
            incoming.add(
                "positions",
                {"uid": uid, "title": row["text"], "summary": row.get("summary", ""), "order": order},
                where,
            )
            order += 1
        elif kind == "claim":
            refs[ref] = ("claim", uid)
            score = row.get("base_score", "").strip()
            incoming.add(
                "claims", {"uid": uid, "text": row["text"], "base_score": _number(score) if score else 0.5}, where
            )
        else:
            incoming.problem(where, f"kind: must be position or claim, not “{kind[:40]}”")
    return refs


def _read_links(incoming: IncomingMap, text: IO[str], refs: dict[str, tuple[str, str]]) -> None:
    for where, row in _rows(incoming, text, "links.csv", ("claim", "polarity", "target")):
        claim, target = row["claim"].strip(), row["target"].strip()
        unknown = [
            f"{column}: no row “{ref}” in claims.csv"
            for column, ref in (("claim", claim), ("target", target))
            if ref not in refs
        ]
        if unknown:
            incoming.problem(where, "; ".join(unknown))
            continue
        if refs[claim][0] == "position":
            incoming.problem(where, f"claim: “{claim}” is a position, which cannot support or oppose")
            continue
        kind, uid = refs[target]
        link = {
            "uid": row.get("uid", "").strip() or None,
            "claim": refs[claim][1],
            "target_position": None,
            "target_claim": None,
        }
        link[f"target_{kind}"] = uid
        incoming.add("links", {**link, "polarity": row["polarity"].strip().lower()}, where)


def _number(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value
