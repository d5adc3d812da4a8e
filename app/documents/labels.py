"""Merging kept shipping labels into one PDF in pick order, every page on the chosen sheet.

Each label page (PDF of any size, or a PNG/JPEG picture) is drawn onto a sheet of the chosen
`Paper`: turned upright first (its /Rotate applied), turned a quarter clockwise when its
orientation differs from the slot's (a landscape label on a portrait sheet), scaled to fit and
centred. On `Paper.A6` (4x6 in thermal stock) a label fills the sheet; on larger sheets it is
never enlarged, so barcodes keep the size the carrier drew them at. A4 and LETTER take one
label per sheet, or two (one per half, turned to fit) with `per_sheet=2`.

A label that is missing or unreadable is left out and reported in `MergeResult.problems`; the
other labels are still merged. The PDF is written to a temporary file next to `out` and moved
into place at the end, so `out` is never half-written.

Each label page becomes a form XObject drawn with one matrix (see `label_files`): content is
copied as it is, never parsed, which keeps 500 labels within the 3 s budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfWriter, Transformation
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from app.documents.label_files import LabelPage, LabelReadError, read_label, why
from app.documents.model import DocumentError, LabelFile, LabelProblem, MergeResult, Paper
from app.documents.output import atomic_output
from app.documents.picking import pick_order

SHEET_MARGIN = 14.0  # points (5 mm): office printers cannot print to the edge; label stock can


@dataclass(frozen=True)
class Slot:
    """Where one label goes on a sheet (points, lower left corner)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def slots(paper: Paper, per_sheet: int) -> tuple[Slot, ...]:
    """The label positions on one sheet, top first."""
    if per_sheet not in (1, 2):
        raise DocumentError(f"labels per sheet must be 1 or 2, not {per_sheet}")
    if per_sheet == 2 and paper not in (Paper.A4, Paper.LETTER):
        raise DocumentError("two labels per sheet need A4 or LETTER paper")
    margin = 0.0 if paper is Paper.A6 else SHEET_MARGIN
    w, h = paper.width, paper.height
    if per_sheet == 1:
        return (Slot(margin, margin, w - 2 * margin, h - 2 * margin),)
    half = h / 2
    return (
        Slot(margin, half + margin / 2, w - 2 * margin, half - 1.5 * margin),
        Slot(margin, margin, w - 2 * margin, half - 1.5 * margin),
    )


def _turned(t: Transformation, quarters: int, w: float, h: float) -> Transformation:
    """`t` then a turn of `quarters` x 90 degrees clockwise, kept in the positive quadrant."""
    quarters %= 4
    if quarters == 1:
        return t.rotate(-90).translate(0, w)
    if quarters == 2:
        return t.rotate(180).translate(w, h)
    if quarters == 3:
        return t.rotate(90).translate(h, 0)
    return t


def placement(page: LabelPage, slot: Slot, enlarge: bool) -> Transformation:
    """The page's box -> the slot: upright, a quarter turn if needed, scaled, centred."""
    left, bottom, w, h = page.box
    quarters = round(page.rotation / 90)
    if quarters % 2:
        w, h = h, w
    if (w > h) != slot.landscape and abs(w - h) > 1:
        quarters += 1
        w, h = h, w
    # _turned takes the size before turning, so undo the swap for odd turns.
    raw_w, raw_h = (h, w) if quarters % 2 else (w, h)
    t = _turned(Transformation().translate(-left, -bottom), quarters, raw_w, raw_h)
    scale = min(slot.width / w, slot.height / h)
    if not enlarge:
        scale = min(scale, 1.0)
    x = slot.x + (slot.width - w * scale) / 2
    y = slot.y + (slot.height - h * scale) / 2
    return t.scale(scale, scale).translate(x, y)


def _draw(sheet: PageObject, writer: PdfWriter, forms: list[tuple[IndirectObject, str]]) -> None:
    """Fill one sheet: its resources name each form, one content stream draws them."""
    xobjects = DictionaryObject({NameObject(f"/L{i}"): ref for i, (ref, _) in enumerate(forms)})
    sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data("".join(f"q {cm} cm /L{i} Do Q\n" for i, (_, cm) in enumerate(forms)).encode())
    sheet[NameObject("/Contents")] = writer._add_object(content)


def _matrix(t: Transformation) -> str:
    return " ".join(f"{float(v):.6f}" for v in t.ctm)


def merge_labels(
    labels: Sequence[LabelFile],
    out: Path | str,
    paper: Paper = Paper.A6,
    *,
    per_sheet: int = 1,
) -> MergeResult:
    """Write every readable label into `out` in pick order; report the ones left out."""
    places = slots(paper, per_sheet)
    out = Path(out)
    writer = PdfWriter()
    placed: list[str] = []
    problems: list[LabelProblem] = []
    pending: list[tuple[IndirectObject, str]] = []
    for label in pick_order(labels):
        try:
            pages = read_label(label.path)
        except LabelReadError as exc:
            problems.append(LabelProblem(label.order_id, label.path, why(exc)))
            continue
        for page in pages:
            where = placement(page, places[len(pending)], enlarge=paper is Paper.A6)
            pending.append((page.form(writer), _matrix(where)))
            if len(pending) == len(places):
                _draw(writer.add_blank_page(paper.width, paper.height), writer, pending)
                pending = []
        placed.append(label.order_id)
    if pending:
        _draw(writer.add_blank_page(paper.width, paper.height), writer, pending)
    if not placed:
        return MergeResult(None, 0, (), tuple(problems))
    with atomic_output(out) as handle:
        writer.write(handle)
    return MergeResult(out, len(writer.pages), tuple(placed), tuple(problems))
