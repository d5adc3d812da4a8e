"""Which view re-reads on which kinds of change (DESIGN.md section 3: Anki's OpChanges).

Each tab names the kinds it shows in its `REFRESH_ON`; the window registers the tab's refresh
here once, and every `Changes` the reader passes on reaches exactly the views that asked for
one of its kinds. A new view (labels, returns, money) adds one `add` line, not a timer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.changes import Changes


@dataclass(frozen=True)
class _View:
    name: str
    kinds: frozenset[str]
    refresh: Callable[[Changes], None]


class Refresher:
    """Routes each `Changes` to the views whose kinds it touches, in the order added."""

    def __init__(self) -> None:
        self._views: list[_View] = []

    def add(self, name: str, kinds: Iterable[str], refresh: Callable[[Changes], None]) -> None:
        """`refresh(changes)` runs whenever a change touches one of `kinds`."""
        self._views.append(_View(name, frozenset(kinds), refresh))

    def apply(self, changes: Changes) -> list[str]:
        """Refresh the views this set concerns; returns their names (tests and logs)."""
        ran = []
        for view in self._views:
            if changes.touches(view.kinds):
                view.refresh(changes)
                ran.append(view.name)
        return ran
