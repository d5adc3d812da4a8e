"""One SKU's shipping profile: packed weight and size (over TikTok's product data, used to buy
its labels), shelf bin and barcode (pick list and pack station). Saved through the engine."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.ops.labels import set_sku_profile
from app.ops.parcels import ParcelError, parse_dims, parse_weight
from app.queries.profiles import fetch_product_packages, fetch_profiles

WEIGHT_UNITS = ("GRAM", "KILOGRAM", "POUND", "OUNCE")
LENGTH_UNITS = ("CM", "INCH")


class ProfileDialog(QDialog):
    """Edit one SKU's profile; `save` hands the write to the caller (the engine)."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        sku_id: str,
        seller_sku: str,
        save: Callable[[Callable[[sqlite_utils.Database], object]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.setWindowTitle(f"Shipping profile · {seller_sku or sku_id}")
        self.sku_id, self._save = sku_id, save
        profile = fetch_profiles(db, [sku_id]).get(sku_id)
        tiktok = fetch_product_packages(db, [sku_id]).get(sku_id)
        self.weight = QLineEdit()
        self.weight_unit = QComboBox()
        self.weight_unit.addItems(WEIGHT_UNITS)
        self.dims = QLineEdit(placeholderText="LxWxH, e.g. 20x15x5")
        self.length_unit = QComboBox()
        self.length_unit.addItems(LENGTH_UNITS)
        self.bin = QLineEdit()
        self.barcode = QLineEdit()
        if profile is not None:
            if profile.weight is not None:
                self.weight.setText(format(profile.weight, "f"))
                self.weight_unit.setCurrentText(profile.weight_unit)
            if profile.length is not None:
                sides = (profile.length, profile.width, profile.height)
                self.dims.setText("x".join(format(s, "f") for s in sides if s is not None))
                self.length_unit.setCurrentText(profile.length_unit)
            self.bin.setText(profile.bin_location)
            self.barcode.setText(profile.barcode)
        shown = "none"
        if tiktok is not None and tiktok.weight is not None:
            shown = " ".join(tiktok.weight)
            if tiktok.dimensions is not None:
                shown += " · " + "x".join(tiktok.dimensions[:3]) + " " + tiktok.dimensions[3]
        self.tiktok = QLabel(f"TikTok's product data: {shown} (used when these are empty)")
        self.tiktok.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("profileProblem")
        self.problem.setStyleSheet("color: #b91c1c")
        weight_row, dims_row = QHBoxLayout(), QHBoxLayout()
        weight_row.addWidget(self.weight)
        weight_row.addWidget(self.weight_unit)
        dims_row.addWidget(self.dims)
        dims_row.addWidget(self.length_unit)
        form = QFormLayout()
        form.addRow("Weight of one unit, packed", weight_row)
        form.addRow("Size", dims_row)
        form.addRow("Bin / location", self.bin)
        form.addRow("Barcode", self.barcode)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept_profile)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tiktok)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def accept_profile(self) -> None:
        """Check the fields (a bad one is named and nothing is saved), then save."""
        weight, dims = self.weight.text().strip(), self.dims.text().strip()
        try:
            if weight:
                parse_weight(weight, self.weight_unit.currentText())
            if dims:
                parse_dims(dims, self.length_unit.currentText())
        except ParcelError as exc:
            self.problem.setText(str(exc))
            return
        sku_id = self.sku_id
        values = {
            "weight": weight,
            "weight_unit": self.weight_unit.currentText(),
            "dims": dims,
            "length_unit": self.length_unit.currentText(),
            "bin_location": self.bin.text(),
            "barcode": self.barcode.text(),
        }
        self._save(lambda db: set_sku_profile(db=db, sku_id=sku_id, **values))
        self.accept()
