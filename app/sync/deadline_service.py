"""The engine's deadline loops: notices before ship-by times, and tracking reads for health."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.sync.deadline_watch import check_deadlines
from app.sync.loops import Loops
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.sync.tracking_reads import read_tracking

CHECK_EVERY = 60.0
TRACKING_EVERY = 900.0


class DeadlineService:
    """Owns the deadline loops of one shop session."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
    ) -> None:
        self.loops = Loops()
        self.session, self._clock, self.outlet = session, clock, outlet

    async def start(self) -> None:
        """Check deadlines every minute and read tracking every quarter hour."""
        self.loops.every("deadline_notices", CHECK_EVERY, self.check)
        self.loops.every("tracking_reads", TRACKING_EVERY, self.read_tracking, wait_first=True)

    async def stop(self) -> None:
        """End the loops."""
        await self.loops.stop()

    async def check(self) -> None:
        """Send the notices due now."""
        for notice in check_deadlines(self.session.db, int(self._clock()), self.session.settings):
            self.outlet.notify(notice)

    async def read_tracking(self) -> None:
        """Read the tracking valid tracking still needs; publish what moved."""
        self.outlet.changed(await read_tracking(self.session, int(self._clock())))
