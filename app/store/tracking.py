"""What Get Tracking last said of a shipped order: the carrier scans valid tracking counts."""

from __future__ import annotations

import sqlite_utils

from app.store.shop_health import DAY, TRACKING_GRACE, WINDOW_DAYS

#: A parcel with fewer than two scans is read again after this long.
RECHECK_SECONDS = 6 * 3600


def fetch_tracking_due(db: sqlite_utils.Database, now: int, limit: int) -> list[tuple[str, int]]:
    """Orders shipped inside the health window whose tracking was never read, or read with
    fewer than two scans a while ago: the ones valid tracking still needs, oldest first, with
    the time each was marked shipped."""
    rows = db.execute(
        """
        SELECT o.id, o.rts_time FROM orders o LEFT JOIN order_tracking t ON t.order_id = o.id
        WHERE o.rts_time > ? AND o.rts_time <= ? AND o.status != 'CANCELLED'
          AND (t.order_id IS NULL OR (t.scans < 2 AND t.checked_at <= ?))
        ORDER BY t.checked_at IS NOT NULL, o.rts_time, o.id LIMIT ?
        """,
        [now - WINDOW_DAYS * DAY - TRACKING_GRACE, now, now - RECHECK_SECONDS, limit],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def save_tracking(
    db: sqlite_utils.Database, order_id: str, scan_times: list[int], checked_at: int
) -> None:
    """Record one read of an order's tracking (scan times in UTC seconds)."""
    with db.atomic():
        db.execute(
            "INSERT INTO order_tracking (order_id, scans, first_scan_at, last_scan_at, checked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET scans = excluded.scans,"
            " first_scan_at = excluded.first_scan_at, last_scan_at = excluded.last_scan_at,"
            " checked_at = excluded.checked_at",
            [
                order_id,
                len(scan_times),
                min(scan_times, default=None),
                max(scan_times, default=None),
                checked_at,
            ],
        )
