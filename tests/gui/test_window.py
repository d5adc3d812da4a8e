"""The window itself: shortcuts, remembered size and tab, themes that stay readable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.gui import theme
from app.gui.shortcuts import LOCAL_KEYS, SHORTCUTS


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("choice", [theme.LIGHT, theme.DARK])
def test_both_themes_keep_text_and_warnings_readable(qapp, choice) -> None:
    assert theme.apply_theme(qapp, choice) == (choice == theme.DARK)
    palette, c = qapp.palette(), theme.colors()
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    assert contrast(base, text) >= 7
    highlight = palette.color(QPalette.ColorRole.Highlight)
    assert contrast(highlight, palette.color(QPalette.ColorRole.HighlightedText)) >= 4.5
    assert contrast(c.danger_back, c.danger_text) >= 4.5
    assert contrast(c.warning_back, c.warning_text) >= 4.5
    assert contrast(c.low_back, c.low_text) >= 4.5
    assert contrast(c.out_back, c.out_text) >= 4.5
    assert contrast(base, c.muted_text) >= 3
    assert contrast(base, c.ok_text) >= 3
    theme.apply_theme(qapp, theme.LIGHT)


@pytest.mark.parametrize("kind", ["check box", "radio button"])
def test_check_boxes_and_radio_buttons_show_on_the_dark_theme(qapp, qtbot, kind) -> None:
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle, QStyleOptionButton

    theme.apply_theme(qapp, theme.DARK)
    box = QCheckBox("Sync failures") if kind == "check box" else QRadioButton("Polling only")
    qtbot.addWidget(box)
    box.show()
    image = box.grab().toImage()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxIndicator
        if kind == "check box"
        else QStyle.SubElement.SE_RadioButtonIndicator
    )
    rect = box.style().subElementRect(element, option, box)
    window = box.palette().color(QPalette.ColorRole.Window)
    drawn = [
        QColor(image.pixel(x, y))
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    ]
    assert max(contrast(window, c) for c in drawn) >= 3  # its outline stands out
    theme.apply_theme(qapp, theme.LIGHT)


def test_shortcuts_switch_tabs_find_and_are_all_bound(gui_shop, open_window, qtbot) -> None:
    window = open_window(gui_shop.context())
    bound = {a.shortcut().toString() for a in window.actions_by_key.values()}
    assert {keys for key, keys, _ in SHORTCUTS if key not in LOCAL_KEYS} <= bound
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() == "cancellations"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() == "inventory"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() == "orders"
    assert QApplication.focusWidget() is window.orders_tab.search
    qtbot.keyClicks(window.orders_tab.search, "candle")
    qtbot.keyClick(window.orders_tab.search, Qt.Key.Key_Escape)
    assert window.orders_tab.search.text() == ""


def test_size_tab_and_columns_are_remembered_in_the_data_folder(
    gui_shop, open_window, qtbot
) -> None:
    window = open_window(gui_shop.context())
    window.resize(760, 640)  # within the offscreen screen (800 x 800), which bounds a restore
    window.open_tab("health")
    window.orders_tab.table.setColumnHidden(1, True)
    window.close()
    assert (gui_shop.paths.root / "window.ini").exists()

    again = open_window(gui_shop.context())
    assert again.current_tab() == "health"
    assert (again.width(), again.height()) == (760, 640)
    assert again.orders_tab.table.isColumnHidden(1)


def test_the_window_fits_a_small_laptop_screen_and_drops_a_size_that_no_longer_fits(
    gui_shop, open_window, qtbot
) -> None:
    from PySide6.QtCore import QRect, QSize

    from app.gui.window_size import fits, fitted_size, restore_or_fit

    laptop = QRect(0, 0, 1366, 728)  # 1366x768 with a 40-pixel panel
    assert fitted_size(laptop) == QSize(1280, 688)
    assert fitted_size(QRect(0, 0, 2560, 1400)) == QSize(1280, 800)
    window = open_window(gui_shop.context())
    assert restore_or_fit(window, None, [laptop]) is False
    assert fits(window.geometry(), [laptop])
    assert window.height() <= 688 and window.minimumSizeHint().height() <= 688

    tall = QRect(0, 0, 800, 800)  # the offscreen screen: a size saved on it
    window.setGeometry(0, 10, 760, 700)
    saved = window.saveGeometry()
    assert restore_or_fit(window, saved, [tall]) is True and window.height() == 700
    short = QRect(0, 0, 1366, 600)  # a smaller screen: the saved height would hide the bar
    assert restore_or_fit(window, saved, [short]) is False
    assert fits(window.geometry(), [short]) and window.height() <= 600


def test_the_demo_opens_without_a_no_shop_flash(gui_shop, qtbot) -> None:
    from app.gui.main_window import MainWindow

    window = MainWindow(gui_shop.context(demo=True, auto_import_days=60), use_tray=False)
    qtbot.addWidget(window)
    orders, inventory = window.orders_tab, window.inventory_tab
    seen: list[str] = []

    def look() -> bool:
        for area in (orders.table_area, inventory.area):
            if area.is_empty:
                seen.append(area.empty.title.text())
        return orders.model.rowCount() > 0

    look()
    window.show()
    # What is shown until the first orders arrive is the point, not how soon (CI's cores are
    # shared by four test workers and their servers).
    qtbot.waitUntil(look, timeout=60000)
    assert seen and seen[0] == "Opening your shop…"
    assert "No shop connected yet" not in seen
    window.close()


@pytest.mark.parametrize("choice", [theme.LIGHT, theme.DARK])
def test_a_full_progress_bar_looks_full(qapp, qtbot, choice) -> None:
    from PySide6.QtWidgets import QProgressBar

    theme.apply_theme(qapp, choice)
    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setTextVisible(False)
    bar.resize(200, 16)
    bar.setRange(0, 1000)
    bar.show()
    empty = bar.grab().toImage()
    bar.setValue(1000)
    full = bar.grab().toImage()
    middle = (100, 8)
    assert contrast(QColor(empty.pixel(*middle)), QColor(full.pixel(*middle))) >= 2.5
    theme.apply_theme(qapp, theme.LIGHT)
