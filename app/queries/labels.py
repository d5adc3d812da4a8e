"""Read-only reads for labels, pick lists and the pack station (no network, no writes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.documents import PickLine, PickOrder
from app.store.labels import LabelOrder, fetch_label_orders
from app.store.labels import fetch_label_counts as _label_counts
from app.store.sku_profiles import fetch_profiles

#: Orders that still wait to be shipped (the "To ship" queue).
TO_SHIP = ("AWAITING_SHIPMENT",)
SHIPPING_NAMES = {"TIKTOK": "TikTok Shipping", "SELLER": "Seller shipping"}


@dataclass(frozen=True)
class PackItem:
    """One SKU of an order at the pack station: how many units, and the codes that name it."""

    sku_id: str
    seller_sku: str
    name: str
    quantity: int
    barcode: str = ""
    bin_location: str = ""


@dataclass(frozen=True)
class PackOrder:
    """An order as the pack station needs it."""

    order_id: str
    status: str
    shipping_type: str
    items: tuple[PackItem, ...]
    tracking_numbers: tuple[str, ...]
    stale: str = ""


def fetch_due_order_ids(
    db: sqlite_utils.Database, *, within: int | None = None, now: int = 0, tiktok_only: bool = True
) -> list[str]:
    """Orders awaiting shipment, soonest deadline first (the "To ship" queue)."""
    sql = "SELECT id FROM orders WHERE status = 'AWAITING_SHIPMENT'"
    args: list[Any] = []
    if tiktok_only:
        sql += " AND shipping_type = 'TIKTOK'"
    if within is not None:
        sql += " AND rts_sla_time IS NOT NULL AND rts_sla_time <= ?"
        args.append(now + within)
    sql += " ORDER BY rts_sla_time IS NULL, rts_sla_time, id"
    return [str(r[0]) for r in db.execute(sql, args)]


def fetch_known_order_ids(db: sqlite_utils.Database, order_ids: Sequence[str]) -> set[str]:
    """Which of these orders Shopdesk has."""
    marks = ",".join("?" for _ in order_ids) or "''"
    return {
        str(r[0])
        for r in db.execute(f"SELECT id FROM orders WHERE id IN ({marks})", list(order_ids))
    }


def _address_lines(raw: dict[str, Any]) -> tuple[str, ...]:
    address = raw.get("recipient_address") or {}
    line1 = str(address.get("address_line1") or "")
    full = str(address.get("full_address") or "")
    rest = full[len(line1) + 2 :] if line1 and full.startswith(line1 + ", ") else full
    lines = [line1, str(address.get("address_line2") or ""), rest if rest != line1 else ""]
    return tuple(line for line in lines if line)


def _live_items(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in raw.get("line_items") or [] if i.get("display_status") != "CANCELLED"]


def fetch_pick_orders(db: sqlite_utils.Database, order_ids: Sequence[str]) -> list[PickOrder]:
    """The orders as pick list, packing slip and label sorting need them, in the given order;
    orders without live items are left out."""
    raws = _raws(db, order_ids)
    skus = {str(i.get("sku_id") or "") for raw in raws.values() for i in _live_items(raw)}
    profiles = fetch_profiles(db, sorted(skus))
    orders: list[PickOrder] = []
    for order_id in order_ids:
        raw = raws.get(order_id)
        if raw is None:
            continue
        lines = _pick_lines(raw, profiles)
        if not lines:
            continue
        address = raw.get("recipient_address") or {}
        gift = any(i.get("is_gift") for i in _live_items(raw))
        orders.append(
            PickOrder(
                order_id=order_id,
                lines=tuple(lines),
                recipient_name=str(address.get("name") or ""),
                address_lines=_address_lines(raw),
                gift_message="This order is a gift" if gift else "",
                buyer_note=str(raw.get("buyer_message") or ""),
                ship_by=raw.get("rts_sla_time") or None,
                shipping_type=SHIPPING_NAMES.get(str(raw.get("shipping_type") or ""), ""),
            )
        )
    return orders


def _pick_lines(raw: dict[str, Any], profiles: dict[str, Any]) -> list[PickLine]:
    counts: dict[str, list[Any]] = {}
    for item in _live_items(raw):
        sku_id = str(item.get("sku_id") or "")
        key = sku_id or str(item.get("seller_sku") or item.get("product_name") or "")
        if key in counts:
            counts[key][0] += 1
            continue
        profile = profiles.get(sku_id)
        counts[key] = [1, item, profile]
    lines = []
    for quantity, item, profile in counts.values():
        seller_sku = str(item.get("seller_sku") or "")
        name = str(item.get("product_name") or "")
        if not (seller_sku.strip() or name.strip()):
            name = str(item.get("sku_id") or "item")
        lines.append(
            PickLine(
                seller_sku=seller_sku,
                product_name=name,
                quantity=quantity,
                variant=str(item.get("sku_name") or ""),
                bin_location=profile.bin_location if profile else "",
                barcode=profile.barcode if profile else "",
            )
        )
    return lines


def _raws(db: sqlite_utils.Database, order_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    ids = list(dict.fromkeys(order_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk) or "''"
        sql = f"SELECT order_id, raw FROM order_raw WHERE order_id IN ({marks})"
        for order_id, raw in db.execute(sql, chunk):
            found[str(order_id)] = json.loads(raw)
    return found


def fetch_order_raws(
    db: sqlite_utils.Database, order_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Stored TikTok order objects by id."""
    return _raws(db, order_ids)


def fetch_label_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Labels to print, stale and refused (the `labels` object of `status --json`)."""
    return _label_counts(db)


def fetch_labels(db: sqlite_utils.Database, order_ids: Sequence[str]) -> dict[str, LabelOrder]:
    """What Shopdesk knows about these orders' labels."""
    return fetch_label_orders(db, order_ids)


def fetch_pack_order(db: sqlite_utils.Database, order_id: str) -> PackOrder | None:
    """An order for the pack station, with each SKU's codes."""
    raw = _raws(db, [order_id]).get(order_id)
    if raw is None:
        return None
    items = _live_items(raw)
    profiles = fetch_profiles(db, [str(i.get("sku_id") or "") for i in items])
    by_sku: dict[str, PackItem] = {}
    for item in items:
        sku_id = str(item.get("sku_id") or "")
        seen = by_sku.get(sku_id)
        if seen is not None:
            by_sku[sku_id] = PackItem(
                seen.sku_id,
                seen.seller_sku,
                seen.name,
                seen.quantity + 1,
                seen.barcode,
                seen.bin_location,
            )
            continue
        profile = profiles.get(sku_id)
        name = " - ".join(s for s in (item.get("product_name"), item.get("sku_name")) if s)
        by_sku[sku_id] = PackItem(
            sku_id,
            str(item.get("seller_sku") or ""),
            name,
            1,
            profile.barcode if profile else "",
            profile.bin_location if profile else "",
        )
    label = fetch_label_orders(db, [order_id]).get(order_id)
    tracking = {str(i.get("tracking_number") or "") for i in items} - {""}
    if label is not None:
        tracking |= {p.tracking_number for p in label.packages if p.tracking_number}
    return PackOrder(
        order_id,
        str(raw.get("status") or ""),
        str(raw.get("shipping_type") or ""),
        tuple(by_sku.values()),
        tuple(sorted(tracking)),
        label.stale if label is not None else "",
    )


def fetch_order_by_tracking(db: sqlite_utils.Database, tracking: str) -> str | None:
    """The order a scanned tracking number belongs to."""
    row = db.execute(
        "SELECT order_id FROM label_packages WHERE tracking_number = ? UNION ALL"
        " SELECT id FROM orders WHERE tracking_number = ? LIMIT 1",
        [tracking, tracking],
    ).fetchone()
    return None if row is None else str(row[0])


def fetch_packs(db: sqlite_utils.Database, order_id: str) -> list[dict[str, Any]]:
    """Every pack recorded for this order, newest first."""
    cursor = db.execute(
        "SELECT station, items, tracking_number, packed_at FROM packs WHERE order_id = ?"
        " ORDER BY packed_at DESC, id DESC",
        [order_id],
    )
    return [
        {"station": s, "items": json.loads(i), "tracking_number": t, "packed_at": at}
        for s, i, t, at in cursor
    ]
