"""Which view re-reads on which kinds of change (DESIGN.md section 3: Anki's OpChanges).

Each tab names the kinds it shows in its `REFRESH_ON`; the window registers the tab's refresh
here once, and every `Changes` the reader passes on reaches exactly the views that asked for
one of its kinds. A new view (labels, returns, money) adds one `add` line, not a timer.

While an import runs (`spread`), each view re-reads in a slice of the event loop of its own,
so one report holds the GUI thread for its slowest view, not for the sum of all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from app.changes import Changes


@dataclass(frozen=True)
class _View:
    name: str
    kinds: frozenset[str]
    refresh: Callable[[Changes], None]


class Refresher(QObject):
    """Routes each `Changes` to the views whose kinds it touches, in the order added."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._views: list[_View] = []
        #: Off: every view re-reads at once, inside `apply`. On: one view per event-loop turn.
        self.spread = False
        self._queued: dict[str, Changes] = {}  # view name -> what it has still to hear
        self._next = QTimer(self, singleShot=True, interval=0)
        self._next.timeout.connect(self._run_next)

    def add(self, name: str, kinds: Iterable[str], refresh: Callable[[Changes], None]) -> None:
        """`refresh(changes)` runs whenever a change touches one of `kinds`."""
        self._views.append(_View(name, frozenset(kinds), refresh))

    def apply(self, changes: Changes) -> list[str]:
        """Refresh the views this set concerns (or queue them, when spread); returns their
        names (tests and logs)."""
        ran = []
        for view in self._views:
            if changes.touches(view.kinds):
                if self.spread or view.name in self._queued:
                    queued = self._queued.get(view.name)
                    self._queued[view.name] = changes if queued is None else queued.merge(changes)
                else:
                    view.refresh(changes)
                ran.append(view.name)
        if self._queued and not self._next.isActive():
            self._next.start()
        return ran

    def _run_next(self) -> None:
        """One queued view re-reads; the next one waits for the next turn of the loop."""
        if not self._queued:
            return
        name = next(iter(self._queued))
        changes = self._queued.pop(name)
        for view in self._views:
            if view.name == name:
                view.refresh(changes)
        if self._queued:
            self._next.start()
