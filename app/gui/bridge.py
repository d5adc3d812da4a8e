"""The bridge of DESIGN.md section 3: engine callbacks (engine thread) become Qt signals.

The engine knows nothing of Qt: it calls plain functions on its own thread. This object
lives on the GUI thread, so emitting its signals from the engine thread queues them, and
every slot runs on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.changes import Changes

if TYPE_CHECKING:  # the engine's modules load with the engine, after the first paint
    from app.ops.engine import EngineCallbacks, EngineStatus, Notice
    from app.ops.imports import ImportProgress
    from app.queries.stock import StockWarning


class EngineBridge(QObject):
    """Signals for what the engine reports; `callbacks()` is what the engine is given."""

    #: ImportProgress after every page of an import.
    progress = Signal(object)
    #: Changes: what one write changed (the one way changes reach the GUI).
    changed = Signal(object)
    #: EngineStatus: a fresh snapshot.
    statusChanged = Signal(object)
    #: (kind, message) of a failure the engine reports.
    errorRaised = Signal(str, str)
    #: Why TikTok refused the shop's authorization.
    authLost = Signal(str)
    #: Notice: something the creator must hear (deauthorized, authorization ending).
    notice = Signal(object)
    #: list[StockWarning]: SKUs that just became oversold, at risk or low (each told once).
    stockWarnings = Signal(object)

    def callbacks(self) -> EngineCallbacks:
        """Plain callables for the engine; each one only emits (thread-safe, queued)."""
        from app.ops.engine import EngineCallbacks

        def progress(step: ImportProgress) -> None:
            _emit(self.progress, step)

        def changed(changes: Changes) -> None:
            _emit(self.changed, changes)

        def status(snapshot: EngineStatus) -> None:
            _emit(self.statusChanged, snapshot)

        def error(kind: str, message: str) -> None:
            _emit(self.errorRaised, kind, message)

        def auth_lost(reason: str) -> None:
            _emit(self.authLost, reason)

        def notice(item: Notice) -> None:
            _emit(self.notice, item)

        def stock_warnings(warnings: list[StockWarning]) -> None:
            _emit(self.stockWarnings, list(warnings))

        return EngineCallbacks(
            on_progress=progress,
            on_changes=changed,
            on_status=status,
            on_error=error,
            on_auth_lost=auth_lost,
            on_notice=notice,
            on_stock_warnings=stock_warnings,
        )


def _emit(signal: SignalInstance, *args: Any) -> None:
    """Emit, or drop the report when the window (and this bridge) is already gone.

    The engine thread may finish a write while the window closes; Qt then refuses the emit
    with "Signal source has been deleted". Nobody is left to show it, and the write itself is
    committed, so dropping the report loses nothing.
    """
    try:
        signal.emit(*args)
    except RuntimeError:
        return
