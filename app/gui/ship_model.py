"""The ship dialog's rows: one order each, with its tracking number and carrier, check and result.

Seller-shipped orders take a tracking number and a carrier (TikTok's list for the order's
delivery option); TikTok-shipped ones take a handover method. Every row is checked with
`check_shipment` (app.ops) before anything is queued; its problems are typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlite_utils
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.gui.table_base import RowsTableModel
from app.gui.theme import colors
from app.gui.write_text import HANDOVER_LABELS
from app.ops.problems import Problem
from app.ops.shipping import (
    HANDOVER_METHODS,
    Queued,
    Shipment,
    check_shipment,
    queue_shipments,
)
from app.tiktok.models import LineItem, Order

Index = QModelIndex | QPersistentModelIndex

ORDER, ITEMS, TRACKING, CARRIER, RESULT = range(5)
HEADERS = ("Order", "Items", "Tracking number", "Carrier or handover", "Check and result")
#: The (value, label) choices of a Carrier cell; None while the carriers load.
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 30
ROW_STATE_ROLE = Qt.ItemDataRole.UserRole + 31

EDITING, PROBLEM, READY, SENDING, SHIPPED, REFUSED, RETRYING = (
    "editing",
    "problem",
    "ready",
    "sending",
    "shipped",
    "refused",
    "retrying",
)
#: Rows the creator may still change and (re)send.
EDITABLE = frozenset({EDITING, PROBLEM, READY, REFUSED})


@dataclass(frozen=True)
class ShipRow:
    """One order in the dialog and what the creator chose for it."""

    order_id: str
    skus: str = ""
    seller_ships: bool = True
    status: str = ""
    group: str = ""  # orders sharing a delivery option share a carrier list
    tracking: str = ""
    provider: str = ""  # provider id (seller shipping)
    handover: str = ""  # DROP_OFF or PICKUP (TikTok shipping)
    line_item_ids: tuple[str, ...] = ()
    state: str = EDITING
    message: str = ""
    #: What its last check found (typed: the dialog acts on their codes and fields).
    problems: tuple[Problem, ...] = ()
    outbox_id: int | None = None
    #: The order cannot ship as it is (shipped, cancelled, a buyer's open request).
    blocked: bool = False

    @property
    def editable(self) -> bool:
        """Still the creator's to change (not on its way, not shipped)."""
        return self.state in EDITABLE


def sku_summary(items: Sequence[LineItem]) -> str:
    """`CAN-SAG ×2, MUG-BLU`: the SKUs still to ship, identical units counted."""
    counts: dict[str, int] = {}
    for item in items:
        if item.display_status != "CANCELLED":
            key = item.seller_sku or item.product_name or item.sku_id
            counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())


def row_for(order: Order) -> ShipRow:
    """A fresh row for a stored order."""
    seller = order.shipping_type == "SELLER"
    return ShipRow(
        order_id=order.id,
        skus=sku_summary(order.line_items),
        seller_ships=seller,
        status=order.status,
        group=order.delivery_option_id or f"warehouse:{order.warehouse_id}",
        handover="" if seller else HANDOVER_METHODS[0],
    )


def missing_row(order_id: str) -> ShipRow:
    """A row for an order Shopdesk has not stored (its check says so)."""
    return ShipRow(order_id=order_id, group=f"order:{order_id}")


def shipment_of(row: ShipRow) -> Shipment:
    """What the row asks for: a tracking number and carrier, or a handover method."""
    return Shipment(
        row.order_id,
        tracking=row.tracking.strip() if row.seller_ships else "",
        provider=row.provider if row.seller_ships else "",
        handover="" if row.seller_ships else row.handover,
        line_item_ids=row.line_item_ids,
    )


def row_problems(db: sqlite_utils.Database, row: ShipRow) -> list[Problem]:
    """Everything wrong with one row, checked against the stored order (`check_shipment`)."""
    return check_shipment(db, shipment=shipment_of(row)).problems


def queue_rows(db: sqlite_utils.Database, rows: Sequence[ShipRow], *, now: int) -> Queued:
    """On the engine thread: check every row again and queue them all, or none (raises)."""
    return queue_shipments(db, shipments=[shipment_of(r) for r in rows], now=now)


class ShipRowsModel(RowsTableModel):
    """The rows, the carriers per delivery option, and every row's check or result."""

    HEADERS = HEADERS

    def __init__(self, rows: Sequence[ShipRow] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ShipRow] = list(rows)
        self.providers: dict[str, list[tuple[str, str]]] = {}
        self.loading: set[str] = set()
        self.failed: dict[str, str] = {}
        #: Rows from a checked file: shown, never edited (the file is the record).
        self.locked = False

    # --- rows -----------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ShipRow]) -> None:
        """Show other orders."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update(self, row: int, **changes: Any) -> None:
        """Change one row (its choice, its state and message)."""
        self.rows[row] = replace(self.rows[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def remove_where(self, predicate: Callable[[ShipRow], bool]) -> int:
        """Leave out the rows that match; returns how many went."""
        kept = [r for r in self.rows if not predicate(r)]
        gone = len(self.rows) - len(kept)
        if gone:
            self.set_rows(kept)
        return gone

    def groups(self) -> dict[str, str]:
        """Each seller-shipped delivery option, and one order to ask TikTok about it."""
        found: dict[str, str] = {}
        for row in self.rows:
            if row.seller_ships:
                found.setdefault(row.group, row.order_id)
        return found

    # --- carriers -------------------------------------------------------------------------------

    def set_loading(self, group: str) -> None:
        """TikTok is being asked for this option's carriers."""
        self.loading.add(group)
        self.failed.pop(group, None)
        self._group_changed(group)

    def set_failed(self, group: str, message: str) -> None:
        """The carriers could not be read."""
        self.loading.discard(group)
        self.failed[group] = message
        self._group_changed(group)

    def set_providers(
        self, group: str, providers: Sequence[tuple[str, str]], *, prefer: str = ""
    ) -> None:
        """The option's carriers arrived; rows without a carrier take `prefer` (a name) or the
        only one there is."""
        self.loading.discard(group)
        self.failed.pop(group, None)
        self.providers[group] = list(providers)
        ids = {pid for pid, _ in providers}
        wanted = next((pid for pid, name in providers if name.casefold() == prefer.casefold()), "")
        if not wanted and len(providers) == 1:
            wanted = providers[0][0]
        for n, row in enumerate(self.rows):
            if row.group == group and row.seller_ships and row.provider not in ids:
                self.rows[n] = replace(row, provider=wanted)
        self._group_changed(group)

    def _group_changed(self, group: str) -> None:
        for n, row in enumerate(self.rows):
            if row.group == group:
                self.dataChanged.emit(self.index(n, CARRIER), self.index(n, CARRIER))

    def choices(self, row: ShipRow) -> list[tuple[str, str]] | None:
        """What the Carrier cell offers: carriers, handover methods, or None while loading."""
        if not row.seller_ships:
            return [(m, HANDOVER_LABELS[m]) for m in HANDOVER_METHODS]
        return self.providers.get(row.group)

    def provider_name(self, row: ShipRow) -> str:
        """The chosen carrier's name."""
        return next((n for pid, n in self.providers.get(row.group, []) if pid == row.provider), "")

    def set_provider_everywhere(self, name: str) -> int:
        """The carrier for every editable seller-shipped row that offers it (by name)."""
        changed = 0
        for n, row in enumerate(self.rows):
            if not (row.seller_ships and row.editable):
                continue
            found = next(
                (p for p, label in self.providers.get(row.group, []) if label == name), None
            )
            if found is not None and found != row.provider:
                self.update(n, provider=found, state=EDITING, message="")
                changed += 1
        return changed

    # --- Qt model interface ---------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self.rows[index.row()]
        if (
            not self.locked
            and row.editable
            and (
                (index.column() == TRACKING and row.seller_ships)
                or (index.column() == CARRIER and self.choices(row))
            )
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            if column == TRACKING:
                return row.tracking
            if column == CARRIER:
                return row.provider if row.seller_ships else row.handover
            return self._text(row, column)
        if role == CHOICES_ROLE and column == CARRIER:
            return self.choices(row)
        if role == ROW_STATE_ROLE:
            return row.state
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CARRIER and row.group in self.failed:
                return self.failed[row.group]
            if column == TRACKING and not row.seller_ships:
                return "TikTok ships this order with its own label: choose how it reaches them."
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row, text = self.rows[index.row()], "" if value is None else str(value)
        if index.column() == TRACKING:
            if text == row.tracking:
                return True
            self.rows[index.row()] = replace(row, tracking=text, state=EDITING, message="")
        elif row.seller_ships:
            if text == row.provider:
                return True
            self.rows[index.row()] = replace(row, provider=text, state=EDITING, message="")
        else:
            if text not in HANDOVER_METHODS or text == row.handover:
                return text == row.handover
            self.rows[index.row()] = replace(row, handover=text, state=EDITING, message="")
        self.dataChanged.emit(
            self.index(index.row(), TRACKING), self.index(index.row(), len(HEADERS) - 1)
        )
        return True

    def _text(self, row: ShipRow, column: int) -> str:
        if column == ORDER:
            return row.order_id
        if column == ITEMS:
            return row.skus
        if column == TRACKING:
            return row.tracking if row.seller_ships else "TikTok's label"
        if column == CARRIER:
            if not row.seller_ships:
                return HANDOVER_LABELS.get(row.handover, row.handover)
            if row.group in self.loading:
                return "Loading carriers…"
            if row.group in self.failed:
                return "Carriers not loaded"
            return self.provider_name(row) or "Choose a carrier"
        if row.message:
            return row.message
        return "Ready to ship" if row.state == READY else ""

    def _colour(self, row: ShipRow, column: int) -> Any:
        c = colors()
        if column == RESULT:
            if row.state in (PROBLEM, REFUSED):
                return c.danger_text
            if row.state in (SHIPPED, READY):
                return c.ok_text
            return c.muted_text
        if column == TRACKING and not row.seller_ships:
            return c.muted_text
        if column == CARRIER and row.seller_ships and not self.provider_name(row):
            return c.danger_text if row.group in self.failed else c.muted_text
        return None
