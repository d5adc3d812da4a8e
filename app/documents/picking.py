"""Pick order: the one sort that the pick list, the packing slips and the merged labels share.

An order is picked by its first item in shelf order (the item with the lowest bin/location,
then seller SKU); orders sort by that item's bin, then its SKU, then the order id. Bins and
SKUs compare naturally ("A2" before "A10"), case-insensitively; items without a bin come last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from app.documents.model import LabelFile, PickLine, PickOrder

_DIGITS = re.compile(r"(\d+)")

NaturalKey = tuple[tuple[int, int, str], ...]
PickKey = tuple[bool, NaturalKey, NaturalKey, NaturalKey]
Sortable = TypeVar("Sortable", PickOrder, LabelFile)


def natural_key(text: str) -> NaturalKey:
    """ "A2" < "A10" < "b1": digit runs compare as numbers, letters without case."""
    parts = _DIGITS.split(text.strip().casefold())
    return tuple(
        (1, int(part), part) if i % 2 else (0, 0, part) for i, part in enumerate(parts) if part
    )


def _place_key(bin_location: str, seller_sku: str, tail: str) -> PickKey:
    return (
        not bin_location.strip(),
        natural_key(bin_location),
        natural_key(seller_sku),
        natural_key(tail),
    )


def line_key(line: PickLine) -> PickKey:
    """Shelf order of one item: bin, then seller SKU, then product name."""
    return _place_key(line.bin_location, line.seller_sku, line.product_name)


def first_pick_line(order: PickOrder) -> PickLine:
    """The item a picker reaches first for this order."""
    return min(order.lines, key=line_key)


def pick_key(item: PickOrder | LabelFile) -> PickKey:
    """Where an order (or its label) stands in pick order."""
    if isinstance(item, PickOrder):
        first = first_pick_line(item)
        return _place_key(first.bin_location, first.seller_sku, item.order_id)
    return _place_key(item.bin_location, item.seller_sku, item.order_id)


def pick_order(items: Iterable[Sortable]) -> list[Sortable]:
    """Orders or labels in pick order (stable: equal keys keep their given order)."""
    return sorted(items, key=pick_key)


def label_for(order: PickOrder, path: Path | str) -> LabelFile:
    """The label file of `order`, placed in pick order exactly like its packing slip."""
    first = first_pick_line(order)
    return LabelFile(order.order_id, Path(path), first.bin_location, first.seller_sku)


@dataclass(frozen=True)
class PickRow:
    """One line of the pick list: a SKU, its bin, the total to pick and the orders it goes to.

    `orders` holds (order id, quantity) in pick order.
    """

    seller_sku: str
    product_name: str
    variant: str
    bin_location: str
    quantity: int
    orders: tuple[tuple[str, int], ...]


def pick_rows(orders: Iterable[PickOrder]) -> list[PickRow]:
    """Every SKU of the orders once, with its total, sorted by bin (then SKU, then name)."""
    found: dict[tuple[str, str, str], tuple[PickLine, dict[str, int]]] = {}
    for order in pick_order(orders):
        for line in order.lines:
            key = (line.seller_sku.strip(), line.product_name.strip(), line.variant.strip())
            if line.seller_sku.strip():
                key = (line.seller_sku.strip(), "", "")
            _first, per_order = found.setdefault(key, (line, {}))
            per_order[order.order_id] = per_order.get(order.order_id, 0) + line.quantity
    rows = [
        PickRow(
            seller_sku=first.seller_sku,
            product_name=first.product_name,
            variant=first.variant,
            bin_location=first.bin_location,
            quantity=sum(per_order.values()),
            orders=tuple(per_order.items()),
        )
        for first, per_order in found.values()
    ]
    return sorted(rows, key=lambda r: _place_key(r.bin_location, r.seller_sku, r.product_name))


def short_ids(order_ids: Iterable[str], shortest: int = 4) -> dict[str, str]:
    """Each id cut to the shortest ending (at least `shortest` characters) that is unique
    in the batch, like "…785001": a picker matches it to the slip at a glance."""
    ids = list(dict.fromkeys(order_ids))
    longest = max((len(i) for i in ids), default=0)
    size = shortest
    while size < longest and len({i[-size:] for i in ids}) < len(ids):
        size += 1
    return {i: i if len(i) <= size else f"…{i[-size:]}" for i in ids}
