"""Cost of goods from the Inventory tab: one SKU's cost from a date, or a CSV file of costs
(checked whole, saved all or nothing), written on the engine thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from app.gui.engine_host import EngineHost
from app.gui.files import open_csv
from app.gui.reader import Reader
from app.gui.tasks import TaskManager
from app.ops.money import apply_cost_file, plan_cost_file, set_cost
from app.ops.problems import ProblemsError, UsageError


class CostDialog(QDialog):
    """What one unit of a SKU costs, and the day it applies from (UTC)."""

    def __init__(self, seller_sku: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Cost of {seller_sku}")
        self.amount = QLineEdit(placeholderText="4.50")
        self.amount.setObjectName("costAmount")
        self.from_day = QDateEdit(QDate.currentDate())
        self.from_day.setDisplayFormat("yyyy-MM-dd")
        self.from_day.setCalendarPopup(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Cost per unit", self.amount)
        form.addRow("Applies from", self.from_day)
        form.addRow(buttons)

    def day(self) -> str:
        return self.from_day.date().toString("yyyy-MM-dd")


class CostActions:
    """The Inventory tab's cost buttons; `done` gets a status-bar line."""

    def __init__(
        self,
        parent: QWidget,
        reader: Reader,
        host: EngineHost,
        tasks: TaskManager,
        packaging: Callable[[], str],
        done: Callable[[str], None],
    ) -> None:
        self.parent, self.reader, self.host, self.tasks = parent, reader, host, tasks
        self.packaging, self.done = packaging, done

    def set_cost(self, seller_sku: str | None, amount: str = "", day: str = "") -> None:
        """Ask for (or take) the cost of one SKU and save it through the engine."""
        engine = self.host.engine
        if engine is None or not seller_sku:
            self.done("Select a SKU first (and connect a shop).")
            return
        if not amount:
            dialog = CostDialog(seller_sku, self.parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            amount, day = dialog.amount.text(), dialog.day()
        day = day or datetime.now(UTC).strftime("%Y-%m-%d")
        packaging, now = self.packaging(), int(time.time())
        self.tasks.watch(
            engine.run_write(
                lambda db: set_cost(
                    db,
                    seller_sku=seller_sku,
                    amount=amount,
                    from_day=day,
                    now=now,
                    packaging=packaging,
                )
            ),
            lambda _done: self.done(f"Cost of {seller_sku} is {amount} from {day}."),
            lambda error: self.done(f"Not saved: {error}"),
            owner=self.parent,
        )

    def import_costs(self, path: str | None = None) -> None:
        """Costs from a CSV file (seller_sku, amount, from); every bad line named."""
        db, engine = self.reader.db, self.host.engine
        if db is None or engine is None:
            self.done("Connect a shop first.")
            return
        path = path or open_csv(self.parent, "Import costs of goods")
        if not path:
            return
        try:
            costs = plan_cost_file(db, Path(path))
        except ProblemsError as exc:
            lines = "\n".join(p.for_people() for p in exc.problems)
            QMessageBox.warning(self.parent, "Nothing was imported", lines)
            return
        except UsageError as exc:
            QMessageBox.warning(self.parent, "Cannot read the file", str(exc))
            return
        packaging, now = self.packaging(), int(time.time())
        self.tasks.watch(
            engine.run_write(
                lambda wdb: apply_cost_file(wdb, costs=costs, now=now, packaging=packaging)
            ),
            lambda done: self.done(f"Imported {done.value or 0} costs."),
            lambda error: self.done(f"Not imported: {error}"),
            owner=self.parent,
        )
