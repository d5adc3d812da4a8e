"""Exports: orders (`shopdesk export orders`, File > Export orders) and stock, as CSV files.

Order ids are 19 digits, more than a spreadsheet keeps of a number (it shows 5.76E+17 and
loses the last digits), so the `id` cell starts with an apostrophe, the spreadsheet's own
"this is text" mark; Shopdesk's CSV readers (`ship --csv`) take ids with or without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from app.config import Paths, load_settings
from app.csv_safe import SafeWriter, csv_file
from app.ops.files import check_out_file, disk_error, iso
from app.ops.problems import NotConnected, UsageError
from app.payment import discounts
from app.queries.db import open_readonly
from app.queries.orders import fetch_request_waiting, iter_export_rows
from app.queries.shop import fetch_current_shop
from app.queries.stock import StockRow, fetch_stock_rows, stock_defaults
from app.tiktok.models import Payment

#: The design's columns first (DESIGN.md section 5), then what a seller reads in a sheet.
EXPORT_ORDER_COLUMNS = (
    "id",
    "status",
    "order_type",
    "create_time",
    "update_time",
    "currency",
    "total_amount",
    "line_items",
    "flags",
    "buyer_name",
    "skus",
    "tracking_number",
    "ship_by",
    "shipping_type",
    "recipient_name",
    "recipient_address",
    "items",
    "subtotal",
    "shipping",
    "tax",
    "discounts",
)
#: The spreadsheet's "keep this as text" mark before each order id.
TEXT_MARK = "'"
SHIPPING_TYPES = {"SELLER": "seller", "TIKTOK": "tiktok_label"}
#: Flags that stay true of an order whatever happens to it later.
LASTING_FLAGS = ("sample_order", "cod", "replacement_order", "exchange_order")
#: Statuses in which a buyer's request to cancel is still something to act on.
OPEN_STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
)


def as_text_id(order_id: str) -> str:
    """An id a spreadsheet keeps whole."""
    return f"{TEXT_MARK}{order_id}"


def plain_id(cell: str) -> str:
    """An id read back from a spreadsheet, with or without its text mark."""
    return cell.strip().removeprefix(TEXT_MARK).strip()


def flags_now(record: dict[str, Any], requests: dict[str, bool]) -> str:
    """Only what is true of the order now: a finished remorse window or an answered request
    is not a flag any more."""
    stored = set(filter(None, str(record["flags"] or "").split(";")))
    status = str(record["status"])
    now = [f for f in LASTING_FLAGS if f in stored]
    if record["order_type"] == "PRE_ORDER":
        now.append("pre_order")
    if status == "ON_HOLD":
        now.append("on_hold")
    known = requests.get(str(record["id"]))  # the requests list, when Shopdesk has read it
    asked = known if known is not None else "buyer_request_cancel" in stored
    if asked and status in OPEN_STATUSES:
        now.append("buyer_request_cancel")
    return ";".join(now)


def items_text(items: Sequence[tuple[str, str, str, str]]) -> str:
    """`2 × Candle (Sage); 1 × Mug`: names and quantities (TikTok sends a line per unit)."""
    counts: dict[tuple[str, str], int] = {}
    for name, variant, seller_sku, status in items:
        if status != "CANCELLED":
            key = (name or seller_sku or "(no name)", variant or "")
            counts[key] = counts.get(key, 0) + 1
    return "; ".join(
        f"{n} × {name}" + (f" ({variant})" if variant else "")
        for (name, variant), n in counts.items()
    )


def _money(payment: Payment | None, field: str) -> str:
    value = getattr(payment, field, None) if payment is not None else None
    return "" if value is None else str(value)


def order_cells(record: dict[str, Any], requests: dict[str, bool]) -> list[Any]:
    """One order's cells, in EXPORT_ORDER_COLUMNS order."""
    payment = Payment.model_validate(record["payment"]) if record["payment"] else None
    taken_off = discounts(payment) if payment is not None else Decimal(0)
    return [
        as_text_id(str(record["id"])),
        record["status"],
        record["order_type"],
        iso(record["create_time"]),
        iso(record["update_time"]),
        record["currency"],
        record["total_amount"] or "",
        record["line_item_count"],
        flags_now(record, requests),
        record["buyer_name"],
        record["sku_summary"],
        record["tracking_number"],
        iso(record["rts_sla_time"]) or "",
        SHIPPING_TYPES.get(str(record["shipping_type"]), str(record["shipping_type"]).lower()),
        record["recipient_name"] or "",
        record["recipient_address"] or "",
        items_text(record["items"]),
        _money(payment, "sub_total"),
        _money(payment, "shipping_fee"),
        _money(payment, "tax"),
        str(taken_off) if payment is not None else "",
    ]


def write_orders_csv(db: sqlite_utils.Database, out: Path) -> int:
    """Write every order to `out` (UTF-8 CSV) through a `.part` file; nothing is left on failure.

    Refuses when no shop is connected (an empty file would look like a shop without orders).
    """
    if fetch_current_shop(db) is None:
        raise NotConnected("no shop is connected, so there are no orders to export: connect first")
    check_out_file(out)
    requests = fetch_request_waiting(db)

    def write() -> int:
        count = 0
        with csv_file(out) as writer:  # formula cells neutralised, the file whole or not at all
            writer.writerow(EXPORT_ORDER_COLUMNS)
            for record in iter_export_rows(db):
                writer.writerow(order_cells(record, requests))
                count += 1
        return count

    return _with_write_errors(out, write)


def _with_write_errors(out: Path, write: Callable[[], int]) -> int:
    """Run a file write; a full disk or an unwritable file becomes one clear error."""
    try:
        return write()
    except OSError as exc:
        full = disk_error(exc)
        if full is not None:
            raise full from None
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None


def export_orders(*, database: Path, out: Path) -> int:
    """Every order to `out`, read through a read-only connection; returns the count."""
    db = open_readonly(database)
    try:
        return write_orders_csv(db, out)
    finally:
        db.close()


EXPORT_STOCK_COLUMNS = (
    "seller_sku",
    "sku_id",
    "product_id",
    "product_title",
    "sku_name",
    "product_status",
    "on_hand",
    "committed",
    "available",
    "buffer",
    "low_stock",
    "tiktok_quantity",
    "target",
    "estimate",
    "pending_push",
    "warning",
    "warning_reason",
)


def export_stock(*, paths: Paths, out: Path) -> int:
    """One row per SKU to `out` (read-only: the engine stays the only writer); the count."""
    if not paths.database.exists():
        raise NotConnected("nothing to export yet: connect and sync first")
    check_out_file(out)
    settings = load_settings(paths)
    db = open_readonly(paths.database)
    try:
        rows = fetch_stock_rows(db, stock_defaults(settings))
    finally:
        db.close()

    def write() -> int:
        with csv_file(out) as writer:  # formula cells neutralised, the file whole or not at all
            _write_stock(writer, rows)
        return len(rows)

    return _with_write_errors(out, write)


def _write_stock(writer: SafeWriter, rows: list[StockRow]) -> None:
    """One row per SKU."""
    writer.writerow(EXPORT_STOCK_COLUMNS)
    for row in rows:
        warning = row.warning
        writer.writerow(
            [
                row.seller_sku,
                row.sku_id,
                row.product_id,
                row.product_title,
                row.sku_name,
                row.product_status,
                row.on_hand,
                row.committed,
                row.available,
                row.buffer,
                row.low_stock,
                row.tiktok_quantity,
                row.target,
                "yes" if row.estimate else "no",
                row.push_state,
                warning.kind if warning else "",
                warning.reason if warning else "",
            ]
        )
