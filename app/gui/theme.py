"""Light and dark palettes, and warning colours that stay readable on both."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from app.gui.assets import style_sheet

SYSTEM, LIGHT, DARK = "system", "light", "dark"


@dataclass(frozen=True)
class Colors:
    """Semantic colours: text and background pairs chosen for contrast in each theme."""

    danger_text: QColor
    danger_back: QColor
    warning_text: QColor
    warning_back: QColor
    ok_text: QColor
    muted_text: QColor
    low_text: QColor
    low_back: QColor
    out_text: QColor
    out_back: QColor
    accent: QColor
    chart_primary: QColor
    chart_secondary: QColor


_LIGHT = Colors(
    danger_text=QColor("#8f1d1d"),
    danger_back=QColor("#fde0de"),
    warning_text=QColor("#7a4b00"),
    warning_back=QColor("#fff0cc"),
    ok_text=QColor("#1b6b3a"),
    muted_text=QColor("#667085"),
    low_text=QColor("#5c4a00"),
    low_back=QColor("#fff8d9"),
    out_text=QColor("#343b48"),
    out_back=QColor("#e8eaef"),
    accent=QColor("#d61f47"),
    chart_primary=QColor("#1f77b4"),
    chart_secondary=QColor("#e4572e"),
)
_DARK = Colors(
    danger_text=QColor("#ffd3cf"),
    danger_back=QColor("#5f2020"),
    warning_text=QColor("#ffe4a8"),
    warning_back=QColor("#5a4310"),
    ok_text=QColor("#8fe0aa"),
    muted_text=QColor("#a0a8b8"),
    low_text=QColor("#f3e6a6"),
    low_back=QColor("#3d3820"),
    out_text=QColor("#d3d8e2"),
    out_back=QColor("#2f333e"),
    accent=QColor("#ff5c7c"),
    chart_primary=QColor("#6cb4ee"),
    chart_secondary=QColor("#ff8a65"),
)

_current = _LIGHT


def colors() -> Colors:
    """The semantic colours of the theme in use."""
    return _current


def system_prefers_dark() -> bool:
    """True when the desktop asks for dark mode (unknown counts as light)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion: near-black surfaces, off-white text, pink accent."""
    p = QPalette()
    window, base, alt = QColor("#1e2028"), QColor("#16181f"), QColor("#22252e")
    text, disabled = QColor("#e6e8ee"), QColor("#7d8391")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, alt)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#2b2f3a"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, disabled)
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#2a2d37"))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ff6b81"))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#3d5a99"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.Link, QColor("#8ab4ff"))
        p.setColor(group, QPalette.ColorRole.Mid, QColor("#3a3e4a"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#323642"))
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#121318"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#3c404c"))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor("#000000"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#24272f"))
    return p


def light_palette() -> QPalette:
    """Fusion's light palette with a softer highlight."""
    style = QStyleFactory.create("Fusion")
    p = style.standardPalette() if style is not None else QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#cfe0fc"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#0b1a33"))
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#f6f7f9"))
    return p


#: Fusion draws check box and radio button outlines from the window colour made darker,
#: which vanishes on a dark window; on the dark palette they are drawn from this one.
_INDICATOR_WINDOW = QColor("#b4bccc")


class VisibleIndicators(QProxyStyle):
    """Fusion, with check boxes and radio buttons outlined so they show on a dark window."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """The two indicators get a light window colour for their outline; the rest is Fusion."""
        if is_dark() and element in (
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
            QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        ):
            lit = type(option)(option)  # the same kind of option: Fusion casts to it
            palette = QPalette(option.palette)
            palette.setColor(QPalette.ColorRole.Window, _INDICATOR_WINDOW)
            lit.palette = palette
            super().drawPrimitive(element, lit, painter, widget)
            return
        super().drawPrimitive(element, option, painter, widget)


def apply_theme(app: QApplication, choice: str = SYSTEM) -> bool:
    """Set Fusion with a light or dark palette; returns True when dark."""
    global _current
    dark = choice == DARK or (choice == SYSTEM and system_prefers_dark())
    # The application owns the style it is given and deletes the one it replaces: no
    # reference to it is kept here. A style written in Python is entered for every primitive
    # of every widget (a list's row background, once per cell), and each entry takes the GIL,
    # which the engine holds during an import: only the dark palette needs one.
    app.setStyle(VisibleIndicators("Fusion") if dark else "Fusion")
    palette = dark_palette() if dark else light_palette()
    app.setPalette(palette)
    _current = _DARK if dark else _LIGHT
    # The soft selection colour would draw a finished progress bar as if it were empty.
    bars = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        bars.setColor(group, QPalette.ColorRole.Highlight, _current.chart_primary)
    # PySide6 takes the class name as str; its stubs say bytes (a str is what works).
    app.setPalette(bars, "QProgressBar")  # type: ignore[arg-type]
    app.setProperty("shopdesk_dark", dark)
    app.setStyleSheet(style_sheet())
    return dark


_LIST_STYLE = "shopdeskListStyle"


def list_style() -> QStyle:
    """Plain Fusion for a list without check boxes or radio buttons, whatever the palette.

    Widgets do not own the style they are given: the application does, one per application.
    """
    app = QApplication.instance()
    style = app.findChild(QStyle, _LIST_STYLE) if app is not None else None
    if style is None:
        style = QStyleFactory.create("Fusion")
        assert style is not None  # Fusion is built into Qt
        style.setObjectName(_LIST_STYLE)
        style.setParent(app)
    return style


def is_dark() -> bool:
    """Whether the dark palette is in use."""
    return _current is _DARK
