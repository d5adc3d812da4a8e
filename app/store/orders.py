"""Orders and their line items: typed columns to filter and sort on, raw JSON so nothing is lost."""

from __future__ import annotations

import contextlib
import json
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlite_utils

from app import exact_json
from app.changes import Changes
from app.store.plain_inserts import insert_all_or_none
from app.store.stock_rules import stock_state
from app.tiktok.models import Order, OrderRow

#: TikTok's clocks kept as columns (FACTS.md 9.5), besides `rts_sla_time`/`shipping_due_time`.
DEADLINE_COLUMNS = (
    "tts_sla_time",
    "collection_due_time",
    "delivery_due_time",
    "delivery_sla_time",
    "rts_time",
    "collection_time",
    "delivery_time",
    "cancel_time",
)
ORDER_COLUMNS = (
    "id",
    "shop_id",
    "status",
    "order_type",
    "create_time",
    "update_time",
    "paid_time",
    "buyer_user_id",
    "buyer_name",
    "buyer_email",
    "currency",
    "total_amount",
    "line_item_count",
    "sku_summary",
    "flags",
    "is_sample_order",
    "is_cod",
    "is_on_hold_order",
    "is_replacement_order",
    "is_exchange_order",
    "is_buyer_request_cancel",
    "fulfillment_type",
    "shipping_type",
    "delivery_type",
    "split_or_combine_tag",
    "tracking_number",
    "shipping_provider",
    "rts_sla_time",
    "shipping_due_time",
    "cancel_order_sla_time",
    "request_cancel_time",
    "cancel_reason",
    *DEADLINE_COLUMNS,
    "cancellation_initiator",
    "warehouse_id",
    "delivery_option_id",
    "package_ids",
    "synced_at",
)
LINE_ITEM_COLUMNS = (
    "id",
    "order_id",
    "sku_id",
    "product_id",
    "seller_sku",
    "product_name",
    "sku_name",
    "sale_price",
    "currency",
    "display_status",
    "package_id",
    "package_status",
    "cancel_user",
    "stock_state",
)

#: New orders are plain inserts; a changed one replaces its row, which (foreign keys on) drops
#: its raw JSON, line items and scan counts with it. REPLACE costs a fifth more per row even
#: when nothing conflicts, so new orders, most of an import, do without it.


def _marks(columns: Sequence[str], nullable: frozenset[str]) -> list[str]:
    """A parameter per column; a nullable one goes through NULLIF (see `_order_row`)."""
    return ["NULLIF(?, '')" if c in nullable else "?" for c in columns]


#: Columns that may be NULL: bound as '' (which none of them holds) and stored as NULL by
#: NULLIF, since binding None costs the sqlite3 module an AttributeError (see `_order_row`).
NULLABLE_ORDER_COLUMNS = frozenset(
    (
        "paid_time",
        "total_amount",
        "rts_sla_time",
        "shipping_due_time",
        "cancel_order_sla_time",
        "request_cancel_time",
        *DEADLINE_COLUMNS,
    )
)
_NEW_ORDER = (
    f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES "
    f"({', '.join(_marks(ORDER_COLUMNS, NULLABLE_ORDER_COLUMNS))})"
)
_REPLACE_ORDER = _NEW_ORDER.replace("INSERT", "INSERT OR REPLACE", 1)
#: The JSON goes in as the UTF-8 bytes orjson wrote and is stored as TEXT, byte for byte (a
#: decoded copy per order cost 4k instructions).
_NEW_RAW = "INSERT INTO order_raw (order_id, raw) VALUES (?, CAST(? AS TEXT))"
_REPLACE_RAW = _NEW_RAW.replace("INSERT", "INSERT OR REPLACE", 1)
_NEW_ITEM = (
    f"INSERT INTO line_items ({', '.join(LINE_ITEM_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in LINE_ITEM_COLUMNS)})"
)
_INSERT_ITEM = _NEW_ITEM.replace("INSERT", "INSERT OR REPLACE", 1)


@dataclass
class UpsertResult:
    """What one save did: which orders are new, which changed, how many were already current."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    stale: int = 0
    #: The orders written (created or updated), parsed: what the sync layer derives stock
    #: movements from in the same transaction.
    saved: list[OrderRow] = field(default_factory=list, repr=False, compare=False)

    @property
    def changed(self) -> list[str]:
        """Ids a view must refresh."""
        return self.created + self.updated

    @property
    def changes(self) -> Changes:
        """The same, as the typed set views refresh on (SKUs: the sku ids the orders name)."""
        new = frozenset(self.created)
        created = {o.id: o.create_time for o in self.saved if o.id in new}
        skus = {i.sku_id for o in self.saved for i in o.line_items if i.sku_id}
        return Changes.of(orders_created=created, orders_updated=self.updated, skus=skus)

    def add(self, other: UpsertResult) -> None:
        """Accumulate a page into a run total: ids and counts only.

        The parsed orders stay with their page (its movements and `Changes` are published
        when the page is saved); a total that kept them would hold a whole import in memory.
        """
        self.created.extend(other.created)
        self.updated.extend(other.updated)
        self.unchanged += other.unchanged
        self.stale += other.stale


@contextlib.contextmanager
def joined(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """The caller's transaction when there is one, else one of its own: no savepoint, since
    SQLite copies every page changed under one into a sub-journal (a fifth more per page of
    orders). An error still rolls back the caller's whole transaction, as it propagates."""
    if db.conn.in_transaction:
        yield db
        return
    with db.atomic():
        yield db


def raw_text(raw: Mapping[str, Any]) -> bytearray:
    """The order's JSON as stored, in UTF-8: compact, every field TikTok sent. A bytearray,
    which the sqlite3 module binds without looking for an adapter (bytes make it raise)."""
    try:
        return bytearray(orjson.dumps(raw))
    except TypeError:  # integers beyond 64 bits: the standard library writes them exactly
        return bytearray(json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode())


def _sku_summary(order: OrderRow) -> str:
    """Distinct seller SKUs with counts, e.g. `RED-M x2, BLUE-S`: for the list and search."""
    items = order.line_items
    if len(items) == 1:  # most orders: one unit
        return items[0].seller_sku or items[0].sku_id
    counts: dict[str, int] = {}
    for item in items:
        key = item.seller_sku or item.sku_id
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(k if n == 1 else f"{k} x{n}" for k, n in counts.items())


#: Not a TikTok flag: set while the order sits ON_HOLD, where the buyer may still cancel it.
BUYER_CAN_CANCEL = "buyer_can_cancel"


def stored_flags(order: OrderRow) -> list[str]:
    """TikTok's set flags, plus ours for an ON_HOLD order the buyer can still cancel."""
    flags = order.flags
    if order.buyer_can_still_cancel:
        flags.append(BUYER_CAN_CANCEL)
    return flags


#: `stored_flags` joined, by the values it reads: at most 128 texts, built once each.
_FLAG_TEXTS: dict[tuple[bool, ...], str] = {}


def _flags_text(order: OrderRow) -> str:
    """The `flags` column: a lookup, since reading the flags by name took 1.5% of an import."""
    key = (
        order.is_sample_order,
        order.is_cod,
        order.is_on_hold_order,
        order.is_replacement_order,
        order.is_exchange_order,
        order.is_buyer_request_cancel,
        order.buyer_can_still_cancel,
    )
    text = _FLAG_TEXTS.get(key)
    if text is None:
        text = _FLAG_TEXTS[key] = ";".join(stored_flags(order))
    return text


def _order_row(order: OrderRow, shop_id: str, now: int) -> tuple[Any, ...]:
    """The `orders` row, attribute by attribute (faster than `attrgetter` on slots). Flags go
    in as the integers SQLite stores: the sqlite3 module binds a bool only after looking for
    an adapter, which raises and formats an AttributeError each time (3% of an import); so
    does None, so a missing clock or amount goes in as '' and the statement's NULLIF stores
    NULL (1% more)."""
    return (
        order.id,
        shop_id,
        order.status,
        order.order_type,
        order.create_time,
        order.update_time,
        "" if (v := order.paid_time) is None else v,
        order.user_id,
        order.recipient_name,
        order.buyer_email,
        order.currency,
        "" if (amount := order.total_amount) is None else amount,
        len(order.line_items),
        _sku_summary(order),
        _flags_text(order),
        1 if order.is_sample_order else 0,
        1 if order.is_cod else 0,
        1 if order.is_on_hold_order else 0,
        1 if order.is_replacement_order else 0,
        1 if order.is_exchange_order else 0,
        1 if order.is_buyer_request_cancel else 0,
        order.fulfillment_type,
        order.shipping_type,
        order.delivery_type,
        order.split_or_combine_tag,
        order.tracking_number,
        order.shipping_provider,
        "" if (v := order.rts_sla_time) is None else v,
        "" if (v := order.shipping_due_time) is None else v,
        "" if (v := order.cancel_order_sla_time) is None else v,
        "" if (v := order.request_cancel_time) is None else v,
        order.cancel_reason,
        "" if (v := order.tts_sla_time) is None else v,
        "" if (v := order.collection_due_time) is None else v,
        "" if (v := order.delivery_due_time) is None else v,
        "" if (v := order.delivery_sla_time) is None else v,
        "" if (v := order.rts_time) is None else v,
        "" if (v := order.collection_time) is None else v,
        "" if (v := order.delivery_time) is None else v,
        "" if (v := order.cancel_time) is None else v,
        order.cancellation_initiator,
        order.warehouse_id,
        order.delivery_option_id,
        ";".join(order.package_ids),
        now,
    )


#: Reads the clocks in one C call (migration 0007 fills them for every stored order).
_DEADLINES = operator.attrgetter(*DEADLINE_COLUMNS)


def deadline_values(order: OrderRow) -> tuple[int | None, ...]:
    """The order's clocks in `DEADLINE_COLUMNS` order."""
    return _DEADLINES(order)


def _item_rows(order: OrderRow) -> list[tuple[Any, ...]]:
    status, collected, order_id = order.status, order.collection_time, order.id
    return [
        (
            item.id,
            order_id,
            item.sku_id,
            item.product_id,
            item.seller_sku,
            item.product_name,
            item.sku_name,
            item.sale_price,
            item.currency,
            item.display_status,
            item.package_id,
            item.package_status,
            item.cancel_user,
            stock_state(status, collected, item.display_status, item.package_status),
        )
        for item in order.line_items
    ]


def order_columns_from_raw(
    rows: Sequence[tuple[str, str]],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    """For stored `(order_id, raw)` pairs: the clock and carrier columns (in the order of
    `DEADLINE_COLUMNS`, then initiator, warehouse, option, packages, id) and each line item's
    `(stock_state, id)`; what migration 0007 fills for orders saved before it."""
    orders: list[tuple[Any, ...]] = []
    items: list[tuple[str, str]] = []
    for order_id, text in rows:
        order = OrderRow.from_raw(load_raw(text))
        orders.append(
            (
                *deadline_values(order),
                order.cancellation_initiator,
                order.warehouse_id,
                order.delivery_option_id,
                ";".join(order.package_ids),
                order_id,
            )
        )
        items.extend((row[-1], row[0]) for row in _item_rows(order))
    return orders, items


def _stored_versions(
    db: sqlite_utils.Database, ids: Sequence[str]
) -> dict[str, tuple[int, bytes | bytearray | None]]:
    found: dict[str, tuple[int, bytes | bytearray | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in db.execute(
            "SELECT o.id, o.update_time, CAST(r.raw AS BLOB) FROM orders o"
            f" LEFT JOIN order_raw r ON r.order_id = o.id WHERE o.id IN ({marks})",
            chunk,
        ).fetchall():
            found[row[0]] = (row[1], row[2])
    return found


def save_orders(
    db: sqlite_utils.Database,
    shop_id: str,
    orders: Sequence[Mapping[str, Any] | Order],
    *,
    now: int,
) -> UpsertResult:
    """Upsert orders as TikTok sent them; never lets older data (`update_time`) win.

    Takes raw order dicts (or `Order` models, whose raw dict is used). Runs in the caller's
    transaction when there is one, so a page and its cursor commit together. Stock movements
    are not written here: `app.sync.order_saves.save_order_page` adds them in the same
    transaction.
    """
    result = UpsertResult()
    latest: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for item in orders:
        source = item.raw if isinstance(item, Order) else item
        order_id, update_time = OrderRow.version_of(source)
        kept = latest.get(order_id)
        if kept is None or update_time >= kept[0]:
            latest[order_id] = (update_time, source)  # the same order twice: keep the newest
    stored = _stored_versions(db, list(latest))
    new = _Rows()
    changed = _Rows()
    for order_id, (update_time, source) in latest.items():
        previous = stored.get(order_id)
        if previous is not None and update_time < previous[0]:
            result.stale += 1
            continue
        text = raw_text(source)
        if previous is not None and update_time == previous[0] and text == previous[1]:
            result.unchanged += 1
            continue
        order = OrderRow.from_raw(source)  # parsed only when it is written
        (result.created if previous is None else result.updated).append(order.id)
        (new if previous is None else changed).add(order, text, shop_id, now)
        result.saved.append(order)
    if not result.saved:
        return result
    with joined(db):
        if changed.orders:
            ids = [(row[0],) for row in changed.orders]
            db.conn.executemany("DELETE FROM line_items WHERE order_id = ?", ids)
            db.conn.executemany(_REPLACE_ORDER, changed.orders)
            db.conn.executemany(_REPLACE_RAW, changed.raw)
        db.conn.executemany(_NEW_ORDER, new.orders)
        db.conn.executemany(_NEW_RAW, new.raw)
        _insert_items(db, new.items + changed.items)
    return result


def _insert_items(db: sqlite_utils.Database, items: Sequence[tuple[Any, ...]]) -> None:
    """Line items in with a plain insert (REPLACE costs more per row even when nothing
    conflicts). When an id is taken (TikTok moved the item to another order) or listed twice,
    REPLACE writes them all as it always did: the same rows under the same rowids."""
    if not insert_all_or_none(db, "line_items", _NEW_ITEM, items):
        db.conn.executemany(_INSERT_ITEM, items)


@dataclass
class _Rows:
    """The rows one save writes for a group of orders (new ones, or changed ones)."""

    orders: list[tuple[Any, ...]] = field(default_factory=list)
    raw: list[tuple[str, bytearray]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, order: OrderRow, text: bytearray, shop_id: str, now: int) -> None:
        self.orders.append(_order_row(order, shop_id, now))
        self.raw.append((order.id, text))
        self.items.extend(_item_rows(order))


# --- reading ------------------------------------------------------------------------------


def fetch_counts_by_status(db: sqlite_utils.Database) -> dict[str, int]:
    """Orders per status, for the queues and `status --json`."""
    rows = db.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall()
    return {str(status): int(count) for status, count in rows}


def fetch_order_raw(db: sqlite_utils.Database, order_id: str) -> dict[str, Any] | None:
    """One order as TikTok sent it last."""
    row = db.execute("SELECT raw FROM order_raw WHERE order_id = ?", [order_id]).fetchone()
    return None if row is None else load_raw(row[0])


def load_raw(text: str) -> dict[str, Any]:
    """Stored order JSON back to a dict (ids beyond 64 bits stay exact integers)."""
    return dict(exact_json.loads(text))
