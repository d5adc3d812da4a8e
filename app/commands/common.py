"""What every subcommand shares: exit codes, errors, time format, progress on stderr."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

from app.config import SettingsError
from app.ops.files import DISK_FULL as DISK_FULL
from app.ops.files import check_out_file as check_out_file
from app.ops.files import disk_error as disk_error
from app.ops.files import iso as iso
from app.ops.problems import NotConnected as NotConnected
from app.ops.problems import UsageError as UsageError
from app.queries.db import DatabaseTooNew, DatabaseUnreadable
from app.tiktok.errors import (
    InvalidAppKey,
    InvalidAppSecret,
    ReconnectNeeded,
    RetriesExhausted,
    TikTokError,
)

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_NOT_CONNECTED = 3
EXIT_TIKTOK = 4
EXIT_INTERRUPTED = 130
#: `{"error": {"code": ...}}` for `--json` commands: one word per exit code.
ERROR_CODES = {
    EXIT_OTHER: "failed",
    EXIT_USAGE: "bad_input",
    EXIT_NOT_CONNECTED: "not_connected",
    EXIT_TIKTOK: "tiktok_failed",
    EXIT_INTERRUPTED: "interrupted",
}


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an error (DESIGN.md section 5)."""
    if isinstance(
        error,
        UsageError
        | SettingsError
        | DatabaseTooNew
        | DatabaseUnreadable
        | InvalidAppKey
        | InvalidAppSecret,
    ):
        return EXIT_USAGE
    if isinstance(error, ReconnectNeeded | NotConnected):
        return EXIT_NOT_CONNECTED
    if isinstance(error, RetriesExhausted | TikTokError):
        return EXIT_TIKTOK
    return EXIT_OTHER


#: What a write fails with when the disk (or the user's quota, or a file size limit) is full.
def fail(message: str, code: int, *, as_json: bool = False) -> int:
    """One clear line on stderr (and, for `--json` commands, an error object on stdout)."""
    print(f"shopdesk: {message}", file=sys.stderr)
    if as_json:
        body = {"code": ERROR_CODES.get(code, "failed"), "message": message, "exit": code}
        print(json.dumps({"error": body}))
    return code


def read_text_file(path: Path) -> str:
    """A CSV file the creator named, as text; a missing, foreign or unreadable one is said."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text (save it as CSV UTF-8)") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def check_data_dir(root: Path, *, given: bool, creates: bool) -> None:
    """The data folder is a folder; given with --data-dir, it exists unless the command makes it."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"the data folder {root} is a file, not a folder (check --data-dir)")
    if given and not root.exists() and not creates:
        raise UsageError(
            f"there is no Shopdesk data folder at {root} (check --data-dir; "
            "`shopdesk connect` creates one)"
        )


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
