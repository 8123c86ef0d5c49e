"""A progress bar for long commands: drawn on a terminal only, so that logs and pipes get
nothing but the commands' own output."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Call it with (stage, done, total); `finish()` clears it. Silent unless `stream` is a
    terminal, and when `quiet` (a command's -v 0)."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.enabled = not quiet and bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        percent = min(100, done * 100 // total) if total else 0
        if (stage, percent) == self.shown:
            return
        self.shown = (stage, percent)
        filled = WIDTH * percent // 100
        self.stream.write(f"\r{stage:<9} [{'#' * filled}{'.' * (WIDTH - filled)}] {percent:3d}%")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = None
