"""Writing a document whole or not at all: a private temporary file, renamed over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.documents.model import DocumentError


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[BinaryIO]:
    """A file handle whose bytes replace `out` only when the block finishes without error.

    The file is created private to the user (labels and slips hold buyers' addresses).
    """
    folder = out.parent
    if not folder.is_dir():
        raise DocumentError(f"the folder {folder} does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
