"""Starts, restarts and stops the sync engine without the GUI thread waiting for it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.config import Settings
from app.gui.bridge import EngineBridge
from app.gui.context import GuiContext
from app.gui.tasks import TaskManager

if TYPE_CHECKING:
    from app.ops.engine import SyncEngine


def engine_class() -> type[SyncEngine]:
    """The engine's class; app.ops.engine (and the sync layer) load on the calling thread."""
    from app.ops.engine import engine_class as load

    return load()


log = logging.getLogger(__name__)


class EngineHost(QObject):
    """Owns the one SyncEngine; `engine` is None until its loop runs (and while restarting)."""

    #: The engine runs: its database exists and is migrated, so the reader may open it.
    ready = Signal()
    #: The engine could not start: the message says why.
    failed = Signal(str)

    def __init__(
        self,
        context: GuiContext,
        bridge: EngineBridge,
        tasks: TaskManager,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.bridge = bridge
        self.tasks = tasks
        self.engine: SyncEngine | None = None
        self._current: SyncEngine | None = None  # started or starting
        self._pending: concurrent.futures.Future[Any] | None = None
        self._closed = False  # quitting: no engine starts any more

    def start(self) -> None:
        """Start the engine on a worker thread; `ready` follows. Its modules are imported on
        that thread too, so the window paints while they load."""
        if self._closed:
            return
        self._pending = self.tasks.watch(
            self.tasks.run_blocking(engine_class),
            self._construct,
            lambda error: self.failed.emit(str(error)),
        )

    def _construct(self, cls: type[SyncEngine]) -> None:
        if self._closed:
            return
        ctx = self.context
        engine = cls(
            ctx.paths,
            ctx.settings,
            ctx.secrets,
            callbacks=self.bridge.callbacks(),
            transport=ctx.transport,
        )
        self._current = engine
        self._pending = self.tasks.watch(
            self.tasks.run_blocking(engine.start),
            lambda _none: self._started(engine),
            lambda error: self.failed.emit(str(error)),
        )

    def _started(self, engine: SyncEngine) -> None:
        self._pending = None
        self.engine = engine
        self.ready.emit()

    def restart(self, settings: Settings) -> None:
        """Apply new settings (poll interval, tunnel): stop the engine off-thread, start anew."""
        self.context.settings = settings
        old, self.engine, self._current = self.engine, None, None
        if old is None:
            if self._pending is None:
                self.start()
            return
        self._pending = self.tasks.watch(
            self.tasks.run_blocking(old.stop),
            lambda _none: self.start(),
            lambda error: self.failed.emit(str(error)),
        )

    def run_stopped(
        self,
        work: Callable[[], object],
        done: Callable[[object], None],
        failed: Callable[[str], None],
    ) -> None:
        """Stop the engine off-thread, run `work` (a restore), start the engine again."""
        old, self.engine, self._current = self.engine, None, None

        def stopped_then_work() -> object:
            if old is not None:
                old.stop()
            return work()

        def finished(result: object) -> None:
            self.start()
            done(result)

        def broke(error: BaseException) -> None:
            self.start()
            failed(str(error))

        self._pending = self.tasks.watch(
            self.tasks.run_blocking(stopped_then_work), finished, broke
        )

    def stop(self, timeout: float = 10.0) -> None:
        """At quit: let a start in progress finish, then stop (the window is already hidden)."""
        self._closed = True
        pending, self._pending = self._pending, None
        if pending is not None:
            with contextlib.suppress(Exception):
                pending.result(timeout)
        engine, self.engine, self._current = self._current, None, None
        if engine is not None:
            log.info("stopping the sync engine")
            engine.stop(timeout)
