"""Migration 0011: statements, their transactions, TikTok's estimates, per-SKU settlement and
the creator's cost of goods (issue 19). Every amount is decimal text with its currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0011_money")
def m0011_money(db: sqlite_utils.Database) -> None:
    """Tables for the Money tab and `export profit`.

    `money_orders`, `money_order_fees` and `money_order_lines` are each order's computed
    profit in exact integer units of 1/10,000 of the currency (never a float), so the Money
    tab's per-day and per-SKU sums are plain SQL SUMs grouped by currency, kept in
    `money_day_sums`, `money_day_fees` and `money_sku_sums` for the days and SKUs each
    recomputation touched (the tab reads a few hundred rows, whatever the number of orders).

    `money_transactions` holds every line of every statement read (ORDER, adjustments,
    RESERVE); an order's payout is the sum of its ORDER lines. `money_estimates` keeps TikTok's
    last estimate even after the order settles, so the difference can be shown.
    """
    run_statements(
        db,
        """
        CREATE TABLE money_statements (
            id TEXT PRIMARY KEY NOT NULL,
            shop_id TEXT NOT NULL,
            statement_time INTEGER NOT NULL,
            currency TEXT NOT NULL,
            settlement_amount TEXT NOT NULL,
            fee_amount TEXT NOT NULL,
            adjustment_amount TEXT NOT NULL,
            revenue_amount TEXT NOT NULL DEFAULT '0',
            shipping_cost_amount TEXT NOT NULL DEFAULT '0',
            payment_status TEXT NOT NULL DEFAULT '',
            payment_id TEXT NOT NULL DEFAULT '',
            lines_read INTEGER NOT NULL DEFAULT 0,
            read_at INTEGER NOT NULL
        );
        CREATE INDEX money_statements_time ON money_statements (statement_time);
        CREATE TABLE money_transactions (
            id TEXT PRIMARY KEY NOT NULL,
            statement_id TEXT NOT NULL,
            type TEXT NOT NULL,
            order_id TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL,
            settlement_amount TEXT NOT NULL,
            revenue_amount TEXT NOT NULL,
            fee_tax_amount TEXT NOT NULL,
            shipping_cost_amount TEXT NOT NULL,
            other_amount TEXT NOT NULL DEFAULT '0',
            fee_lines TEXT NOT NULL DEFAULT '{}',
            statement_time INTEGER NOT NULL,
            order_create_time INTEGER
        );
        CREATE INDEX money_transactions_order ON money_transactions (order_id);
        CREATE INDEX money_transactions_statement ON money_transactions (statement_id);
        CREATE TABLE money_estimates (
            order_id TEXT PRIMARY KEY NOT NULL,
            currency TEXT NOT NULL,
            settlement_amount TEXT NOT NULL,
            revenue_amount TEXT NOT NULL,
            fee_tax_amount TEXT NOT NULL,
            shipping_cost_amount TEXT NOT NULL,
            fee_lines TEXT NOT NULL DEFAULT '{}',
            expected_time INTEGER,
            order_create_time INTEGER,
            read_at INTEGER NOT NULL
        );
        CREATE TABLE money_order_skus (
            order_id TEXT NOT NULL,
            sku_id TEXT NOT NULL,
            statement_id TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            currency TEXT NOT NULL,
            settlement_amount TEXT NOT NULL,
            revenue_amount TEXT NOT NULL,
            fee_tax_amount TEXT NOT NULL,
            shipping_cost_amount TEXT NOT NULL,
            PRIMARY KEY (order_id, sku_id, statement_id)
        );
        CREATE TABLE sku_costs (
            seller_sku TEXT NOT NULL,
            from_time INTEGER NOT NULL,
            amount TEXT NOT NULL,
            currency TEXT NOT NULL,
            saved_at INTEGER NOT NULL,
            PRIMARY KEY (seller_sku, from_time)
        );
        CREATE TABLE money_orders (
            order_id TEXT PRIMARY KEY NOT NULL,
            currency TEXT NOT NULL,
            state TEXT NOT NULL,
            create_time INTEGER NOT NULL,
            day TEXT NOT NULL,
            revenue INTEGER NOT NULL,
            platform_fees INTEGER NOT NULL,
            shipping_cost INTEGER NOT NULL,
            payout INTEGER NOT NULL,
            cost_of_goods INTEGER NOT NULL,
            profit INTEGER NOT NULL,
            estimated_payout INTEGER,
            units_without_cost INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX money_orders_day ON money_orders (day, currency);
        CREATE TABLE money_order_fees (
            order_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (order_id, kind)
        );
        CREATE TABLE money_order_lines (
            order_id TEXT NOT NULL,
            seller_sku TEXT NOT NULL,
            currency TEXT NOT NULL,
            units INTEGER NOT NULL,
            revenue INTEGER NOT NULL,
            platform_fees INTEGER NOT NULL,
            payout INTEGER NOT NULL,
            cost_of_goods INTEGER NOT NULL,
            PRIMARY KEY (order_id, seller_sku)
        );
        CREATE INDEX money_order_lines_sku ON money_order_lines (seller_sku, currency);
        CREATE TABLE money_day_sums (
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            orders INTEGER NOT NULL,
            settled INTEGER NOT NULL,
            revenue INTEGER NOT NULL,
            platform_fees INTEGER NOT NULL,
            shipping_cost INTEGER NOT NULL,
            payout INTEGER NOT NULL,
            cost_of_goods INTEGER NOT NULL,
            PRIMARY KEY (day, currency)
        );
        CREATE TABLE money_day_fees (
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (day, currency, kind)
        );
        CREATE TABLE money_sku_sums (
            seller_sku TEXT NOT NULL,
            currency TEXT NOT NULL,
            orders INTEGER NOT NULL,
            settled INTEGER NOT NULL,
            units INTEGER NOT NULL,
            revenue INTEGER NOT NULL,
            platform_fees INTEGER NOT NULL,
            payout INTEGER NOT NULL,
            cost_of_goods INTEGER NOT NULL,
            PRIMARY KEY (seller_sku, currency)
        );
        CREATE TABLE api_usage (
            day TEXT NOT NULL,
            api TEXT NOT NULL,
            calls INTEGER NOT NULL,
            PRIMARY KEY (day, api)
        )
        """,
    )
