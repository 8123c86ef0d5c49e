"""Reading an imported file: within the size limit, once, reporting progress as it goes.

A file is read as it streams (line by line for text, event by event for XML) or, for
JSON, into one buffer that the parser reads in place: never held twice in memory.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import IO, Any

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
    """The JSON value in `stream`; a file that is not JSON is Unreadable, with its line and column."""
    data = read_bytes(stream, limit=limit, progress=progress)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise Unreadable(f"line {error.lineno}, column {error.colno}", f"not valid JSON: {error.msg}") from None


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
