"""Migration 0006: who claimed a write (so a dead claimer is noticed), and TikTok's clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0006_claims_clock")
def m0006_claims_clock(db: sqlite_utils.Database) -> None:
    """A claimed (in flight) outbox row names its process: pid plus when that process started.

    Rows already in flight from an older version have no claimer, so the next process checks
    them with TikTok. `clock_skew` is how far this computer's clock runs ahead of TikTok's
    (seconds, from the `Date` header), measured at `clock_skew_at`.
    """
    run_statements(
        db,
        """
        ALTER TABLE outbox ADD COLUMN claimed_pid INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN claimed_start TEXT NOT NULL DEFAULT '';
        ALTER TABLE shops ADD COLUMN clock_skew INTEGER;
        ALTER TABLE shops ADD COLUMN clock_skew_at INTEGER
        """,
    )
