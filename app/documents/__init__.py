"""PDFs without Qt: shipping labels merged in pick order, pick lists, packing slips.

Plain typed input in, a PDF file out; no database, no network, nothing from TikTok's wire
format. The callers (ops, CLI, GUI) turn their orders into `PickOrder`s:

    order = PickOrder(
        order_id="576461413038785001",
        lines=(PickLine("LIP-OIL-CHERRY", "Tinted Lip Oil", 2, variant="Cherry",
                        bin_location="B-02", barcode="0850000001"),),
        recipient_name="Zoë Martínez",
        address_lines=("4410 Alder Street", "Portland, OR 97201", "United States"),
        gift_message="", buyer_note="", ship_by=1790000000, shipping_type="TikTok Shipping",
    )

    write_picklist(orders, "picklist.pdf", Paper.A4)        # pick list, then a slip per order
    merge_labels([label_for(o, path_of[o.order_id]) for o in orders], "labels.pdf", Paper.A6)

- `pick_order(orders_or_labels)`: the one sort both use (first item's bin, then seller SKU,
  then order id; bins compare naturally), so slips and labels come out in the same order.
- `merge_labels(labels, out, paper=Paper.A6, *, per_sheet=1) -> MergeResult`: PDF labels of
  any page size and PNG/JPEG pictures, each page fitted upright onto the sheet (`A6` is 4x6 in
  thermal stock); `per_sheet=2` puts two labels on A4/LETTER. A missing or damaged file is a
  `LabelProblem` in the result, never an exception; nothing readable writes nothing.
- `write_picklist(orders, out, paper=Paper.A4, *, picklist=True, slips=True, title=...,
  printed_at=None, tz=None) -> PicklistResult`: on A4/LETTER (office printer) or A5/A6
  (thermal slips); each slip has a Code 128 barcode of the order id.

Both write to a private temporary file beside `out` and rename it, so `out` is complete or
untouched; `out`'s folder must exist. Bad input raises `DocumentError` (a ValueError) with a
plain reason before anything is written.
"""

from typing import TYPE_CHECKING, Any

from app.documents.model import (
    DocumentError,
    LabelFile,
    LabelProblem,
    MergeResult,
    Paper,
    PickLine,
    PickOrder,
)
from app.documents.picking import label_for, pick_order

if TYPE_CHECKING:
    from app.documents.labels import merge_labels
    from app.documents.picklist_pdf import PicklistResult, write_picklist

#: Loaded on first use: reportlab's platypus and pypdf cost the window 0.2 s and 28 MB at
#: start-up, and most sessions print nothing.
_LAZY = {
    "merge_labels": "app.documents.labels",
    "PicklistResult": "app.documents.picklist_pdf",
    "write_picklist": "app.documents.picklist_pdf",
}


def __getattr__(name: str) -> Any:
    """The PDF writers, imported when a caller first asks for one."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "DocumentError",
    "LabelFile",
    "LabelProblem",
    "MergeResult",
    "Paper",
    "PickLine",
    "PickOrder",
    "PicklistResult",
    "label_for",
    "merge_labels",
    "pick_order",
    "write_picklist",
]
