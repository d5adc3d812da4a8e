"""The catalogue as TikTok lists it: warehouses, products, SKUs and quantities per warehouse."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from app.store.db import forget_others, rows_in
from app.store.orders import raw_text
from app.tiktok.models import Product, ProductStatus, Warehouse

#: Our own status for a product TikTok no longer returns (deleted, frozen or never visible).
NOT_FOUND = "NOT_FOUND"


@dataclass
class CatalogChange:
    """What one save changed that stock and the outbox care about."""

    products: int = 0
    skus: int = 0
    new_skus: list[str] = field(default_factory=list)
    activated: list[str] = field(default_factory=list)
    #: sku_id -> {warehouse_id: quantity} as TikTok listed it in this save.
    observed: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class SkuRef:
    """Enough of a SKU to find it by the creator's code and to push it."""

    sku_id: str
    product_id: str
    seller_sku: str
    name: str
    product_title: str
    product_status: str
    removed: bool


def save_warehouses(
    db: sqlite_utils.Database, warehouses: Sequence[Warehouse], *, now: int
) -> None:
    """Replace what we know of the seller's warehouses (the list is small and complete)."""
    with db.atomic():
        db.execute("DELETE FROM warehouses")
        db.conn.executemany(
            "INSERT INTO warehouses (id, name, effect_status, type, sub_type, is_default,"
            " synced_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (w.id, w.name, w.effect_status, w.type, w.sub_type, int(w.is_default), now)
                for w in warehouses
            ],
        )


def fetch_default_warehouse(db: sqlite_utils.Database) -> str | None:
    """The shop's default warehouse, where the rest of a split goes."""
    row = db.execute("SELECT id FROM warehouses WHERE is_default = 1 LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def fetch_warehouse_ids(db: sqlite_utils.Database) -> set[str]:
    """Every warehouse we know."""
    return {str(r[0]) for r in db.execute("SELECT id FROM warehouses")}


def fetch_product_skus(
    db: sqlite_utils.Database, product_ids: Iterable[str]
) -> dict[str, set[str]]:
    """Known SKU ids per product, to tell which products need their detail fetched."""
    ids = list(dict.fromkeys(product_ids))
    found: dict[str, set[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for product_id, sku_id in db.execute(
            f"SELECT p.id, s.id FROM products p LEFT JOIN skus s ON s.product_id = p.id"
            f" AND s.removed = 0 WHERE p.id IN ({marks}) AND p.detail_at IS NOT NULL",
            chunk,
        ):
            skus = found.setdefault(str(product_id), set())
            if sku_id is not None:
                skus.add(str(sku_id))
    return found


def fetch_listed_product_ids(db: sqlite_utils.Database) -> list[str]:
    """Products we believe TikTok still has (a full sync asks about the ones it misses)."""
    rows = db.execute("SELECT id FROM products WHERE status NOT IN (?, ?)", [NOT_FOUND, "DELETED"])
    return [str(r[0]) for r in rows]


def _statuses(db: sqlite_utils.Database, product_ids: list[str]) -> dict[str, str]:
    marks = ",".join("?" for _ in product_ids)
    rows = db.execute(f"SELECT id, status FROM products WHERE id IN ({marks})", product_ids)
    return {str(i): str(s) for i, s in rows}


def save_products(
    db: sqlite_utils.Database,
    shop_id: str,
    products: Sequence[Product],
    *,
    now: int,
    detailed: bool = False,
) -> CatalogChange:
    """Upsert products and their SKUs; SKUs TikTok no longer lists are kept, marked removed.

    `detailed` says the products came from Get Product, so their SKU names are complete.
    Names are never blanked by a search result, which leaves them out.
    """
    change = CatalogChange()
    if not products:
        return change
    before = _statuses(db, [p.id for p in products])
    with db.atomic():
        for product in products:
            _save_product(db, shop_id, product, now=now, detailed=detailed, change=change)
            was = before.get(product.id)
            if product.status == ProductStatus.ACTIVATE and was != ProductStatus.ACTIVATE:
                change.activated.append(product.id)
    return change


def _save_product(
    db: sqlite_utils.Database,
    shop_id: str,
    product: Product,
    *,
    now: int,
    detailed: bool,
    change: CatalogChange,
) -> None:
    db.execute(
        "INSERT INTO products (id, shop_id, title, status, create_time, update_time, raw,"
        " detail_at, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET shop_id = excluded.shop_id, title = excluded.title,"
        " status = excluded.status, create_time = excluded.create_time,"
        " update_time = excluded.update_time, raw = excluded.raw,"
        " detail_at = coalesce(excluded.detail_at, products.detail_at),"
        " synced_at = excluded.synced_at",
        [
            product.id,
            shop_id,
            product.title,
            product.status,
            product.create_time,
            product.update_time,
            raw_text(product.raw or product.model_dump(mode="json")),
            now if detailed else None,
            now,
        ],
    )
    known = {
        str(r[0]): bool(r[1])
        for r in db.execute("SELECT id, removed FROM skus WHERE product_id = ?", [product.id])
    }
    listed: set[str] = set()
    for position, sku in enumerate(product.skus):
        listed.add(sku.id)
        if sku.id not in known:
            change.new_skus.append(sku.id)
        price = sku.price
        db.execute(
            "INSERT INTO skus (id, product_id, seller_sku, name, currency, sale_price,"
            " tax_exclusive_price, position, removed, synced_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
            " ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id,"
            " seller_sku = excluded.seller_sku,"
            " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE skus.name END,"
            " currency = excluded.currency, sale_price = excluded.sale_price,"
            " tax_exclusive_price = excluded.tax_exclusive_price, position = excluded.position,"
            " removed = 0, synced_at = excluded.synced_at",
            [
                sku.id,
                product.id,
                sku.seller_sku,
                sku.name,
                price.currency if price else "",
                _money(price.sale_price if price else None),
                _money(price.tax_exclusive_price if price else None),
                position,
                now,
            ],
        )
        _save_sku_warehouses(db, sku.id, [(i.warehouse_id, i.quantity) for i in sku.inventory])
        change.observed[sku.id] = {i.warehouse_id: i.quantity for i in sku.inventory}
        change.skus += 1
    gone = [(sku_id,) for sku_id, removed in known.items() if sku_id not in listed and not removed]
    db.conn.executemany("UPDATE skus SET removed = 1 WHERE id = ?", gone)
    change.products += 1


def _money(value: object) -> str | None:
    return None if value is None else str(value)


def _save_sku_warehouses(
    db: sqlite_utils.Database, sku_id: str, inventory: list[tuple[str, int]]
) -> None:
    """TikTok's warehouses of a SKU; the creator's split (`share`) survives a re-sync."""
    keep = [w for w, _ in inventory]
    forget_others(db, "sku_warehouses", parent=("sku_id", sku_id), key="warehouse_id", keep=keep)
    db.conn.executemany(
        "INSERT INTO sku_warehouses (sku_id, warehouse_id, position, tiktok_quantity)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET"
        " position = excluded.position, tiktok_quantity = excluded.tiktok_quantity",
        [(sku_id, w, i, q) for i, (w, q) in enumerate(inventory)],
    )


def save_product_not_found(db: sqlite_utils.Database, product_id: str, *, now: int) -> None:
    """TikTok does not return this product any more: keep it, say so, stop pushing to it."""
    title_row = db.execute(
        "SELECT product_name FROM line_items WHERE product_id = ? LIMIT 1", [product_id]
    ).fetchone()
    db.execute(
        "INSERT INTO products (id, title, status, detail_at, synced_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET status = excluded.status, detail_at = excluded.detail_at,"
        " synced_at = excluded.synced_at",
        [product_id, title_row[0] if title_row else "", NOT_FOUND, now, now],
    )


def save_skus_from_line_items(
    db: sqlite_utils.Database, sku_ids: Iterable[str], *, now: int
) -> int:
    """SKUs that orders name but TikTok's catalogue no longer has: kept from the line items."""
    rows = []
    for sku_id in dict.fromkeys(sku_ids):
        found = db.execute(
            "SELECT product_id, seller_sku, sku_name FROM line_items WHERE sku_id = ? LIMIT 1",
            [sku_id],
        ).fetchone()
        if found is not None:
            rows.append((sku_id, found[0], found[1], found[2], now))
    db.conn.executemany(
        "INSERT OR IGNORE INTO skus (id, product_id, seller_sku, name, removed, synced_at)"
        " VALUES (?, ?, ?, ?, 1, ?)",
        rows,
    )
    return len(rows)


_UNKNOWN_SQL = (
    "SELECT DISTINCT li.product_id, li.sku_id FROM line_items li"
    " WHERE li.sku_id != '' AND NOT EXISTS (SELECT 1 FROM skus s WHERE s.id = li.sku_id)"
)


def fetch_unknown_line_item_skus(
    db: sqlite_utils.Database, sku_ids: Collection[str] | None = None
) -> dict[str, list[str]]:
    """SKUs that line items name but the catalogue lacks, by product: these get fetched.

    `sku_ids` looks only among those (the SKUs of orders just saved: an index search instead
    of a scan of every line item, which an import would pay after every page)."""
    if sku_ids is None:
        rows: Iterable[tuple[Any, ...]] = db.execute(_UNKNOWN_SQL)
    else:
        rows = rows_in(db, _UNKNOWN_SQL + " AND li.sku_id IN ({marks})", sorted(sku_ids))
    found: dict[str, list[str]] = {}
    for product_id, sku_id in sorted({(str(p), str(s)) for p, s in rows}):
        found.setdefault(product_id, []).append(sku_id)
    return found


def _ref(row: tuple[object, ...]) -> SkuRef:
    return SkuRef(
        sku_id=str(row[0]),
        product_id=str(row[1]),
        seller_sku=str(row[2]),
        name=str(row[3]),
        product_title=str(row[4] or ""),
        product_status=str(row[5] or ""),
        removed=bool(row[6]),
    )


_REF_SQL = (
    "SELECT s.id, s.product_id, s.seller_sku, s.name, p.title, p.status, s.removed"
    " FROM skus s LEFT JOIN products p ON p.id = s.product_id"
)


def fetch_sku(db: sqlite_utils.Database, sku_id: str) -> SkuRef | None:
    """One SKU by TikTok's id."""
    row = db.execute(_REF_SQL + " WHERE s.id = ?", [sku_id]).fetchone()
    return None if row is None else _ref(row)


def fetch_skus_by_code(db: sqlite_utils.Database) -> dict[str, list[SkuRef]]:
    """Listed SKUs by seller SKU (a code may name several SKUs; callers must say which)."""
    found: dict[str, list[SkuRef]] = {}
    for row in db.execute(_REF_SQL + " WHERE s.removed = 0 ORDER BY s.product_id, s.position"):
        ref = _ref(row)
        found.setdefault(ref.seller_sku, []).append(ref)
    return found


def fetch_catalog_cursor_products(db: sqlite_utils.Database) -> int:
    """How many products the catalogue holds."""
    return int(db.execute("SELECT count(*) FROM products").fetchone()[0])
