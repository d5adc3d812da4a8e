"""Deadline notices: one per lead as an order nears its ship-by time, never one per check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.config import Settings
from app.sync.deadline_watch import DEADLINE_DUE, MORNING_SUMMARY, RATE_WARNING, check_deadlines
from app.sync.poller import poll_once
from app.working_hours import DeadlineAlerts, WorkingHours
from tests.deadlines.test_clocks_and_rates import _advance, _now
from tests.fulfillment.conftest import ShipShop

HOUR = 3600


def _settings(**alerts: object) -> Settings:
    hours = WorkingHours(
        days=[0, 1, 2, 3, 4, 5, 6], start="00:00", end="23:59", cutoff="23:59", timezone="UTC"
    )
    quiet = {"quiet_start": "00:00", "quiet_end": "00:00", "morning_summary": False}
    return Settings(working_hours=hours, deadline_alerts=DeadlineAlerts(**{**quiet, **alerts}))


async def test_each_lead_raises_one_grouped_notice(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    a, b = (await s.place())["id"], (await s.place())["id"]
    sla = {i: (await s.shop.truth())[i]["rts_sla_time"] for i in (a, b)}
    settings, db = _settings(), s.session.db
    seen: list[list[str]] = []

    async def checks_at(moment: int, times: int = 3) -> None:
        await _advance(s, moment - await _now(s))
        await poll_once(s.session)
        for _ in range(times):  # every poll checks again: only the first may tell
            seen.append([n.kind for n in check_deadlines(db, await _now(s), settings)])

    await checks_at(max(sla.values()) - 25 * HOUR)
    assert seen == [[], [], []]  # more than 24 h left
    for lead in (24, 4, 1):
        seen.clear()
        await checks_at(max(sla.values()) - lead * HOUR + 60)
        assert seen == [[DEADLINE_DUE], [], []], lead
    seen.clear()
    await checks_at(max(sla.values()) + 60)  # late now: notices come before, not after
    assert all(DEADLINE_DUE not in kinds for kinds in seen)


async def test_grouped_text_quiet_hours_morning_and_rate_warning(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    ids = [(await s.place())["id"] for _ in range(3)]
    truth = await s.shop.truth()
    sla = max(truth[i]["rts_sla_time"] for i in ids)
    await _advance(s, sla - 3 * HOUR - await _now(s))
    await poll_once(s.session)
    now, db = await _now(s), s.session.db
    quiet = _settings(quiet_start="00:00", quiet_end="23:59")
    assert check_deadlines(db, now, quiet) == []  # quiet: nothing is told, nothing recorded
    notices = check_deadlines(db, now, _settings(morning_summary=True))
    kinds = [n.kind for n in notices]
    assert kinds == [MORNING_SUMMARY, DEADLINE_DUE]
    assert notices[1].message.startswith("3 orders must ship within 4 h")
    assert notices[1].ref == "to_ship"
    # Late now: the late dispatch rate jumps past its warning level, told once a day.
    await _advance(s, 3 * HOUR + 60)
    later = await _now(s)
    warned = check_deadlines(db, later, _settings())
    assert [n.kind for n in warned] == [RATE_WARNING]
    assert "Late dispatch is at 100.0%" in warned[0].message
    assert check_deadlines(db, later + 60, _settings()) == []
