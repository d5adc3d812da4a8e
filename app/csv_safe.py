"""CSV files a spreadsheet opens safely: a text cell it would run as a formula (it starts with
=, +, -, @, a tab or a carriage return) gets a leading apostrophe, as OWASP's CSV injection
advice says; plain numbers such as -3.50 stay numbers. Files appear whole or not at all."""

from __future__ import annotations

import contextlib
import csv
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value, with a leading apostrophe when a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every text cell goes through `safe_cell`."""

    def __init__(self, handle: Any) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        """One row, neutralised."""
        self._writer.writerow([safe_cell(cell) for cell in row])


@contextlib.contextmanager
def csv_file(out: Path) -> Iterator[SafeWriter]:
    """Write `out` through `OUT.part`, renamed when complete; a failure leaves no file."""
    part = out.with_name(out.name + ".part")
    try:
        with part.open("w", encoding="utf-8", newline="") as handle:
            yield SafeWriter(handle)
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
