"""Outlet: the one collaborator an engine service reports through (changes, failures, notices).

A service is handed an `Outlet` instead of a set of `on_*` callbacks: it calls `changed` with
the `Changes` of every write it made, `failed` when something the creator should see went
wrong (that is a row of the errors tab, so it is a change too), `notify` for what must
interrupt, `warn` for stock warnings, `progressed` for an import's pages and `lost` when TikTok
refused the shop's authorization. The engine builds one outlet and routes it to its own
callbacks; the CLI and tests build one around what they want to hear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.changes import Changes
from app.store.stock_levels import StockWarning

if TYPE_CHECKING:
    from app.sync.importer import ImportProgress

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
        progress: Callable[[ImportProgress], None] | None = None,
        auth_lost: Callable[[str], None] | None = None,
    ) -> None:
        self._changes = changes
        self._error = error
        self._notice = notice
        self._warnings = warnings
        self._progress = progress
        self._auth_lost = auth_lost

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

    def progressed(self, step: ImportProgress) -> None:
        """An import read a page (or resumed, or finished): the progress bar moves."""
        if self._progress is not None:
            self._progress(step)

    def lost(self, reason: str) -> None:
        """TikTok refused the shop's authorization (the shop row says so already)."""
        if self._auth_lost is not None:
            self._auth_lost(reason)
        else:
            log.info("the shop must be reconnected: %s", reason)
        self.changed(Changes.of(shop=True, connection=True))


#: An outlet that tells nobody (the CLI's one-shot commands, tests that do not listen).
SILENT = Outlet()
