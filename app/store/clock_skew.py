"""How far this computer's clock runs from TikTok Shop's, as last measured (status, Health)."""

from __future__ import annotations

import sqlite_utils

#: A skew above this is shown: cursors follow TikTok's clock anyway, but times on screen and
#: deadlines computed here are off by as much.
WARN_SECONDS = 60


def save_clock_skew(db: sqlite_utils.Database, shop_id: str, skew: float, *, now: int) -> None:
    """Remember the skew (seconds our clock runs ahead; negative when behind)."""
    db.execute(
        "UPDATE shops SET clock_skew = ?, clock_skew_at = ? WHERE id = ?",
        [round(skew), now, shop_id],
    )


def fetch_clock_skew(db: sqlite_utils.Database) -> int | None:
    """The current shop's last measured skew, or None (never measured, or an old file)."""
    if "clock_skew" not in db["shops"].columns_dict:
        return None
    row = db.execute("SELECT clock_skew FROM shops WHERE is_current = 1 LIMIT 1").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _span(seconds: int) -> str:
    if seconds >= 5400:
        return f"{round(seconds / 3600)} h"
    if seconds >= 90:
        return f"{round(seconds / 60)} min"
    return f"{seconds} s"


def describe_skew(skew: int | None) -> str | None:
    """A warning for a skew over a minute, else None."""
    if skew is None or abs(skew) <= WARN_SECONDS:
        return None
    way = "ahead of" if skew > 0 else "behind"
    return (
        f"This computer's clock is {_span(abs(skew))} {way} TikTok Shop's clock. Shopdesk "
        "reads TikTok's time, so nothing is missed, but turn on automatic date and time so "
        "the times and deadlines shown here are right."
    )
