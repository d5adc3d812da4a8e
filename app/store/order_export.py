"""The rows `export orders` and File > Export orders write: one per order, oldest first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


_ORDERS = (
    "SELECT o.id, o.status, o.order_type, o.create_time, o.update_time, o.currency,"
    " o.total_amount, o.line_item_count, o.flags, o.buyer_name, o.sku_summary,"
    " o.tracking_number, o.rts_sla_time, o.shipping_type,"
    " json_extract(r.raw, '$.recipient_address.name') AS recipient_name,"
    " json_extract(r.raw, '$.recipient_address.full_address') AS recipient_address,"
    " json_extract(r.raw, '$.payment') AS payment,"
    " (SELECT json_group_array(json_array(i.product_name, i.sku_name, i.seller_sku,"
    "  i.display_status)) FROM line_items i WHERE i.order_id = o.id) AS items"
    " FROM orders o LEFT JOIN order_raw r ON r.order_id = o.id ORDER BY o.create_time, o.id"
)


def fetch_request_waiting(db: sqlite_utils.Database) -> dict[str, bool]:
    """Orders with a buyer's cancellation request: whether one still waits for an answer."""
    if "cancellations" not in db.table_names():
        return {}
    waiting: dict[str, bool] = {}
    for order_id, status in db.execute("SELECT order_id, status FROM cancellations"):
        key = str(order_id)
        waiting[key] = waiting.get(key, False) or status == "CANCELLATION_REQUEST_PENDING"
    return waiting


def iter_export_rows(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Each order's exported columns; `items` lists (name, variant, seller SKU, status)."""
    cursor = db.execute(_ORDERS)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        record = dict(zip(names, row, strict=True))
        record["items"] = [tuple(i) for i in json.loads(record["items"] or "[]")]
        record["payment"] = json.loads(record["payment"]) if record["payment"] else None
        yield record
