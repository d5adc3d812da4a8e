"""The ship dialog's layout: intro, tools, the rows table, the items chooser, status, buttons.

Only widgets live here; what pressing them does is the dialog's flow (`ship_dialog.py`) and
what a row holds is its model (`ship_model.py`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import formatting as fmt
from app.gui.ship_model import CARRIER, ITEMS, ORDER, RESULT, TRACKING, ShipRowsModel
from app.gui.ship_widgets import ItemsChooser, ShipDelegate, item_groups
from app.gui.table_view import make_table
from app.gui.theme import colors
from app.gui.write_text import HANDOVER_LABELS
from app.tiktok.models import Order

_FILE_INTRO = (
    "Every line of {source} was checked. Shopdesk marks these orders shipped on TikTok Shop "
    "and shows each one's result here."
)
_INTRO = (
    "Enter each order's tracking number and carrier (Enter moves to the next order). Shopdesk "
    "checks every row first: nothing is sent until all of them are right. TikTok-shipped "
    "orders use TikTok's label: choose how the parcel reaches the carrier."
)


class ShipDialogView(QDialog):
    """The widgets of the ship dialog, laid out; no flow."""

    def __init__(
        self,
        model: ShipRowsModel,
        *,
        from_file: bool,
        source: str,
        items_of: Order | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shipDialog")
        self.model = model
        n = len(model.rows)
        what = fmt.count(n, "order")
        self.setWindowTitle(f"Ship {what} from {source}" if source else f"Ship {what}")
        self.setMinimumSize(820, 300)
        text = _FILE_INTRO.format(source=source or "the file") if from_file else _INTRO
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        tools = self._build_tools(
            many=not from_file and sum(r.seller_ships for r in model.rows) > 1
        )
        self._build_table()
        self.items: ItemsChooser | None = None
        self.items_label = QLabel("Items in this package (all of them unless you untick some):")
        if items_of is not None and not from_file and len(item_groups(items_of)) > 1:
            self.items = ItemsChooser(items_of)
        self.items_label.setVisible(self.items is not None)
        status_row = self._build_status_row()
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.items_label)
        if self.items is not None:
            layout.addWidget(self.items)
        layout.addLayout(status_row)
        layout.addLayout(buttons)
        self.model.dataChanged.connect(lambda top, bottom, _r: self._sync_editors(top, bottom))
        self.model.modelReset.connect(lambda: self._sync_editors())
        rows_height = self.table.verticalHeader().defaultSectionSize() * min(max(n, 3), 12)
        self.resize(max(1180, self.width()), rows_height + 260)

    def _build_tools(self, *, many: bool) -> QHBoxLayout:
        """One carrier for every order, and pasting tracking numbers (for many orders)."""
        self.all_carriers = QComboBox()
        self.all_carriers.setObjectName("allCarriers")
        self.all_carriers.setMinimumWidth(180)
        self.all_label = QLabel("Carrier for every order:")
        self.paste_button = QPushButton("Paste tracking numbers")
        self.paste_button.setToolTip(
            "Fill the tracking numbers from the clipboard, one per line, top to bottom"
        )
        tools = QHBoxLayout()
        tools.addWidget(self.all_label)
        tools.addWidget(self.all_carriers)
        tools.addStretch(1)
        tools.addWidget(self.paste_button)
        for widget in (self.all_label, self.all_carriers, self.paste_button):
            widget.setVisible(many)
        return tools

    def _build_table(self) -> None:
        """The rows, each editable cell with a live editor, columns wide enough for real ids."""
        self.table = make_table(self.model, "shipTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        rows_header = self.table.verticalHeader()
        rows_header.setMinimumSectionSize(self.table.fontMetrics().height() + 16)
        rows_header.setDefaultSectionSize(self.table.fontMetrics().height() + 16)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.delegate = ShipDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        metrics = self.table.fontMetrics()
        widest_choice = max((*HANDOVER_LABELS.values(), "Choose a carrier…"), key=len)
        for column, sample, room in (
            (ORDER, "9999999999999999999", 30),
            (ITEMS, "GHG-YOGA19-NAV-M ×2", 30),
            (TRACKING, "9400111899223197428490", 30),  # USPS numbers are 22 digits
            (CARRIER, widest_choice, 60),  # the combo's frame and arrow
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + room)
        self.table.horizontalHeader().setSectionResizeMode(RESULT, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)  # a refusal is the one thing to read whole

    def _build_status_row(self) -> QHBoxLayout:
        self.spinner = QProgressBar()
        self.spinner.setRange(0, 0)
        self.spinner.setTextVisible(False)
        self.spinner.setFixedWidth(90)
        self.spinner.setMaximumHeight(12)
        self.spinner.hide()
        self.status = QLabel(" ")
        self.status.setObjectName("shipStatus")
        self.status.setWordWrap(True)
        self.retry_carriers = QPushButton("Try again")
        self.retry_carriers.setToolTip("Ask TikTok Shop for the carriers again")
        self.retry_carriers.hide()
        row = QHBoxLayout()
        row.addWidget(self.spinner)
        row.addWidget(self.status, 1)
        row.addWidget(self.retry_carriers)
        return row

    def _build_buttons(self) -> QHBoxLayout:
        self.answer_button = QPushButton("Answer the cancellation request…")
        self.answer_button.setToolTip(
            "The buyer asked to cancel: approve or reject that first (Cancellations tab)"
        )
        self.answer_button.hide()
        self.leave_out_button = QPushButton()
        self.leave_out_button.setToolTip("Take the orders that cannot ship out of this list")
        self.leave_out_button.hide()
        self.ship_button = QPushButton()
        self.ship_button.setObjectName("shipButton")
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.answer_button, self.leave_out_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.ship_button, self.close_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        return row

    def _sync_editors(
        self, top: QModelIndex | None = None, bottom: QModelIndex | None = None
    ) -> None:
        """Editable cells carry a live editor; cells that stop being editable lose theirs."""
        first = 0 if top is None else top.row()
        last = self.model.rowCount() - 1 if bottom is None else bottom.row()
        for row in range(first, last + 1):
            for column in (TRACKING, CARRIER):
                index = self.model.index(row, column)
                editable = bool(self.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
                is_open = self.table.isPersistentEditorOpen(index)
                if editable and not is_open:
                    self.table.openPersistentEditor(index)
                    editor = self.table.indexWidget(index)
                    if isinstance(editor, QLineEdit):
                        editor.deselect()  # Qt selects it all; a correction starts at the end
                        editor.end(False)
                elif is_open and not editable:
                    self.table.closePersistentEditor(index)

    def editor(self, row: int, column: int = TRACKING) -> QWidget | None:
        """The live editor of a cell (tests and keyboard moves)."""
        return self.table.indexWidget(self.model.index(row, column))

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = colors().danger_text.name() if error else ""
        self.status.setStyleSheet(f"color: {colour}" if colour else "")
        self.status.setText(text or " ")
