"""The one migration set, and a helper for DDL inside a migration's transaction."""

from __future__ import annotations

import sqlite_utils

MIGRATIONS = sqlite_utils.Migrations("shopdesk")


def run_statements(db: sqlite_utils.Database, script: str) -> None:
    """Run DDL one statement at a time: executescript would commit the migration's transaction.

    Statements are split on `;`, so comments inside the script must not contain one.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
