"""The one migration set, and a helper for DDL inside a migration's transaction.

The set keeps its names and steps itself, so the window can tell before sqlite-utils loads
whether a file needs a migration; sqlite-utils' Migrations applies them (made on first use).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations


class Step(Protocol):
    """A migration: a named function of the database it changes."""

    __name__: str

    def __call__(self, db: sqlite_utils.Database, /) -> None:
        """Change the schema (inside the migration's transaction)."""
        ...


S = TypeVar("S", bound=Step)


class MigrationSet:
    """Migrations in the order `@MIGRATIONS(name=...)` registered them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._steps: list[tuple[str, Step]] = []
        self._applier: Migrations | None = None

    def __call__(self, *, name: str) -> Callable[[S], S]:
        """Register the decorated function as the next migration, under `name`."""

        def register(step: S) -> S:
            if name in self.names:
                raise ValueError(f"migration {name!r} is already registered in {self.name!r}")
            self._steps.append((name, step))
            self._applier = None
            return step

        return register

    @property
    def names(self) -> list[str]:
        """Every migration this version knows, in order."""
        return [name for name, _ in self._steps]

    def _migrations(self) -> Migrations:
        if self._applier is None:
            import sqlite_utils  # with the first file the engine opens, not the window's read

            applier = sqlite_utils.Migrations(self.name)
            for name, step in self._steps:
                applier(name=name)(step)
            self._applier = applier
        return self._applier

    def pending(self, db: sqlite_utils.Database) -> list[Migrations._Migration]:
        """The migrations `db` has not had yet, in order."""
        return self._migrations().pending(db)

    def applied(self, db: sqlite_utils.Database) -> list[Migrations._AppliedMigration]:
        """The migrations `db` has had, in the order they ran."""
        return self._migrations().applied(db)

    def apply(self, db: sqlite_utils.Database, *, stop_before: str | None = None) -> None:
        """Run the pending migrations, each in its own transaction (up to `stop_before`)."""
        self._migrations().apply(db, stop_before=stop_before)


MIGRATIONS = MigrationSet("shopdesk")


def applied_names(conn: sqlite3.Connection, migration_set: str = MIGRATIONS.name) -> set[str]:
    """The migrations a file has had, read with plain SQL (sqlite-utils' own table)."""
    rows: Iterable[tuple[str]] = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migration_set]
    )
    return {str(row[0]) for row in rows}


def run_statements(db: sqlite_utils.Database, script: str) -> None:
    """Run DDL one statement at a time: executescript would commit the migration's transaction.

    Statements are split on `;`, so comments inside the script must not contain one.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
