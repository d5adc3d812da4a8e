"""PDFs without Qt: shipping labels merged in pick order, pick lists, packing slips."""

from app.documents.labels import merge_labels
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
from app.documents.picklist_pdf import PicklistResult, write_picklist

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
