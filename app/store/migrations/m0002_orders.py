"""Migration 0002: orders, line items, cursors, sync runs, errors, import jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0002_orders_and_sync")
def m0002_orders_and_sync(db: sqlite_utils.Database) -> None:
    """Orders with typed columns plus raw JSON, line items, cursors, runs, errors, imports.

    Every index costs each insert, so only the ones the queues, sorting and the stock
    computation use are made (order type and seller SKU filters scan within a status).
    """
    run_statements(
        db,
        """
        CREATE TABLE orders (
            id TEXT PRIMARY KEY NOT NULL,
            shop_id TEXT NOT NULL,
            status TEXT NOT NULL,
            order_type TEXT NOT NULL DEFAULT '',
            create_time INTEGER NOT NULL,
            update_time INTEGER NOT NULL,
            paid_time INTEGER,
            buyer_user_id TEXT NOT NULL DEFAULT '',
            buyer_name TEXT NOT NULL DEFAULT '',
            buyer_email TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL DEFAULT '',
            total_amount TEXT,
            line_item_count INTEGER NOT NULL DEFAULT 0,
            sku_summary TEXT NOT NULL DEFAULT '',
            flags TEXT NOT NULL DEFAULT '',
            is_sample_order INTEGER NOT NULL DEFAULT 0,
            is_cod INTEGER NOT NULL DEFAULT 0,
            is_on_hold_order INTEGER NOT NULL DEFAULT 0,
            is_replacement_order INTEGER NOT NULL DEFAULT 0,
            is_exchange_order INTEGER NOT NULL DEFAULT 0,
            is_buyer_request_cancel INTEGER NOT NULL DEFAULT 0,
            fulfillment_type TEXT NOT NULL DEFAULT '',
            shipping_type TEXT NOT NULL DEFAULT '',
            delivery_type TEXT NOT NULL DEFAULT '',
            split_or_combine_tag TEXT NOT NULL DEFAULT '',
            tracking_number TEXT NOT NULL DEFAULT '',
            shipping_provider TEXT NOT NULL DEFAULT '',
            rts_sla_time INTEGER,
            shipping_due_time INTEGER,
            cancel_order_sla_time INTEGER,
            request_cancel_time INTEGER,
            cancel_reason TEXT NOT NULL DEFAULT '',
            raw TEXT NOT NULL,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX orders_status ON orders (status, update_time);
        CREATE INDEX orders_update_time ON orders (update_time);
        CREATE INDEX orders_create_time ON orders (create_time);

        CREATE TABLE line_items (
            id TEXT PRIMARY KEY NOT NULL,
            order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
            sku_id TEXT NOT NULL DEFAULT '',
            product_id TEXT NOT NULL DEFAULT '',
            seller_sku TEXT NOT NULL DEFAULT '',
            product_name TEXT NOT NULL DEFAULT '',
            sku_name TEXT NOT NULL DEFAULT '',
            sale_price TEXT,
            currency TEXT NOT NULL DEFAULT '',
            display_status TEXT NOT NULL DEFAULT '',
            package_id TEXT NOT NULL DEFAULT '',
            package_status TEXT NOT NULL DEFAULT '',
            cancel_user TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX line_items_order ON line_items (order_id);
        CREATE INDEX line_items_sku ON line_items (sku_id);

        CREATE TABLE sync_cursors (
            shop_id TEXT NOT NULL,
            name TEXT NOT NULL,
            value INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (shop_id, name)
        );

        CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY,
            shop_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            state TEXT NOT NULL,
            fetched INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            pages INTEGER NOT NULL DEFAULT 0,
            api_calls INTEGER NOT NULL DEFAULT 0,
            throttled INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '',
            pid INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX sync_runs_kind ON sync_runs (kind, started_at);

        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            shop_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            ref TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'open',
            attempts INTEGER NOT NULL DEFAULT 1,
            first_at INTEGER NOT NULL,
            last_at INTEGER NOT NULL,
            next_retry_at INTEGER,
            resolved_at INTEGER
        );
        CREATE INDEX errors_state ON errors (state, last_at);
        CREATE UNIQUE INDEX errors_open_key ON errors (kind, ref) WHERE state = 'open';

        CREATE TABLE import_jobs (
            id INTEGER PRIMARY KEY,
            shop_id TEXT NOT NULL,
            range_start INTEGER NOT NULL,
            range_end INTEGER NOT NULL,
            windows TEXT NOT NULL,
            window_index INTEGER NOT NULL DEFAULT 0,
            page_token TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            total_estimate INTEGER NOT NULL DEFAULT 0,
            pages INTEGER NOT NULL DEFAULT 0,
            fetched INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            error TEXT NOT NULL DEFAULT '',
            pid INTEGER NOT NULL DEFAULT 0
        );
        """,
    )
