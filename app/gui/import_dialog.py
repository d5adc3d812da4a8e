"""The "Import orders" dialog: a date range, live progress, a cancel that keeps what was read."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import formatting as fmt
from app.gui.bridge import EngineBridge
from app.gui.engine_host import EngineHost
from app.gui.tasks import TaskManager
from app.ops.engine import EngineStatus
from app.ops.imports import (
    ImportCancelled,
    ImportProgress,
    ImportResult,
    range_label,
    resume_notice,
)


def local_range(first: QDate, last: QDate, now: float) -> tuple[int, int]:
    """Local midnight of `first` up to the end of `last` (never past now + 1 s), as UTC seconds."""
    start = datetime(first.year(), first.month(), first.day())
    end = datetime(last.year(), last.month(), last.day()) + timedelta(days=1)
    return int(start.timestamp()), min(int(end.timestamp()), int(now) + 1)


#: Progress redraws at most this often (a page arrives every few ms).
PROGRESS_EVERY_SECONDS = 0.2


class ImportDialog(QDialog):
    """Runs one import on the engine; the GUI only watches its progress."""

    #: ImportResult when the import ends well.
    finished_ok = Signal(object)
    #: The message when it stops (cancelled or failed).
    stopped = Signal(str)

    def __init__(
        self,
        host: EngineHost,
        bridge: EngineBridge,
        tasks: TaskManager,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import orders")
        self.setMinimumWidth(460)
        self.host, self.tasks = host, tasks
        self.running = False
        self._shown_at = 0.0
        self._job_id = -1
        #: When the creator clicked Start (the time the dialog reports is from then).
        self.began = 0.0
        #: Whether this dialog started the import it shows (else it watches the demo's own).
        self.mine = False
        #: The interrupted import this one finished first, when there was one.
        self.resumed_range: tuple[int, int] | None = None

        today = QDate.currentDate()
        self.first, self.last = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMaximumDate(today)
        quick = QHBoxLayout()
        for days in (7, 30, 90, 365):
            button = QPushButton(f"Last {days} days")
            button.clicked.connect(lambda _c=False, d=days: self._last_days(d))
            quick.addWidget(button)

        form = QFormLayout()
        form.addRow("Orders placed from", self.first)
        form.addRow("up to and including", self.last)
        self.explain = QLabel(
            "Shopdesk reads every order placed in these days, 100 at a time, and saves each "
            "page as it goes: stop whenever you like, importing again resumes."
        )
        self.explain.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setTextVisible(False)
        self.status = QLabel(" ")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            "Start import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            "Stop import", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.start_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(quick)
        layout.addWidget(self.explain)
        layout.addSpacing(6)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        bridge.progress.connect(self._progress)
        bridge.statusChanged.connect(self._status_changed)
        engine = host.engine
        self._set_running(engine is not None and engine.status.importing)
        if self.running:
            self.status.setText("An import is running…")

    def _last_days(self, days: int) -> None:
        today = QDate.currentDate()
        self.first.setDate(today.addDays(-days))
        self.last.setDate(today)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.first.setEnabled(not running)
        self.last.setEnabled(not running)

    def start(self) -> None:
        """Ask the engine to import the range; returns at once."""
        engine = self.host.engine
        if engine is None:
            self.status.setText("The shop is not connected yet: connect it in Settings first.")
            return
        if self.first.date() > self.last.date():
            self.status.setText("The first day comes after the last one.")
            return
        start, end = local_range(self.first.date(), self.last.date(), time.time())
        self._set_running(True)
        self.mine, self.resumed_range, self._job_id = True, None, -1
        self.began = time.monotonic()
        self.bar.setRange(0, 0)  # busy until TikTok says how many
        self.status.setText("Asking TikTok Shop for the orders…")
        self.tasks.watch(engine.import_orders(start, end), self._done, self._failed, owner=self)

    def cancel(self) -> None:
        """Stop after the page being read; what was saved stays."""
        if self.host.engine is not None:
            self.host.engine.cancel_import()
            self.status.setText("Stopping after this page…")
            self.cancel_button.setEnabled(False)

    def _progress(self, step: ImportProgress) -> None:
        if not self.running:
            return
        if step.resumed:
            self.resumed_range = (step.range_start, step.range_end)
        if step.done and not self.mine:
            # An import this dialog did not start (the demo's own, say) ended: say so.
            self._finish(step.fetched, step.created, step.updated, step.unchanged)
            return
        now = time.monotonic()
        first_of_job = step.job_id != self._job_id
        self._job_id = step.job_id
        if now - self._shown_at < PROGRESS_EVERY_SECONDS and not (first_of_job or step.done):
            return
        self._shown_at = now
        fraction = step.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
        total = f" of about {step.estimate:,}" if step.estimate else ""
        windows = f" · part {step.window} of {step.windows}" if step.windows > 1 else ""
        counts = (
            f"{step.fetched:,}{total} orders read: {step.created:,} new, "
            f"{step.updated:,} changed · {fmt.count(step.pages, 'page')}{windows}"
        )
        if step.resumed:
            counts = f"{resume_notice((step.range_start, step.range_end))}\n{counts}"
        elif self.resumed_range is not None:
            counts = f"Now the days you asked for: {counts}"
        self.status.setText(counts)

    def _status_changed(self, status: EngineStatus) -> None:
        """An import this dialog only watched stopped without finishing (it failed)."""
        if self.running and not self.mine and not status.importing:
            self._set_running(False)
            self.bar.setRange(0, 1000)
            self.status.setText("The import stopped; see Errors. Importing again resumes it.")

    def _done(self, result: ImportResult) -> None:
        self._finish(result.fetched, result.created, result.updated, result.unchanged)
        self.finished_ok.emit(result)

    def _finish(self, fetched: int, created: int, updated: int, unchanged: int) -> None:
        """A full bar and the totals, timed from the click (or from when the dialog opened)."""
        self._set_running(False)
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        span = self.resumed_range
        resumed = (
            f"Finished the interrupted import of {range_label(*span)} first, then the days "
            "you asked for. "
            if span is not None and self.mine
            else ""
        )
        took = f" in {fmt.duration(time.monotonic() - self.began)}" if self.mine else ""
        self.status.setText(
            f"{resumed}Done: {fmt.count(fetched, 'order')} read{took} — {created:,} new, "
            f"{updated:,} changed, {unchanged:,} already up to date."
        )

    def _failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.bar.setRange(0, 1000)
        if isinstance(error, ImportCancelled):
            message = "Stopped. Everything read so far is saved; importing again resumes."
        else:
            message = f"The import stopped: {error}"
        self.status.setText(message)
        self.stopped.emit(message)
