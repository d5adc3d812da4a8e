"""Stock rules above the store: defaults from settings, warnings raised once, CSV imports."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import sqlite_utils

from app.store.catalog import fetch_skus_by_code
from app.store.stock import MAX_ON_HAND, save_manual_stock
from app.store.stock_levels import AT_RISK, StockDefaults, StockWarning, current_warnings
from app.store.stock_levels import stock_defaults as stock_defaults
from app.sync.catalog import observe_listed
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.tiktok.errors import ShopdeskError


class StockWatch:
    """Tells about each warning once when it appears, and again only after it went away.

    The engine awaits `check(session)` after anything that moves stock (a poll, an inbox
    batch, a push, a catalogue sync); the outlet hears the new ones (`Outlet.warn`: the GUI
    shows and notifies them).
    """

    def __init__(
        self,
        defaults: StockDefaults,
        outlet: Outlet = SILENT,
    ) -> None:
        self.defaults = defaults
        self.outlet = outlet
        self._raised: set[tuple[str, str]] = set()

    async def check(
        self, session: ShopSession, *, clock: Callable[[], float] = time.time
    ) -> list[StockWarning]:
        """Warnings new since the last check (told to the callback). An at-risk SKU is checked
        with TikTok first (inventory search), so a stale estimate raises no false alarm."""
        now = current_warnings(session.db, self.defaults)
        risky = [w.sku_id for w in now if w.kind == AT_RISK]
        if risky:
            await observe_listed(session, risky, clock=clock)
            now = current_warnings(session.db, self.defaults)
        return self.raise_new(now)

    @property
    def at_risk(self) -> list[str]:
        """The SKUs TikTok over-lists as of the last check (confirmed with TikTok)."""
        return sorted(sku for kind, sku in self._raised if kind == AT_RISK)

    def raise_new(self, now: list[StockWarning]) -> list[StockWarning]:
        """Keep what is current; tell the outlet the new ones."""
        fresh = [w for w in now if (w.kind, w.sku_id) not in self._raised]
        self._raised = {(w.kind, w.sku_id) for w in now}
        if fresh:
            self.outlet.warn(fresh)
        return fresh


# --- CSV ----------------------------------------------------------------------------------

REQUIRED = ("seller_sku", "on_hand")
OPTIONAL = ("buffer", "low_stock")


#: A file with more problems than this lists the first ones and counts the rest.
MAX_LISTED = 50


class StockFileError(ShopdeskError):
    """A stock file with problems: nothing was applied; the first problems are listed."""

    def __init__(self, problems: Sequence[str], total: int | None = None) -> None:
        self.problems = list(problems)[:MAX_LISTED]
        self.total = max(total or 0, len(problems))
        listed = "\n".join(f"  {p}" for p in self.problems)
        more = self.total - len(self.problems)
        tail = f"\n  ... and {more:,} more" if more else ""
        super().__init__(
            f"the file was not applied ({self.total:,} problem"
            f"{'s' if self.total != 1 else ''}):\n{listed}{tail}"
        )


class _Problems(list[str]):
    """Keeps the first MAX_LISTED problems and counts every one (memory stays bounded)."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, problem: str) -> None:
        self.total += 1
        if len(self) < MAX_LISTED:
            super().append(problem)


@dataclass(frozen=True)
class StockEdit:
    """One validated row: which SKU and what to set (None leaves a value as it is)."""

    line: int
    sku_id: str
    seller_sku: str
    on_hand: int
    buffer: int | None
    low_stock: int | None


def _number(text: str, column: str, line: int, problems: _Problems) -> int | None:
    value = text.strip()
    if not value:
        problems.append(f"line {line}: {column} is empty")
        return None
    if not value.lstrip("-").isdigit():
        problems.append(f"line {line}: {column} must be a whole number, not {text.strip()!r}")
        return None
    number = int(value)
    if number < 0:
        problems.append(f"line {line}: {column} cannot be negative ({number})")
        return None
    if number > MAX_ON_HAND:
        problems.append(f"line {line}: {column} {number:,} is more than {MAX_ON_HAND:,}")
        return None
    return number


def plan_stock_file(db: sqlite_utils.Database, text: str | Iterable[str]) -> list[StockEdit]:
    """Check every row first; raise StockFileError naming the bad lines, or return the edits.

    Columns: seller_sku, on_hand (required), buffer, low_stock (optional; empty leaves it).
    A seller SKU may also be given as TikTok's SKU id. `text` may be an open file: it is read
    line by line, so a huge file costs no more memory than the catalogue.
    """
    lines = io.StringIO(text) if isinstance(text, str) else iter(text)
    reader = csv.reader(_without_bom(lines))
    names = next(reader, [])
    header = {name.strip().lower(): i for i, name in enumerate(names)}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise StockFileError([f"line 1: the header must name {', '.join(missing)}"])
    by_code = fetch_skus_by_code(db)
    by_id = {ref.sku_id: ref for refs in by_code.values() for ref in refs}
    problems = _Problems()
    edits: list[StockEdit] = []
    seen: dict[str, int] = {}
    end = reader.line_num
    for row in reader:
        line, end = end + 1, reader.line_num  # a quoted field may span several lines
        values = {k: (row[i] if i < len(row) else "") for k, i in header.items()}
        if not any(v.strip() for v in values.values()):
            continue
        code = values["seller_sku"].strip()
        refs = by_code.get(code) or ([by_id[code]] if code in by_id else [])
        if not code:
            problems.append(f"line {line}: seller_sku is empty")
        elif not refs:
            problems.append(f"line {line}: unknown seller SKU {code!r}")
        elif len(refs) > 1:
            ids = ", ".join(r.sku_id for r in refs)
            problems.append(
                f"line {line}: seller SKU {code!r} names several SKUs ({ids}); "
                "use the SKU id instead"
            )
        elif refs[0].sku_id in seen:
            problems.append(
                f"line {line}: {code!r} appears again (first on line {seen[refs[0].sku_id]})"
            )
        on_hand = _number(values["on_hand"], "on_hand", line, problems)
        extra = {
            name: _number(values[name], name, line, problems)
            if values.get(name, "").strip()
            else None
            for name in OPTIONAL
        }
        if len(refs) == 1 and refs[0].sku_id not in seen:
            seen[refs[0].sku_id] = line
        if len(refs) == 1 and on_hand is not None:
            edits.append(
                StockEdit(line, refs[0].sku_id, code, on_hand, extra["buffer"], extra["low_stock"])
            )
    if problems.total:
        raise StockFileError(problems, problems.total)
    if not edits:
        raise StockFileError(["the file has no rows"])
    return edits


def _without_bom(lines: Iterator[str]) -> Iterator[str]:
    """The lines, the first one without a UTF-8 byte order mark."""
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from lines


def save_stock_file(
    db: sqlite_utils.Database, edits: Sequence[StockEdit], *, now: int, source: str = "csv"
) -> int:
    """Apply checked edits in one transaction (all or nothing); returns how many."""
    with db.atomic():
        for edit in edits:
            save_manual_stock(
                db,
                edit.sku_id,
                on_hand=edit.on_hand,
                buffer=edit.buffer,
                low_stock=edit.low_stock,
                now=now,
                source=source,
            )
    return len(edits)
