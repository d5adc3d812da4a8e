"""Labels bought once per order: the claim before Create Packages, the outcome, the kept files.

States of `label_orders`: buying (claimed by a process that is sending Create Packages),
bought, unknown (the answer was lost: TikTok must be asked before any new attempt), refused
(TikTok said no, with its reason), failed (could not reach TikTok; nothing was bought). A row
in `buying` whose process is gone is treated as unknown.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from app import processes
from app.store.db import forget_others

BUYING, BOUGHT, UNKNOWN, REFUSED, FAILED = "buying", "bought", "unknown", "refused", "failed"
#: Webhooks after which a printed label no longer matches its order (FACTS.md 9.3).
STALE_REASONS = {
    3: "the buyer changed the address after the label was printed: reprint it",
    4: "TikTok split or combined the package after the label was printed: reprint it",
}


class Claim(enum.Enum):
    """What the caller may do about one order after asking to buy its label."""

    BUY = "buy"  # nothing was ever sent: buy it
    CHECK = "check"  # something may have been bought: ask TikTok first
    HAVE = "have"  # bought already: never again
    BUSY = "busy"  # another running Shopdesk is buying it now


@dataclass(frozen=True)
class LabelPackage:
    """One bought package of an order and its kept label file ('' until downloaded)."""

    package_id: str
    order_id: str
    tracking_number: str
    file: str
    document_size: str
    doc_expires_at: int | None


@dataclass(frozen=True)
class LabelOrder:
    """What Shopdesk knows about one order's label."""

    order_id: str
    state: str
    reason: str
    code: int | None
    service: str
    carrier: str
    price: str | None
    currency: str
    stale: str
    bought_at: int | None
    printed_at: int | None
    packages: tuple[LabelPackage, ...] = ()


def save_claim(db: sqlite_utils.Database, order_id: str, *, now: int) -> Claim:
    """Claim the order's label for this process, in one write transaction."""
    me = processes.current()
    with db.atomic():
        row = db.execute(
            "SELECT state, claimed_pid, claimed_start, attempts FROM label_orders"
            " WHERE order_id = ?",
            [order_id],
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO label_orders (order_id, state, attempts, claimed_pid, claimed_start,"
                " updated_at) VALUES (?, 'buying', 0, ?, ?, ?)",
                [order_id, me.pid, me.start, now],
            )
            return Claim.BUY
        state, pid, start, attempts = str(row[0]), int(row[1]), str(row[2]), int(row[3])
        if state == BOUGHT:
            return Claim.HAVE
        claimer = processes.ProcessId(pid, start)
        if state == BUYING and claimer != me and claimer.running():
            return Claim.BUSY
        db.execute(
            "UPDATE label_orders SET state = 'buying', claimed_pid = ?, claimed_start = ?,"
            " updated_at = ? WHERE order_id = ?",
            [me.pid, me.start, now, order_id],
        )
        sent_before = state in (BUYING, UNKNOWN) and attempts > 0
        return Claim.CHECK if sent_before or state == UNKNOWN else Claim.BUY


def save_attempt(db: sqlite_utils.Database, order_id: str, *, now: int) -> None:
    """Create Packages is about to be sent: from now on a crash means "ask TikTok first"."""
    db.execute(
        "UPDATE label_orders SET attempts = attempts + 1, updated_at = ? WHERE order_id = ?",
        [now, order_id],
    )


def save_bought(
    db: sqlite_utils.Database,
    order_id: str,
    packages: Sequence[tuple[str, str]],
    *,
    service: str = "",
    carrier: str = "",
    price: str | None = None,
    currency: str = "",
    now: int,
) -> None:
    """The label is TikTok's: its packages (id, tracking number) recorded with the order."""
    with db.atomic():
        db.execute(
            "UPDATE label_orders SET state = 'bought', claimed_pid = 0, claimed_start = '',"
            " code = NULL, reason = '', service = ?, carrier = ?, price = ?, currency = ?,"
            " stale = '', bought_at = coalesce(bought_at, ?), updated_at = ? WHERE order_id = ?",
            [service, carrier, price, currency, now, now, order_id],
        )
        save_packages(db, order_id, packages, now=now)


def save_packages(
    db: sqlite_utils.Database,
    order_id: str,
    packages: Sequence[tuple[str, str]],
    *,
    now: int,
) -> None:
    """The order's labelled packages as TikTok holds them now (others are forgotten)."""
    keep = [p for p, _ in packages]
    forget_others(db, "label_packages", parent=("order_id", order_id), key="package_id", keep=keep)
    db.conn.executemany(
        "INSERT INTO label_packages (package_id, order_id, tracking_number, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (package_id) DO UPDATE SET"
        " order_id = excluded.order_id, file = CASE WHEN label_packages.tracking_number ="
        " excluded.tracking_number OR excluded.tracking_number = '' THEN label_packages.file"
        " ELSE '' END, tracking_number = CASE WHEN excluded.tracking_number != '' THEN"
        " excluded.tracking_number ELSE label_packages.tracking_number END",
        [(p, order_id, t, now) for p, t in packages],
    )


def save_outcome(
    db: sqlite_utils.Database,
    order_id: str,
    state: str,
    reason: str,
    *,
    code: int | None = None,
    now: int,
) -> None:
    """The buy ended without a label: refused, failed (nothing sent) or unknown."""
    db.execute(
        "UPDATE label_orders SET state = ?, reason = ?, code = ?, claimed_pid = 0,"
        " claimed_start = '', updated_at = ? WHERE order_id = ? AND state != 'bought'",
        [state, reason, code, now, order_id],
    )


def save_file(
    db: sqlite_utils.Database,
    package_id: str,
    file: str,
    *,
    tracking_number: str,
    size: str,
    expires_at: int,
    now: int,
) -> None:
    """The label's file is kept: reprints use it, the link is not needed again."""
    db.execute(
        "UPDATE label_packages SET file = ?, document_size = ?, doc_expires_at = ?,"
        " fetched_at = ?, tracking_number = CASE WHEN ? != '' THEN ? ELSE tracking_number END"
        " WHERE package_id = ?",
        [file, size, expires_at, now, tracking_number, tracking_number, package_id],
    )
    db.execute(
        "UPDATE label_orders SET stale = '', updated_at = ? WHERE order_id ="
        " (SELECT order_id FROM label_packages WHERE package_id = ?)",
        [now, package_id],
    )


def save_stale(
    db: sqlite_utils.Database, order_ids: Sequence[str], reason: str, *, now: int
) -> list[str]:
    """Labels printed before the order changed (address, split, combine): reprint first."""
    marks = ",".join("?" for _ in order_ids) or "''"
    rows = db.execute(
        f"SELECT order_id FROM label_orders WHERE state = 'bought' AND order_id IN ({marks})",
        list(order_ids),
    ).fetchall()
    stale = [str(r[0]) for r in rows]
    db.conn.executemany(
        "UPDATE label_orders SET stale = ?, updated_at = ? WHERE order_id = ?",
        [(reason, now, o) for o in stale],
    )
    return stale


def save_printed(db: sqlite_utils.Database, order_ids: Sequence[str], *, now: int) -> None:
    """These labels went into a PDF to print."""
    db.conn.executemany(
        "UPDATE label_orders SET printed_at = ?, updated_at = ? WHERE order_id = ?",
        [(now, now, o) for o in order_ids],
    )


_ORDER_COLUMNS = (
    "order_id, state, reason, code, service, carrier, price, currency, stale, bought_at, printed_at"
)


def fetch_label_orders(
    db: sqlite_utils.Database, order_ids: Sequence[str]
) -> dict[str, LabelOrder]:
    """Label rows (with packages) of these orders; orders never asked about are absent."""
    found: dict[str, LabelOrder] = {}
    packages: dict[str, list[LabelPackage]] = {}
    for start in range(0, len(order_ids), 500):
        chunk = list(order_ids[start : start + 500])
        marks = ",".join("?" for _ in chunk) or "''"
        for r in db.execute(
            "SELECT package_id, order_id, tracking_number, file, document_size, doc_expires_at"
            f" FROM label_packages WHERE order_id IN ({marks}) ORDER BY created_at, package_id",
            chunk,
        ):
            package = LabelPackage(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5])
            packages.setdefault(package.order_id, []).append(package)
        for r in db.execute(
            f"SELECT {_ORDER_COLUMNS} FROM label_orders WHERE order_id IN ({marks})", chunk
        ):
            order_id = str(r[0])
            found[order_id] = LabelOrder(
                order_id,
                str(r[1]),
                str(r[2]),
                r[3],
                str(r[4]),
                str(r[5]),
                r[6],
                str(r[7]),
                str(r[8]),
                r[9],
                r[10],
                tuple(packages.get(order_id, ())),
            )
    return found


def fetch_package_by_tracking(db: sqlite_utils.Database, tracking: str) -> LabelPackage | None:
    """The labelled package with this tracking number (a scanned label)."""
    r = db.execute(
        "SELECT package_id, order_id, tracking_number, file, document_size, doc_expires_at"
        " FROM label_packages WHERE tracking_number = ? LIMIT 1",
        [tracking],
    ).fetchone()
    if r is None:
        return None
    return LabelPackage(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5])


def fetch_label_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Bought labels not yet printed (or stale), for `status` and the tab badge."""
    row = db.execute(
        "SELECT count(*) FILTER (WHERE state = 'bought' AND (printed_at IS NULL OR stale != '')),"
        " count(*) FILTER (WHERE state = 'bought' AND stale != ''),"
        " count(*) FILTER (WHERE state = 'refused') FROM label_orders"
    ).fetchone()
    return {"to_print": int(row[0] or 0), "stale": int(row[1] or 0), "refused": int(row[2] or 0)}


def fetch_label_package_ids(db: sqlite_utils.Database, order_id: str) -> list[str]:
    """Packages of the order's bought label."""
    rows = db.execute(
        "SELECT package_id FROM label_packages WHERE order_id = ? ORDER BY created_at, package_id",
        [order_id],
    ).fetchall()
    return [str(r[0]) for r in rows]
