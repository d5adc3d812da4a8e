"""Printing a PDF through Qt (the system's print dialog) or the system viewer, remembering the
printer and page size chosen per document kind (labels on the thermal printer, pick lists on
the office printer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSettings, QSizeF, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

LABELS, PICKLIST = "labels", "picklist"
#: Page sizes a creator picks from, by the names `Paper.parse` knows.
PAGE_SIZES = {
    "A6": QPageSize(QSizeF(4, 6), QPageSize.Unit.Inch, "4x6 in (thermal)"),
    "A5": QPageSize(QPageSize.PageSizeId.A5),
    "A4": QPageSize(QPageSize.PageSizeId.A4),
    "LETTER": QPageSize(QPageSize.PageSizeId.Letter),
}
DEFAULT_PAGE = {LABELS: "A6", PICKLIST: "A4"}
RENDER_DPI = 300


def remembered_page(prefs: QSettings, kind: str) -> str:
    """The page size last chosen for this kind of document."""
    value = str(prefs.value(f"print/{kind}/page", DEFAULT_PAGE[kind]) or DEFAULT_PAGE[kind])
    return value if value in PAGE_SIZES else DEFAULT_PAGE[kind]


def remember(prefs: QSettings, kind: str, *, page: str, printer: str | None = None) -> None:
    """Keep the choice for next time."""
    prefs.setValue(f"print/{kind}/page", page)
    if printer is not None:
        prefs.setValue(f"print/{kind}/printer", printer)


def prepared_printer(prefs: QSettings, kind: str) -> QPrinter:
    """A printer set up as last time for this kind (if that printer still exists)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = str(prefs.value(f"print/{kind}/printer", "") or "")
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    printer.setPageSize(PAGE_SIZES[remembered_page(prefs, kind)])
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Every page of the PDF onto the printer, fitted to its page; returns pages printed."""
    document = QPdfDocument()
    document.load(str(path))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise OSError(f"cannot read {path.name} to print it")
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            points = document.pagePointSize(page)
            scale = min(target.width() / points.width(), target.height() / points.height())
            size = QSizeF(points.width() * scale, points.height() * scale)
            pixels = points * (RENDER_DPI / 72)
            image = document.render(page, pixels.toSize())
            x = target.x() + (target.width() - size.width()) / 2
            y = target.y() + (target.height() - size.height()) / 2
            painter.drawImage(QRectF(x, y, size.width(), size.height()), image)
    finally:
        painter.end()
    return document.pageCount()


def print_with_dialog(path: Path, prefs: QSettings, kind: str, parent: QWidget) -> int:
    """The system print dialog, preset for this kind; 0 when the creator cancelled."""
    printer = prepared_printer(prefs, kind)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print labels" if kind == LABELS else "Print pick list")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return 0
    chosen = printer.pageLayout().pageSize()
    page = next(
        (name for name, size in PAGE_SIZES.items() if size.isEquivalentTo(chosen)),
        remembered_page(prefs, kind),
    )
    remember(prefs, kind, page=page, printer=printer.printerName())
    return print_pdf(path, printer)


def open_in_viewer(path: Path) -> bool:
    """The PDF in the system's viewer (which prints it with its own dialog)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
