"""What every subcommand shares: exit codes, errors, time format, progress on stderr."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import TextIO

from app.config import SettingsError
from app.store.db import DatabaseTooNew, DatabaseUnreadable
from app.tiktok.errors import ReconnectNeeded, RetriesExhausted, ShopdeskError, TikTokError

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_NOT_CONNECTED = 3
EXIT_TIKTOK = 4


class UsageError(ShopdeskError):
    """Bad arguments or a bad input file (exit 2)."""


def iso(ts: int | float | None) -> str | None:
    """Unix seconds as ISO 8601 UTC, the one time format the CLI prints."""
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an error (DESIGN.md section 5)."""
    if isinstance(error, UsageError | SettingsError | DatabaseTooNew | DatabaseUnreadable):
        return EXIT_USAGE
    if isinstance(error, ReconnectNeeded):
        return EXIT_NOT_CONNECTED
    if isinstance(error, RetriesExhausted | TikTokError):
        return EXIT_TIKTOK
    return EXIT_OTHER


class ProgressBar:
    """A one-line bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.width = width
        self._last = 0.0

    def update(self, fraction: float | None, text: str, *, force: bool = False) -> None:
        """Redraw at most ten times a second."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        if fraction is None:
            bar = "." * self.width
            pct = "  ?%"
        else:
            filled = int(self.width * fraction)
            bar = "#" * filled + "." * (self.width - filled)
            pct = f"{fraction * 100:3.0f}%"
        self.stream.write(f"\r{self.label} [{bar}] {pct} {text}\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        """Make room for a line of text (the bar redraws on its next update)."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def finish(self, text: str) -> None:
        """Leave the final state on its own line."""
        if self.enabled:
            self.update(1.0, text, force=True)
            self.stream.write("\n")
            self.stream.flush()
