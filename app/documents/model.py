"""The plain, typed input and output of the document makers (no database, no TikTok types)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5, LETTER, inch

_MM = 72 / 25.4


class DocumentError(ValueError):
    """Input the document makers refuse, named plainly; nothing was written."""


class Paper(enum.Enum):
    """A sheet size in points (width, height), portrait.

    `A6` is the 4x6 in thermal label stock (101.6 x 152.4 mm) that TikTok's "A6" labels are
    printed on, not ISO A6 (105 x 148 mm): a TikTok A6 label shrinks by 3% to fit it.
    """

    A6 = (4 * inch, 6 * inch)
    A5 = A5
    A4 = A4
    LETTER = LETTER

    @property
    def width(self) -> float:
        return float(self.value[0])

    @property
    def height(self) -> float:
        return float(self.value[1])

    @classmethod
    def parse(cls, name: str) -> Paper:
        """The member for a user's word (`a6`, `4x6`, `Letter`...), or a DocumentError."""
        word = name.strip().upper().replace(" ", "")
        if word in ("4X6", "4X6IN", "THERMAL"):
            return cls.A6
        try:
            return cls[word]
        except KeyError:
            choices = ", ".join(m.name for m in cls)
            raise DocumentError(f"unknown paper size {name!r}: choose {choices}") from None


ISO_A6_POINTS = (105 * _MM, 148 * _MM)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise DocumentError(message)


@dataclass(frozen=True)
class PickLine:
    """One item of an order as the picker and the packer see it."""

    seller_sku: str
    product_name: str
    quantity: int
    variant: str = ""
    bin_location: str = ""
    barcode: str = ""

    def __post_init__(self) -> None:
        _require(
            isinstance(self.quantity, int) and self.quantity >= 1,
            f"item {self.seller_sku or self.product_name!r}: quantity must be a whole number "
            f">= 1, not {self.quantity!r}",
        )
        _require(
            bool(self.seller_sku.strip() or self.product_name.strip()),
            "an item needs a seller SKU or a product name",
        )


@dataclass(frozen=True)
class PickOrder:
    """One order to pick and pack: its items and what the packing slip shows.

    `ship_by` is integer UTC seconds (TikTok's `rts_sla_time`) or None; `shipping_type` is
    shown as given (e.g. "TikTok Shipping"); `address_lines` are printed one per line under
    the recipient's name.
    """

    order_id: str
    lines: tuple[PickLine, ...]
    recipient_name: str = ""
    address_lines: tuple[str, ...] = ()
    gift_message: str = ""
    buyer_note: str = ""
    ship_by: int | None = None
    shipping_type: str = ""

    def __post_init__(self) -> None:
        _require(bool(self.order_id.strip()), "an order needs an order id")
        _require(
            self.order_id.isascii() and self.order_id.isprintable(),
            f"order id {self.order_id!r} must be printable ASCII (it becomes a barcode)",
        )
        _require(bool(self.lines), f"order {self.order_id} has no items")
        # A list passed by mistake would make the frozen order unhashable and mutable.
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "address_lines", tuple(self.address_lines))


@dataclass(frozen=True)
class LabelFile:
    """A kept shipping label (PDF of any page size, or PNG picture) of one order.

    `bin_location` and `seller_sku` place it in pick order; `label_for(order, path)` takes
    them from the order, so labels come out in the same order as its packing slips.
    """

    order_id: str
    path: Path
    bin_location: str = ""
    seller_sku: str = ""


@dataclass(frozen=True)
class LabelProblem:
    """A label that could not be put in the merged PDF, and why in plain words."""

    order_id: str
    path: Path
    reason: str


@dataclass(frozen=True)
class MergeResult:
    """What `merge_labels` wrote: `pages` sheets holding `placed` labels (order ids in order).

    `path` is None when no label could be read (nothing was written, an older file at the
    destination is left as it was); `problems` lists each label left out.
    """

    path: Path | None
    pages: int
    placed: tuple[str, ...]
    problems: tuple[LabelProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems
