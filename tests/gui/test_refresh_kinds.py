"""Each tab re-reads on the kinds of change it names, and on no others (no re-read timer)."""

from __future__ import annotations

from app.changes import Changes


def test_each_change_reaches_only_the_tabs_that_show_it(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    ran = window.refresher.apply
    assert ran(Changes.of(skus=["S1"])) == ["inventory"]
    assert ran(Changes.of(inbox=[1])) == ["queue", "health"]
    assert set(ran(Changes.of(errors=["poll"]))) == {"errors", "health"}
    assert "inventory" not in ran(Changes.of(cancellations=["O1"]))
    assert "orders" in ran(Changes.of(orders_created={"O1": 1}))
    assert ran(Changes()) == []


def test_a_change_the_reader_passes_on_refreshes_only_the_tab_that_asked(
    gui_shop, open_window, qtbot, monkeypatch
) -> None:
    window = open_window(gui_shop.context())
    calls: list[str] = []
    monkeypatch.setattr(window.queue_tab, "refresh", lambda: calls.append("queue"))
    monkeypatch.setattr(window.errors_tab, "refresh", lambda: calls.append("errors"))
    monkeypatch.setattr(
        window.inventory_tab, "refresh", lambda force=False: calls.append("inventory")
    )
    window.reader.catch_up_now()  # what the engine wrote so far is told first
    calls.clear()
    window.reader.apply(Changes.of(skus=["S1"]))
    window.reader.catch_up_now()
    assert calls == ["inventory"]
    window.reader.apply(Changes.of(errors=["poll"]))
    window.reader.catch_up_now()
    assert calls == ["inventory", "errors"]


def test_orders_naming_skus_do_not_force_a_hidden_inventory_to_reread(
    gui_shop, open_window, qtbot, monkeypatch
) -> None:
    window = open_window(gui_shop.context())
    forced: list[bool] = []
    monkeypatch.setattr(window.inventory_tab, "refresh", lambda force=False: forced.append(force))
    window.refresher.apply(Changes.of(orders_created={"O1": 1}, skus=["S1"]))  # an import page
    window.refresher.apply(Changes.of(skus=["S1"]))  # a stock edit, push or warning
    window.refresher.apply(Changes.of(settings=True))
    assert forced == [False, True, True]


def test_while_importing_each_view_rereads_in_its_own_turn_of_the_loop(qtbot) -> None:
    """During an import a report must not hold the window for every view's read at once."""
    from PySide6.QtCore import QCoreApplication

    from app.changes import Kind
    from app.gui.refresh import Refresher

    seen: list[tuple[str, Changes]] = []
    refresher = Refresher()
    for name in ("orders", "inventory", "health"):
        refresher.add(name, {Kind.ORDERS, Kind.SKUS}, lambda c, n=name: seen.append((n, c)))
    refresher.spread = True
    views = ["orders", "inventory", "health"]
    assert refresher.apply(Changes.of(orders_created={"O1": 1})) == views
    refresher.apply(Changes.of(skus=["S1"]))  # a second page before the views got to it
    assert seen == []  # nothing re-read inside the report's own slot
    turns = 0
    while len(seen) < 3 and turns < 50:
        before = len(seen)
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        assert len(seen) - before <= 1  # one view per turn
        turns += 1
    assert [n for n, _ in seen] == views
    assert all(c.orders_created == {"O1": 1} and c.skus == {"S1"} for _, c in seen)
    refresher.spread = False  # the import ended: views re-read at once again
    refresher.apply(Changes.of(skus=["S2"]))
    assert [n for n, _ in seen[3:]] == views
