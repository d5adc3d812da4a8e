"""The floor of parse + upsert: orjson and plain `sqlite3` writing exactly what Shopdesk wrote.

Nothing here knows Shopdesk's schema. The tables, indexes and triggers are copied from a
database Shopdesk created (its migrations), the pragmas from Shopdesk's own connection, and
the rows are the ones Shopdesk stored, read back per table with all their columns and grouped
by the order they belong to. So when a migration moves a column or adds a table (the raw JSON
in a table of its own, say), the floor writes the same tables the next time it runs.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

#: The pragmas that change what a write costs, read from Shopdesk's connection.
COPIED_PRAGMAS = ("journal_mode", "synchronous", "foreign_keys")


@dataclass
class WrittenTable:
    """One table Shopdesk wrote during the run: its columns and the rows of each page."""

    name: str
    columns: list[str]
    link: str  # the column naming the order a row belongs to ("" when none does)
    pages: list[list[tuple[Any, ...]]] = field(default_factory=list)

    @property
    def insert_sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        return f'INSERT INTO "{self.name}" ({names}) VALUES ({", ".join("?" * len(self.columns))})'

    @property
    def rows(self) -> int:
        return sum(len(p) for p in self.pages)


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every ordinary table (shadow tables of full-text indexes left out)."""
    tables = [
        str(r[1])
        for r in conn.execute("PRAGMA table_list")
        if r[0] == "main" and r[2] in ("table", "virtual") and not str(r[1]).startswith("sqlite_")
    ]
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}


def schema_statements(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(type, name, sql) of every table, index, trigger and view, in creation order."""
    return [
        (str(t), str(n), str(s))
        for t, n, s in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
    ]


def pragmas(conn: sqlite3.Connection) -> dict[str, Any]:
    """The copied pragmas' values on a live connection."""
    return {p: conn.execute(f"PRAGMA {p}").fetchone()[0] for p in COPIED_PRAGMAS}


def _filled_by_triggers(statements: list[tuple[str, str, str]]) -> set[str]:
    """Tables a trigger writes: the floor's own inserts fire those triggers as Shopdesk's do."""
    filled = set()
    names = {n for t, n, _ in statements if t == "table"}
    for kind, _, sql in statements:
        if kind != "trigger":
            continue
        text = " ".join(sql.lower().replace('"', " ").split())
        for name in names:
            if f"into {name.lower()} " in text or f"into {name.lower()}(" in text:
                filled.add(name)
    return filled


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Stored columns (hidden and generated ones are written by SQLite itself)."""
    return [str(r[1]) for r in conn.execute(f'PRAGMA table_xinfo("{table}")') if r[6] == 0]


def _link_candidates(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[str]:
    """Columns that may hold an order id: foreign keys first, then `order_id`, then the key."""
    keys = [str(r[3]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')]
    primary = [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5]]
    named = [c for c in columns if c == "order_id"]
    seen: list[str] = []
    for c in [*keys, *named, *primary]:
        if c not in seen:
            seen.append(c)
    return seen


def _order_of_rows(conn: sqlite3.Connection, table: str) -> str:
    without_rowid = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'", [table]
    ).fetchone()
    return "" if without_rowid else " ORDER BY rowid"


def _table_rows(
    conn: sqlite3.Connection, table: str, page_ids: Sequence[Sequence[str]]
) -> WrittenTable:
    """A written table's rows in Shopdesk's order, put in the page their order came in."""
    columns = _columns(conn, table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = conn.execute(f'SELECT {quoted} FROM "{table}"{_order_of_rows(conn, table)}').fetchall()
    page_of = {order_id: n for n, ids in enumerate(page_ids) for order_id in ids}
    for link in _link_candidates(conn, table, columns):
        at = columns.index(link)
        if rows and all(str(r[at]) in page_of for r in rows):
            pages: list[list[tuple[Any, ...]]] = [[] for _ in page_ids]
            for r in rows:
                pages[page_of[str(r[at])]].append(tuple(r))
            return WrittenTable(table, columns, link, pages)
    share = -(-len(rows) // max(1, len(page_ids)))
    spread = [[tuple(r) for r in rows[n * share : (n + 1) * share]] for n in range(len(page_ids))]
    return WrittenTable(table, columns, "", spread)


def _parents_first(conn: sqlite3.Connection, tables: list[WrittenTable]) -> list[WrittenTable]:
    """Referenced tables before the tables whose foreign keys point at them."""
    names = {t.name for t in tables}
    parents = {
        t.name: {str(r[2]) for r in conn.execute(f'PRAGMA foreign_key_list("{t.name}")')} & names
        for t in tables
    }
    ordered: list[WrittenTable] = []
    while len(ordered) < len(tables):
        done = {t.name for t in ordered}
        ready = [t for t in tables if t.name not in done and parents[t.name] - {t.name} <= done]
        ordered.extend(ready or [t for t in tables if t.name not in done])
    return ordered


def written_tables(
    database: Path, before: dict[str, int], page_ids: Sequence[Sequence[str]]
) -> list[WrittenTable]:
    """The tables that gained rows in Shopdesk's run, with those rows page by page."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        after = row_counts(conn)
        by_triggers = _filled_by_triggers(schema_statements(conn))
        gained = [t for t, n in after.items() if n > before.get(t, 0) and t not in by_triggers]
        return _parents_first(conn, [_table_rows(conn, t, page_ids) for t in gained])
    finally:
        conn.close()


def floor_database(
    path: Path, statements: list[tuple[str, str, str]], copied: dict[str, Any]
) -> sqlite3.Connection:
    """A plain `sqlite3` database with Shopdesk's schema and pragmas, and no Shopdesk code."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    for name, value in copied.items():
        conn.execute(f"PRAGMA {name} = {value}")
    for _kind, name, sql in statements:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone()
        if not exists:  # a full-text table makes its shadow tables itself
            conn.execute(sql)
    return conn


@dataclass
class FloorPlan:
    """What the floor copies from Shopdesk: schema, pragmas, and the rows of each page."""

    statements: list[tuple[str, str, str]]
    copied: dict[str, Any]
    tables: list[WrittenTable]


class FloorWriter:
    """Parses a page with orjson and writes its rows with `executemany`, one transaction each."""

    def __init__(self, path: Path, plan: FloorPlan) -> None:
        self.plan = plan
        self.conn = floor_database(path, plan.statements, plan.copied)
        self.inserts = [(t.insert_sql, t.pages) for t in plan.tables]
        self.parse_s = self.write_s = 0.0

    def write_page(self, n: int, page: bytes) -> float:
        """Seconds for page `n`, the `n`-th page Shopdesk saved."""
        t0 = time.perf_counter()
        parsed = orjson.loads(page)
        t1 = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        for sql, rows in self.inserts:
            self.conn.executemany(sql, rows[n])
        self.conn.execute("COMMIT")
        t2 = time.perf_counter()
        del parsed
        self.parse_s += t1 - t0
        self.write_s += t2 - t1
        return t2 - t0

    def close(self) -> None:
        """Check the floor stored what Shopdesk stored, then close."""
        try:
            check_same_rows(self.conn, self.plan.tables, "the floor")
        finally:
            self.conn.close()

    def describe(self) -> str:
        """The floor's two halves and the tables it wrote, for the report."""
        shown = ", ".join(
            f"{t.name} {t.rows:,} rows x {len(t.columns)} cols"
            + ("" if t.link else " (no order link: spread evenly over the pages)")
            for t in self.plan.tables
        )
        return (
            f"floor parse {self.parse_s * 1000:.0f} ms + write {self.write_s * 1000:.0f} ms; "
            f"it writes {shown}"
        )


def check_same_rows(conn: sqlite3.Connection, tables: list[WrittenTable], who: str) -> None:
    """`who` stored as many rows in each table as Shopdesk's first run (else no figure holds)."""
    for t in tables:
        stored = int(conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
        if stored != t.rows:
            raise RuntimeError(f"{who} wrote {stored} rows to {t.name}, Shopdesk {t.rows}")
