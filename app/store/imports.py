"""Import jobs: the plan (time windows) and the exact page reached, so a crash resumes there."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.store.connection import Readable

if TYPE_CHECKING:
    import sqlite_utils


RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"


@dataclass
class ImportJob:
    """One import of a date range, split into windows, with its place and counters."""

    id: int
    shop_id: str
    range_start: int
    range_end: int
    windows: list[tuple[int, int]]
    window_index: int
    page_token: str
    state: str
    total_estimate: int
    pages: int
    fetched: int
    created: int
    updated: int
    unchanged: int
    started_at: int
    pid: int

    @property
    def finished(self) -> bool:
        """True once every window has been read to its last page."""
        return self.window_index >= len(self.windows)


_COLUMNS = (
    "id, shop_id, range_start, range_end, windows, window_index, page_token, state, "
    "total_estimate, pages, fetched, created, updated, unchanged, started_at, pid"
)


def _job(row: tuple[object, ...]) -> ImportJob:
    values = list(row)
    values[4] = [tuple(w) for w in json.loads(str(values[4]))]
    return ImportJob(*values)  # type: ignore[arg-type]


def fetch_unfinished_job(db: sqlite_utils.Database, shop_id: str) -> ImportJob | None:
    """A job a crash left running, to be resumed."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM import_jobs WHERE shop_id = ? AND state = ? "
        "ORDER BY id DESC LIMIT 1",
        [shop_id, RUNNING],
    ).fetchone()
    return None if row is None else _job(row)


def has_imported(db: Readable) -> bool:
    """Whether an import was ever started here (the demo's history is imported once)."""
    return db.execute("SELECT 1 FROM import_jobs LIMIT 1").fetchone() is not None


def fetch_job(db: sqlite_utils.Database, job_id: int) -> ImportJob:
    """One job by id."""
    return _job(db.execute(f"SELECT {_COLUMNS} FROM import_jobs WHERE id = ?", [job_id]).fetchone())


def save_new_job(
    db: sqlite_utils.Database, shop_id: str, start: int, end: int, *, now: int
) -> ImportJob:
    """Plan an import of [start, end) as one window; windows split as totals come in."""
    cursor = db.execute(
        "INSERT INTO import_jobs (shop_id, range_start, range_end, windows, state, started_at,"
        " updated_at, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [shop_id, start, end, json.dumps([[start, end]]), RUNNING, now, now, os.getpid()],
    )
    return fetch_job(db, int(cursor.lastrowid or 0))


def save_windows(db: sqlite_utils.Database, job: ImportJob, *, now: int) -> None:
    """Store a re-planned list of windows (after splitting a crowded one)."""
    db.execute(
        "UPDATE import_jobs SET windows = ?, updated_at = ? WHERE id = ?",
        [json.dumps([list(w) for w in job.windows]), now, job.id],
    )


def save_progress(db: sqlite_utils.Database, job: ImportJob, *, now: int) -> None:
    """Store where the job is; call in the same transaction as the page it read."""
    db.execute(
        "UPDATE import_jobs SET window_index = ?, page_token = ?, total_estimate = ?, pages = ?,"
        " fetched = ?, created = ?, updated = ?, unchanged = ?, updated_at = ? WHERE id = ?",
        [
            job.window_index,
            job.page_token,
            job.total_estimate,
            job.pages,
            job.fetched,
            job.created,
            job.updated,
            job.unchanged,
            now,
            job.id,
        ],
    )


def save_job_state(
    db: sqlite_utils.Database, job_id: int, state: str, *, now: int, error: str = ""
) -> None:
    """Mark a job done, cancelled or failed."""
    db.execute(
        "UPDATE import_jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?",
        [state, error, now, job_id],
    )


def save_job_owner(db: sqlite_utils.Database, job: ImportJob, *, now: int) -> None:
    """This process takes over a job whose previous owner died."""
    job.pid = os.getpid()
    db.execute(
        "UPDATE import_jobs SET pid = ?, updated_at = ? WHERE id = ?", [job.pid, now, job.id]
    )
