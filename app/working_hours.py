"""When the creator packs: the days and hours, and the carrier's daily cut-off.

"Due" then means "must go with the next hand-over", and an order whose ship-by time comes
before the next hand-over is at risk now (nobody is there to pack it in time).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
#: Looked this many days ahead for a packing day (a week covers every choice of days).
_HORIZON_DAYS = 8


class WorkingHours(BaseModel):
    """The packing week; days are 0 = Monday .. 6 = Sunday, times are local `HH:MM`."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    start: str = Field(default="09:00", pattern=_HHMM)
    end: str = Field(default="17:00", pattern=_HHMM)
    #: The carrier collects (or the drop-off closes) then: parcels packed later wait a day.
    cutoff: str = Field(default="15:00", pattern=_HHMM)
    #: An IANA zone such as "Europe/London"; empty: this computer's zone.
    timezone: str = ""

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if not value or any(d < 0 or d > 6 for d in value):
            raise ValueError("packing days are 0 (Monday) to 6 (Sunday), at least one")
        return sorted(set(value))

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def zone(self) -> dt.tzinfo:
        """The zone the hours are in."""
        if self.timezone:
            return ZoneInfo(self.timezone)
        local = dt.datetime.now().astimezone().tzinfo
        return local if local is not None else dt.UTC

    def handovers(self, now: int, count: int = 2) -> list[int]:
        """The next `count` hand-over moments after `now` (UTC seconds): on a packing day, the
        earlier of the cut-off and the end of packing, while packing is still possible."""
        zone = self.zone()
        today = dt.datetime.fromtimestamp(now, zone).date()
        found: list[int] = []
        for offset in range(_HORIZON_DAYS * max(1, count)):
            day = today + dt.timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            moment = self._handover_on(day, zone)
            if moment is not None and moment > now:
                found.append(moment)
                if len(found) == count:
                    break
        return found

    def _handover_on(self, day: dt.date, zone: dt.tzinfo) -> int | None:
        start, end, cutoff = (_at(day, t, zone) for t in (self.start, self.end, self.cutoff))
        last = min(end, cutoff)
        return last if last > start else None


def _at(day: dt.date, hhmm: str, zone: dt.tzinfo) -> int:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return int(dt.datetime.combine(day, dt.time(hour, minute), zone).timestamp())


class DeadlineAlerts(BaseModel):
    """Notifications before a ship-by time, when a rate nears TikTok's threshold, and each
    morning; none during quiet hours (they wait for the quiet hours to end)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    enabled: bool = True
    #: Hours before `rts_sla_time` at which unshipped orders are announced, grouped.
    leads_hours: list[float] = Field(default_factory=lambda: [24.0, 4.0, 1.0])
    #: Warn when a rate passes these (below TikTok's 4%, 2.5%; above its 95%).
    late_dispatch_warning: float = Field(default=0.03, ge=0, le=1)
    seller_fault_warning: float = Field(default=0.02, ge=0, le=1)
    valid_tracking_warning: float = Field(default=0.97, ge=0, le=1)
    morning_summary: bool = True
    #: Local `HH:MM`; equal times: no quiet hours.
    quiet_start: str = Field(default="22:00", pattern=_HHMM)
    quiet_end: str = Field(default="07:00", pattern=_HHMM)

    def quiet(self, now: int, zone: dt.tzinfo) -> bool:
        """Whether `now` falls inside the quiet hours (which may span midnight)."""
        if self.quiet_start == self.quiet_end:
            return False
        local = dt.datetime.fromtimestamp(now, zone).strftime("%H:%M")
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def lead_seconds(self) -> list[int]:
        """The leads, tightest first."""
        return sorted({int(h * 3600) for h in self.leads_hours if h > 0})
