"""Files a user writes (exports): the target checked first, a full disk said in one line."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime
from pathlib import Path

from app.ops.problems import UsageError
from app.store.connection import DiskFull


def iso(ts: int | float | None) -> str | None:
    """Unix seconds as ISO 8601 UTC, the one time format the CLI prints."""
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def disk_error(exc: OSError) -> DiskFull | None:
    """A full disk as one clear line; None for other OS errors."""
    if exc.errno not in DISK_FULL:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return DiskFull(
        f"could not write to the disk{where}: {exc.strerror or 'no space left'}. Nothing was "
        "written half; free some space and run it again"
    )


def check_out_file(out: Path) -> None:
    """An export's target can be written: its folder exists and it is not a folder itself."""
    if out.is_dir():
        raise UsageError(f"{out} is a folder: give a file name, such as {out / 'orders.csv'}")
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(f"the folder {folder} does not exist: create it or choose another")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write in {folder}: choose another folder")
