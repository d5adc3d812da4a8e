"""Reading one kept label file, PDF or picture, into pages that can be placed on a sheet.

A label page becomes a form XObject of the merged PDF: a PDF page's content is copied as it
is (never parsed), a PNG's compressed pixels go in untouched (PDF reads PNG's own predictors)
and a JPEG is embedded as it is; only other pictures are decoded and compressed again.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, UnidentifiedImageError
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from app.documents.model import DocumentError, Paper

PICTURE_BOX = Paper.A6  # a picture without a resolution is taken to be a 4x6 in label
LabelReadError = (OSError, DocumentError, PyPdfError, UnidentifiedImageError, ValueError)
_PNG = b"\x89PNG\r\n\x1a\n"


class LabelPage(Protocol):
    """One page of a label: its visible box (points), its /Rotate, and how to embed it."""

    @property
    def box(self) -> tuple[float, float, float, float]: ...  # left, bottom, width, height

    @property
    def rotation(self) -> int: ...

    def form(self, writer: PdfWriter) -> IndirectObject: ...


def _name(value: str) -> NameObject:
    return NameObject(value)


def _as_form(
    writer: PdfWriter, stream: StreamObject, box: list[float], resources: DictionaryObject
) -> IndirectObject:
    """Make `stream` a form XObject of `writer` that draws within `box`."""
    stream.update(
        {
            _name("/Type"): _name("/XObject"),
            _name("/Subtype"): _name("/Form"),
            _name("/BBox"): ArrayObject(FloatObject(v) for v in box),
            _name("/Resources"): resources,
        }
    )
    return writer._add_object(stream)


@dataclass(frozen=True)
class PdfPage:
    """A page of a label PDF."""

    page: PageObject

    @property
    def box(self) -> tuple[float, float, float, float]:
        crop = self.page.cropbox
        return float(crop.left), float(crop.bottom), float(crop.width), float(crop.height)

    @property
    def rotation(self) -> int:
        return int(self.page.rotation)

    def form(self, writer: PdfWriter) -> IndirectObject:
        """The page as a form XObject in `writer`, its content bytes copied without parsing."""
        contents = self.page.get("/Contents")
        target = contents.get_object() if contents is not None else None
        if isinstance(target, StreamObject):
            form = target.clone(writer, force_duplicate=True)
        else:
            joined = DecodedStreamObject()
            joined.set_data(self.page._get_contents_as_bytes() or b"")
            form = joined.flate_encode()
        assert isinstance(form, StreamObject)
        resources = self.page.get("/Resources", DictionaryObject()).clone(writer)
        box = [float(v) for v in self.page.cropbox]
        return _as_form(writer, form, box, resources)


@dataclass(frozen=True)
class Picture:
    """A label picture: an image XObject's dictionary and data, and its printed size."""

    image: dict[str, object]
    data: bytes
    width: float
    height: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return 0.0, 0.0, self.width, self.height

    @property
    def rotation(self) -> int:
        return 0

    def form(self, writer: PdfWriter) -> IndirectObject:
        """A form that draws the picture over its box."""
        image = StreamObject.initialize_from_dictionary(
            {**{_name(k): v for k, v in self.image.items()}, "__streamdata__": self.data}
        )
        form = DecodedStreamObject()
        form.set_data(f"q {self.width:.4f} 0 0 {self.height:.4f} 0 0 cm /P Do Q".encode())
        images = DictionaryObject({_name("/P"): writer._add_object(image)})
        resources = DictionaryObject({_name("/XObject"): images})
        return _as_form(writer, form, [0.0, 0.0, self.width, self.height], resources)


def _printed_size(px_w: int, px_h: int, dpi: object) -> tuple[float, float]:
    """Points from the picture's resolution, else fitted into a 4x6 in label."""
    if isinstance(dpi, tuple) and len(dpi) == 2 and min(float(dpi[0]), float(dpi[1])) >= 50:
        return px_w * 72 / float(dpi[0]), px_h * 72 / float(dpi[1])
    box_w, box_h = PICTURE_BOX.width, PICTURE_BOX.height
    if px_w > px_h:
        box_w, box_h = box_h, box_w
    scale = min(box_w / px_w, box_h / px_h)
    return px_w * scale, px_h * scale


def _image_dict(w: int, h: int, colors: int, filters: str) -> dict[str, object]:
    return {
        "/Type": _name("/XObject"),
        "/Subtype": _name("/Image"),
        "/Width": NumberObject(w),
        "/Height": NumberObject(h),
        "/ColorSpace": _name({1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}[colors]),
        "/BitsPerComponent": NumberObject(8),
        "/Filter": _name(filters),
    }


def _png_passthrough(raw: bytes, dpi: object) -> Picture | None:
    """A plain 8-bit grey or RGB PNG as it is (PDF decodes PNG predictors), else None."""
    if not raw.startswith(_PNG):
        return None
    at, idat = 8, []
    header = b""
    ended = False
    while at + 12 <= len(raw) and not ended:
        (length,) = struct.unpack(">I", raw[at : at + 4])
        kind, body = raw[at + 4 : at + 8], raw[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", raw[at + 8 + length : at + 12 + length] or b"\0\0\0\0")
        if zlib.crc32(kind + body) != crc:
            return None  # damaged or cut short: Pillow will say so
        ended = kind == b"IEND"
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"tRNS":
            return None  # transparency: composed onto white through Pillow instead
        at += 12 + length
    if len(header) != 13 or not idat or not ended:
        return None
    w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color not in (0, 2) or interlace:
        return None
    colors = 1 if color == 0 else 3
    image = _image_dict(w, h, colors, "/FlateDecode")
    image["/DecodeParms"] = DictionaryObject(
        {
            _name("/Predictor"): NumberObject(15),
            _name("/Colors"): NumberObject(colors),
            _name("/BitsPerComponent"): NumberObject(8),
            _name("/Columns"): NumberObject(w),
        }
    )
    return Picture(image, b"".join(idat), *_printed_size(w, h, dpi))


def _picture(path: Path) -> Picture:
    """A label picture at its printed size, embedded as directly as its format allows."""
    raw = path.read_bytes()
    with Image.open(io.BytesIO(raw)) as opened:
        dpi = opened.info.get("dpi")
        kind = opened.format
        if kind == "PNG":
            direct = _png_passthrough(raw, dpi)
            if direct is not None:
                return direct
        opened.load()
        w, h = opened.size
        if kind == "JPEG" and opened.mode in ("L", "RGB"):
            colors = 1 if opened.mode == "L" else 3
            return Picture(_image_dict(w, h, colors, "/DCTDecode"), raw, *_printed_size(w, h, dpi))
        flat = opened.convert("RGBA")
        white = Image.new("RGBA", flat.size, "white")
        pixels = Image.alpha_composite(white, flat).convert("RGB").tobytes()
    return Picture(
        _image_dict(w, h, 3, "/FlateDecode"), zlib.compress(pixels, 6), *_printed_size(w, h, dpi)
    )


def _pdf_pages(path: Path) -> list[LabelPage]:
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentError("the PDF is password-protected")
    pages: list[LabelPage] = [PdfPage(p) for p in reader.pages]
    if not pages:
        raise DocumentError("the PDF has no pages")
    return pages


def read_label(path: Path) -> list[LabelPage]:
    """The pages of one label file, PDF or picture, told apart by content, not by name."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise DocumentError("the file is empty")
    pages: list[LabelPage] = _pdf_pages(path) if b"%PDF-" in head else [_picture(path)]
    for page in pages:
        _, _, w, h = page.box
        if w <= 1 or h <= 1:
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
