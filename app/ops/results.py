"""The typed result of a write: what it made (an id, a count) and the `Changes` it caused.

`SyncEngine.run_write` publishes a result's `changes`, so every view that shows them re-reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.changes import Changes


@dataclass(frozen=True)
class Done:
    """A write went in: `changes` says what moved, `value` what it made (a row id, a count)."""

    changes: Changes
    value: int | None = None
    ok: bool = True
