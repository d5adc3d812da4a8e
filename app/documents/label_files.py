"""Reading one kept label file, PDF or picture, into pages that can be placed on a sheet."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.documents.model import DocumentError, Paper

PICTURE_BOX = Paper.A6  # a picture without a resolution is taken to be a 4x6 in label
LabelReadError = (OSError, DocumentError, PyPdfError, UnidentifiedImageError, ValueError)


def _picture_page(path: Path) -> PageObject:
    """A label picture as a one-page PDF at its printed size (its dpi, else a 4x6 in box)."""
    with Image.open(path) as opened:
        opened.load()
        px_w, px_h = opened.size
        dpi = opened.info.get("dpi")
        image = opened if opened.mode in ("1", "L", "RGB") else opened.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    if dpi and float(dpi[0]) >= 50 and float(dpi[1]) >= 50:
        w, h = px_w * 72 / float(dpi[0]), px_h * 72 / float(dpi[1])
    else:
        box_w, box_h = PICTURE_BOX.width, PICTURE_BOX.height
        if px_w > px_h:
            box_w, box_h = box_h, box_w
        scale = min(box_w / px_w, box_h / px_h)
        w, h = px_w * scale, px_h * scale
    pdf = io.BytesIO()
    canvas = Canvas(pdf, pagesize=(w, h))
    buffer.seek(0)
    canvas.drawImage(ImageReader(buffer), 0, 0, w, h)
    canvas.showPage()
    canvas.save()
    pdf.seek(0)
    return PdfReader(pdf).pages[0]


def _pdf_pages(path: Path) -> list[PageObject]:
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentError("the PDF is password-protected")
    pages = list(reader.pages)
    if not pages:
        raise DocumentError("the PDF has no pages")
    return pages


def read_label(path: Path) -> list[PageObject]:
    """The pages of one label file, PDF or picture, told apart by content, not by name."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise DocumentError("the file is empty")
    pages = _pdf_pages(path) if b"%PDF-" in head else [_picture_page(path)]
    for page in pages:
        box = page.cropbox
        if float(box.width) <= 1 or float(box.height) <= 1:
            raise DocumentError("a page of the label has no size")
        if page.rotation % 90:
            raise DocumentError(f"a page is turned by {page.rotation} degrees")
    return pages


def why(exc: Exception) -> str:
    """A plain reason for a label that could not be read."""
    if isinstance(exc, FileNotFoundError):
        return "the label file is missing: fetch the label again"
    if isinstance(exc, DocumentError):
        return f"the label file is unusable: {exc}"
    if isinstance(exc, IsADirectoryError | PermissionError):
        return f"the label file cannot be read: {exc.strerror or exc}"
    return "the label file is damaged (not a readable PDF or picture): fetch the label again"
