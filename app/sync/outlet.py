"""Outlet: the one collaborator an engine service reports through (changes, failures, notices).

A service is handed an `Outlet` instead of a set of `on_*` callbacks: it calls `changed` with
the `Changes` of every write it made, `failed` when something the creator should see went
wrong (that is a row of the errors tab, so it is a change too), and `notify` for what must
interrupt. The engine builds one outlet and routes it to its own callbacks; tests build one
around a list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.changes import Changes
from app.store.stock_levels import StockWarning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """Something the creator must hear about (deauthorization, authorization ending)."""

    kind: str
    message: str
    when: int | None = None
    ref: str = ""  # the order (or other row) it is about, when there is one


class Outlet:
    """Where a service's results go; every part is optional (a test may want only changes)."""

    def __init__(
        self,
        *,
        changes: Callable[[Changes], None] | None = None,
        error: Callable[[str, str], None] | None = None,
        notice: Callable[[Notice], None] | None = None,
        warnings: Callable[[list[StockWarning]], None] | None = None,
    ) -> None:
        self._changes = changes
        self._error = error
        self._notice = notice
        self._warnings = warnings

    def changed(self, changes: Changes) -> None:
        """Publish what a write changed (nothing when it changed nothing)."""
        if changes and self._changes is not None:
            self._changes(changes)

    def failed(self, kind: str, message: str) -> None:
        """A failure worth showing: told to the engine (it logs it), or logged here."""
        if self._error is not None:
            self._error(kind, message)
        else:
            log.warning("%s failed: %s", kind, message)
        self.changed(Changes.of(errors=[kind]))

    def notify(self, notice: Notice) -> None:
        """Something that must interrupt the creator."""
        if self._notice is not None:
            self._notice(notice)

    def warn(self, warnings: list[StockWarning]) -> None:
        """SKUs that just became oversold, at risk or low (each told once by `StockWatch`)."""
        if self._warnings is not None:
            self._warnings(warnings)
        self.changed(Changes.of(skus=[w.sku_id for w in warnings]))


#: An outlet that tells nobody (the CLI's one-shot commands, tests that do not listen).
SILENT = Outlet()
