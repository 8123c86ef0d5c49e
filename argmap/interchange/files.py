"""Reading an imported file: within the size limit, once, reporting progress as it goes.

A file is read as it streams: line by line for text, event by event for XML (iterparse)
and for JSON (ijson), so that memory holds what the file describes, not the file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson
import orjson

from argmap.interchange.reading import Unreadable

Progress = Callable[[str, int, int], None]  # (stage, done, total)
CHUNK = 1 << 20


def size_of(stream: IO[bytes]) -> int:
    """The size of `stream` in bytes if it can tell, else 0 (progress then shows no total)."""
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
        return end - here
    except (AttributeError, OSError, io.UnsupportedOperation):
        return 0


def too_large(limit: int) -> Unreadable:
    return Unreadable("", f"the file is larger than the import limit of {limit:,} bytes (setting IMPORT_MAX_BYTES)")


class LimitedReader(io.RawIOBase):
    """A binary stream that stops at `limit` bytes and reports how far it has read."""

    def __init__(self, raw: IO[bytes], *, limit: int, progress: Progress | None = None) -> None:
        super().__init__()
        self.raw, self.limit, self.progress = raw, limit, progress
        self.total = size_of(raw)
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(min(len(buffer), self.limit + 1 - self.done) or 1)
        count = len(data)
        buffer[:count] = data
        self.done += count
        if self.done > self.limit:
            raise too_large(self.limit)
        if self.progress and count:
            self.progress("reading", self.done, max(self.total, self.done))
        return count


def read_bytes(stream: IO[bytes], *, limit: int, progress: Progress | None = None) -> bytearray:
    """The whole file in one buffer (for parsers that need all of it, like JSON's)."""
    reader = LimitedReader(stream, limit=limit, progress=progress)
    data = bytearray()
    while chunk := reader.read(CHUNK):
        data += chunk
    return data


def read_json(stream: IO[bytes], *, limit: int, progress: Progress | None = None) -> Any:
    """The JSON value in `stream`, parsed as it streams (ijson): the file is never held
    whole, only the value it makes. A file that is not JSON, or nests arrays and objects
    deeper than MAX_DEPTH, is Unreadable, with its line and column."""
    reader = LimitedReader(stream, limit=limit, progress=progress)
    start = _position(stream)
    try:
        return _build(ijson.basic_parse(io.BufferedReader(reader, CHUNK), use_float=True))
    except (ijson.JSONError, TooDeep, UnicodeDecodeError) as error:
        raise _not_json(stream, start, reader, error) from None


MAX_DEPTH = 1024  # as orjson, and far deeper than any map: each level costs only memory here


SHORT = 20  # characters: choices, dates, short slugs (not uids, 36)
SHARED_VALUES = 10_000


class TooDeep(ValueError):
    pass


def _build(events: Iterator[tuple[str, Any]]) -> Any:
    """The value that ijson's events describe, built without recursion (so that no depth
    can exhaust the stack) and refused past MAX_DEPTH."""
    containers: list[Any] = []
    key: str | None = None
    value: Any = None
    # One string per field name, and per short value that rows repeat (a choice:
    # "supports", "stated"), not one per row: the parser makes a new string each time.
    # Names are shared whatever their number; values, only the first SHARED_VALUES.
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    for event, data in events:
        if event == "map_key":
            key = names.setdefault(data, data)
            continue
        if event == "string" and len(data) <= SHORT:
            data = values.get(data, data) if len(values) >= SHARED_VALUES else values.setdefault(data, data)
        if event == "start_map" or event == "start_array":
            if len(containers) >= MAX_DEPTH:
                raise TooDeep("depth limit exceeded")
            value = {} if event == "start_map" else []
        elif event == "end_map" or event == "end_array":
            value = containers.pop()
            if containers:
                continue  # already placed in its parent when it started
            return _alone(value, events)
        else:
            value = data
        if containers:
            parent = containers[-1]
            if type(parent) is dict:
                parent[key] = value
            else:
                parent.append(value)
        elif event != "start_map" and event != "start_array":
            return _alone(value, events)  # a bare scalar
        if event == "start_map" or event == "start_array":
            containers.append(value)
    raise ijson.IncompleteJSONError("unexpected end of data")


def _alone(value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """`value`, if nothing follows it in the file."""
    for _event in events:
        raise ijson.JSONError("trailing content after the value")
    return value


def _position(stream: IO[bytes]) -> int | None:
    try:
        return stream.tell() if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _not_json(stream: IO[bytes], start: int | None, reader: LimitedReader, error: Exception) -> Unreadable:
    """Where and why a file is not JSON. The streaming parser does not count lines: when
    the file can be read again, orjson finds the line and column (this is the error's
    path, so reading the file whole costs nothing to a valid import)."""
    if start is not None:
        stream.seek(start)
        try:
            orjson.loads(read_bytes(stream, limit=reader.limit))
        except orjson.JSONDecodeError as found:
            return Unreadable(f"line {found.lineno}, column {found.colno}", f"not valid JSON: {found.msg}")
    message = str(error).splitlines()[0] if str(error) else "invalid"
    return Unreadable(f"byte {reader.done:,}", f"not valid JSON: {message}")


def text_stream(
    stream: IO[bytes], *, limit: int, progress: Progress | None = None, newline: str | None = None
) -> IO[str]:
    """`stream` decoded as UTF-8 (a byte-order mark is skipped), read as it is needed."""
    reader = io.BufferedReader(LimitedReader(stream, limit=limit, progress=progress), CHUNK)
    return io.TextIOWrapper(reader, encoding="utf-8-sig", newline=newline)


def text_lines(stream: IO[bytes], *, limit: int, progress: Progress | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line without its line break) for each line of a UTF-8 text file,
    decoded line by line so that a byte that is not UTF-8 is reported on its own line."""
    lines = io.BufferedReader(LimitedReader(stream, limit=limit, progress=progress), CHUNK)
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise Unreadable(f"line {number}", "the file is not UTF-8 text") from None
        yield number, line.rstrip("\r\n")
