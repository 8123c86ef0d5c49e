"""What the reading stage of an import hands on: a reader (one per format, beside its
writer) turns a file into an IncomingMap, or raises Unreadable with the Problem; files.py
reads the file itself. Checking (checking.py) and saving (saving.py) come next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argmap.interchange.document import PARTS


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, and where it is: "line 12", "node 7", "claims.csv row 4"."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Unreadable(Exception):
    """A file that cannot be read at all: not JSON, not UTF-8, too large…"""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(where, message)


@dataclass
class IncomingMap:
    """A map as a reader found it in a file: the topic's fields and portable rows per part
    (values not checked yet; a missing uid is given one), with where each row came from."""

    topic: dict[str, Any] = field(default_factory=dict)
    topic_where: str = "topic"
    rows: dict[str, list[Any]] = field(default_factory=lambda: {part: [] for part in PARTS})
    where: dict[str, list[str]] = field(default_factory=lambda: {part: [] for part in PARTS})
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def add(self, part: str, row: Any, where: str) -> None:
        self.rows[part].append(row)
        self.where[part].append(where)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def note(self, where: str, message: str) -> None:
        self.notes.append(Problem(where, message))
