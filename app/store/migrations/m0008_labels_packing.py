"""Migration 0008: TikTok Shipping labels bought once per order, their kept files, shipping
profiles per SKU (weight, size, bin, barcode) and the pack station's record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0008_labels_packing")
def m0008_labels_packing(db: sqlite_utils.Database) -> None:
    """`label_orders` has one row per order ever asked for a label: a buy is claimed there
    (pid plus start, like the outbox) before Create Packages is sent, so a crash between the
    answer and the commit is checked with TikTok and never buys twice. `label_packages` keeps
    each bought package's tracking number and the downloaded file. `sku_profiles` holds what
    the creator set per SKU (it wins over the product's own package data). `packs` records
    each order the pack station finished.
    """
    run_statements(
        db,
        """
        CREATE TABLE label_orders (
            order_id TEXT PRIMARY KEY NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_pid INTEGER NOT NULL DEFAULT 0,
            claimed_start TEXT NOT NULL DEFAULT '',
            code INTEGER,
            reason TEXT NOT NULL DEFAULT '',
            service TEXT NOT NULL DEFAULT '',
            carrier TEXT NOT NULL DEFAULT '',
            price TEXT,
            currency TEXT NOT NULL DEFAULT '',
            stale TEXT NOT NULL DEFAULT '',
            bought_at INTEGER,
            printed_at INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX label_orders_state ON label_orders (state);

        CREATE TABLE label_packages (
            package_id TEXT PRIMARY KEY NOT NULL,
            order_id TEXT NOT NULL,
            tracking_number TEXT NOT NULL DEFAULT '',
            document_size TEXT NOT NULL DEFAULT '',
            file TEXT NOT NULL DEFAULT '',
            doc_expires_at INTEGER,
            fetched_at INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX label_packages_order ON label_packages (order_id);
        CREATE INDEX label_packages_tracking ON label_packages (tracking_number);

        CREATE TABLE sku_profiles (
            sku_id TEXT PRIMARY KEY NOT NULL,
            weight TEXT,
            weight_unit TEXT NOT NULL DEFAULT '',
            length TEXT,
            width TEXT,
            height TEXT,
            length_unit TEXT NOT NULL DEFAULT '',
            bin_location TEXT NOT NULL DEFAULT '',
            barcode TEXT NOT NULL DEFAULT '',
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX sku_profiles_barcode ON sku_profiles (barcode) WHERE barcode != '';

        CREATE TABLE packs (
            id INTEGER PRIMARY KEY,
            order_id TEXT NOT NULL,
            station TEXT NOT NULL DEFAULT '',
            items TEXT NOT NULL DEFAULT '{}',
            tracking_number TEXT NOT NULL DEFAULT '',
            packed_at INTEGER NOT NULL
        );
        CREATE INDEX packs_order ON packs (order_id, packed_at)
        """,
    )
