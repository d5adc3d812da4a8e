"""The Money tab on a shop the engine read statements for: figures, sorting, CSV, the order's
money in its detail, API usage per day in Health, and the empty state."""

from __future__ import annotations

import csv
from decimal import Decimal

from PySide6.QtCore import Qt

from app.gui.money_models import SKU_MARGIN, SKU_PROFIT
from app.gui.money_tab import EMPTY_TITLE, MoneyTab
from app.gui.orders_model import SORT_ROLE
from app.gui.reader import Reader
from app.queries.db import open_readonly
from app.queries.money import fetch_money_totals


def test_money_tab_shows_days_skus_statements_and_exports(
    gui_shop, open_window, qtbot, tmp_path
) -> None:
    window = open_window(gui_shop.context())
    window.open_tab("money")
    tab = window.money_tab
    qtbot.waitUntil(lambda: tab.statements.model.rowCount() > 0, timeout=20000)
    qtbot.waitUntil(lambda: tab.days.model.rowCount() > 0, timeout=20000)
    assert not tab.area.is_empty
    db = open_readonly(gui_shop.paths.database)
    try:
        totals = fetch_money_totals(db)
    finally:
        db.close()
    assert totals and all(t.currency in tab.headline.text() for t in totals)
    assert totals[0].payout.text in tab.headline.text()

    # Per SKU, sortable by profit and by margin (numbers, not text).
    skus = tab.skus
    for column in (SKU_PROFIT, SKU_MARGIN):
        skus.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        values = [skus.proxy.index(r, column).data(SORT_ROLE) for r in range(skus.proxy.rowCount())]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=True)

    # The day view's CSV adds up to the headline, per currency, to the cent.
    out = tmp_path / "days.csv"
    assert tab.days.write_csv(str(out)) == tab.days.model.rowCount()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for t in totals:
        payout = sum(
            (Decimal(r["Payout"]) for r in rows if r["Currency"] == t.currency), Decimal(0)
        )
        assert payout == t.payout.amount
    statements_csv = tmp_path / "statements.csv"
    assert tab.statements.write_csv(str(statements_csv)) > 0
    with statements_csv.open(encoding="utf-8", newline="") as handle:
        statuses = {r["Payout status"] for r in csv.DictReader(handle)}
    assert statuses <= {"Paid", "Processing", "Failed", "–"}

    # An order's detail lists its money: state, every fee line, payout and profit.
    db = open_readonly(gui_shop.paths.database)
    try:
        order_id = db.execute(
            "SELECT m.order_id FROM money_orders m JOIN orders o ON o.id = m.order_id"
            " ORDER BY m.state = 'settled' DESC LIMIT 1"
        ).fetchone()
        fees = db.execute(
            "SELECT kind FROM money_order_fees WHERE order_id = ?", [order_id[0]]
        ).fetchall()
    finally:
        db.close()
    window.open_tab("orders")
    assert window.orders_tab.show_order(order_id[0])
    text = window.orders_tab.detail.toPlainText()
    assert "Money" in text and "Payout" in text and "Profit" in text
    assert "Settled in a statement" in text or "Estimated by TikTok Shop" in text
    from app.gui.money_detail import fee_label

    for (kind,) in fees:
        assert fee_label(kind) in text

    # Health: API calls per day, counted from the engine's calls.
    window.host.engine.submit(window.host.engine._money.count_usage).result(10)
    window.open_tab("health")
    window.health_tab.refresh(charts=True)
    qtbot.waitUntil(lambda: window.health_tab.usage.text() != "—", timeout=10000)


def test_money_tab_without_data_says_what_will_come(data_paths, qtbot) -> None:
    tab = MoneyTab(Reader(data_paths))
    qtbot.addWidget(tab)
    tab.show()
    assert tab.area.is_empty and tab.area.empty.title.text() == EMPTY_TITLE


def test_a_cost_entered_in_inventory_reaches_the_money_tab(
    gui_shop, open_window, qtbot, tmp_path
) -> None:
    window = open_window(gui_shop.context())
    window.open_tab("money")
    tab = window.money_tab
    qtbot.waitUntil(lambda: tab.skus.model.rowCount() > 0, timeout=20000)
    row = next(r for r in tab.skus.model.rows if r.units)
    assert row.cost_of_goods.amount == 0
    window.open_tab("inventory")
    window.inventory_tab.costs.set_cost(row.key, "1.5", "2000-01-01")

    def costed() -> bool:
        window.open_tab("money")
        found = next(r for r in tab.skus.model.rows if r.key == row.key)
        return found.cost_of_goods.amount == Decimal("1.5") * found.units

    qtbot.waitUntil(costed, timeout=10000)
    sheet = tmp_path / "costs.csv"
    sheet.write_text(f"seller_sku,amount,from\n{row.key},2.25,2000-01-01\n", encoding="utf-8")
    window.open_tab("inventory")
    window.inventory_tab.costs.import_costs(str(sheet))

    def imported() -> bool:
        window.open_tab("money")
        found = next(r for r in tab.skus.model.rows if r.key == row.key)
        return found.cost_of_goods.amount == Decimal("2.25") * found.units

    qtbot.waitUntil(imported, timeout=10000)
