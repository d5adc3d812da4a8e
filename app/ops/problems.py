"""Typed problems: what is wrong, with which order or SKU, in which field, in people's words.

The CLI prints `cli` (its own words, with its flags and hints); the GUI places `message` on the
row of `order_id`, and `field` says whether the creator can fix it by typing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.tiktok.errors import ShopdeskError

#: Fields a creator fills in: a problem there is fixed by typing, not by leaving the order out.
INPUT_FIELDS = frozenset({"tracking", "provider", "items"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one order, SKU or line of a file."""

    code: str
    message: str  # for people: a sentence that starts with a capital, no command-line hints
    order_id: str = ""
    sku_id: str = ""
    field: str = ""  # "tracking", "provider", "items", "handover", "line_items", "order", "file"
    line: int = 0  # the line of the file it is on (0: not from a file)
    cli: str = ""  # the command line's words for it, when they differ

    @property
    def is_input(self) -> bool:
        """Fixed by typing something else (not by leaving the order out)."""
        return self.field in INPUT_FIELDS

    def for_cli(self) -> str:
        """What the command line prints (`line 3: ...` for a line of a file)."""
        text = self.cli or self.message
        return f"line {self.line}: {text}" if self.line else text

    def for_people(self) -> str:
        """What the GUI shows (`Line 3: ...` for a line of a file)."""
        return f"Line {self.line}: {self.message}" if self.line else self.message


class ProblemsError(ShopdeskError):
    """Nothing was done: every problem is listed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.for_cli() for p in self.problems))


class UsageError(ShopdeskError):
    """Bad arguments or a bad input file (the CLI exits 2)."""


class NotConnected(ShopdeskError):
    """The action needs a connected shop and there is none (the CLI exits 3)."""
