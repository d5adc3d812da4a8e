"""Migration 0004: catalogue (warehouses, products, SKUs), the stock ledger and the push outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0004_catalog_stock")
def m0004_catalog_stock(db: sqlite_utils.Database) -> None:
    """Catalogue as TikTok lists it, the creator's stock and its ledger, and the outbox.

    `committed` has no column: it is counted from orders and line items whenever it is read,
    so it can never drift. `on_hand` changes only together with a `stock_movements` row; a
    line item can be shipped once (a unique index). The outbox keeps one live row per SKU,
    so edits coalesce, and `stock_push_attempts` keeps every push's per-SKU outcome.
    """
    run_statements(
        db,
        """
        CREATE TABLE warehouses (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            effect_status TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL DEFAULT '',
            sub_type TEXT NOT NULL DEFAULT '',
            is_default INTEGER NOT NULL DEFAULT 0,
            synced_at INTEGER NOT NULL
        );

        CREATE TABLE products (
            id TEXT PRIMARY KEY NOT NULL,
            shop_id TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            create_time INTEGER NOT NULL DEFAULT 0,
            update_time INTEGER NOT NULL DEFAULT 0,
            raw TEXT NOT NULL DEFAULT '{}',
            detail_at INTEGER,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX products_update_time ON products (update_time);

        CREATE TABLE skus (
            id TEXT PRIMARY KEY NOT NULL,
            product_id TEXT NOT NULL,
            seller_sku TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL DEFAULT '',
            sale_price TEXT,
            tax_exclusive_price TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX skus_product ON skus (product_id);
        CREATE INDEX skus_seller_sku ON skus (seller_sku);

        CREATE TABLE sku_warehouses (
            sku_id TEXT NOT NULL,
            warehouse_id TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            tiktok_quantity INTEGER NOT NULL DEFAULT 0,
            share INTEGER,
            PRIMARY KEY (sku_id, warehouse_id)
        );

        CREATE TABLE stock (
            sku_id TEXT PRIMARY KEY NOT NULL,
            on_hand INTEGER NOT NULL,
            estimate INTEGER NOT NULL DEFAULT 1,
            buffer INTEGER,
            low_stock INTEGER,
            counted_at INTEGER NOT NULL,
            tiktok_quantity INTEGER NOT NULL DEFAULT 0,
            tiktok_seen_at INTEGER NOT NULL DEFAULT 0,
            pushed_quantity INTEGER,
            pushed_at INTEGER,
            updated_at INTEGER NOT NULL
        );

        CREATE TABLE stock_movements (
            id INTEGER PRIMARY KEY,
            sku_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            ref TEXT NOT NULL DEFAULT '',
            delta INTEGER NOT NULL,
            on_hand_after INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL
        );
        CREATE INDEX stock_movements_sku ON stock_movements (sku_id, id);
        CREATE UNIQUE INDEX stock_movements_shipped ON stock_movements (ref)
            WHERE reason = 'shipped';
        CREATE UNIQUE INDEX stock_movements_returned ON stock_movements (reason, ref, sku_id)
            WHERE reason IN ('returned', 'restocked');

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            product_id TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_retry_at INTEGER,
            last_code INTEGER,
            last_error TEXT NOT NULL DEFAULT '',
            quantity INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            done_at INTEGER
        );
        CREATE UNIQUE INDEX outbox_live ON outbox (kind, ref)
            WHERE state IN ('pending', 'in_flight', 'failed');
        CREATE INDEX outbox_state ON outbox (state, next_retry_at);

        CREATE TABLE stock_push_attempts (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL,
            product_id TEXT NOT NULL,
            sku_id TEXT NOT NULL,
            quantities TEXT NOT NULL,
            outcome TEXT NOT NULL,
            code INTEGER,
            message TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL
        );
        CREATE INDEX stock_push_attempts_outbox ON stock_push_attempts (outbox_id)
        """,
    )
