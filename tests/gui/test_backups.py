"""File > Back up now and File > Restore… in the window, and the Settings choice of a second
backup folder; the Health tab shows a clock that runs off TikTok's."""

from __future__ import annotations

import sqlite3

from app.store.backup import list_backups


def test_back_up_now_and_restore_from_the_file_menu(gui_shop, open_window, qtbot, tmp_path) -> None:
    window = open_window(gui_shop.context())
    second = tmp_path / "other-disk"
    tab = window.settings_tab
    tab.backup_copy_dir.setText(str(second))
    tab.backup_keep.setValue(4)
    tab.save()
    qtbot.waitUntil(lambda: window.context.settings.backup_copy_dir == str(second), timeout=10000)
    qtbot.waitUntil(lambda: window.host.engine is not None, timeout=15000)
    assert {a.text() for a in window.menuBar().actions()[0].menu().actions()} >= {
        "Back up now",
        "Restore…",
    }

    window.actions_by_key["backup"].trigger()
    folder = gui_shop.paths.root / "backups"
    qtbot.waitUntil(lambda: "Backed up to" in window.status_bar.currentMessage(), timeout=15000)
    [backup] = list_backups(folder)
    assert (second / backup.name).exists()
    orders = sqlite3.connect(backup).execute("SELECT count(*) FROM orders").fetchone()[0]
    live = sqlite3.connect(gui_shop.paths.database)
    assert orders == live.execute("SELECT count(*) FROM orders").fetchone()[0] > 100
    live.close()

    db = sqlite3.connect(gui_shop.paths.database)
    db.execute("DELETE FROM line_items")
    db.execute("DELETE FROM orders")  # a damaged day: the orders are gone
    db.commit()
    db.close()

    window.backups.restore(str(backup), confirm=False)
    qtbot.waitUntil(lambda: "Restored" in window.status_bar.currentMessage(), timeout=30000)
    qtbot.waitUntil(lambda: window.host.engine is not None, timeout=15000)
    assert window.reader.db is not None
    restored = sqlite3.connect(gui_shop.paths.database)
    assert restored.execute("SELECT count(*) FROM orders").fetchone()[0] >= orders
    restored.close()
    aside = list(gui_shop.paths.root.glob("shopdesk.db.before-restore-*"))
    assert len(aside) == 1


def test_the_health_tab_shows_a_clock_off_from_tiktok(gui_shop, open_window) -> None:
    window = open_window(gui_shop.context())
    health = window.health_tab
    health._show_clock(7300)
    assert "2 h ahead of TikTok Shop" in health.clock.text()
    health._show_clock(3)
    assert health.clock.text() == "in step with TikTok Shop"
