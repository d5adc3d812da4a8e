"""The Sandbox object: one simulated TikTok Shop with its clock, faults, limits and pushes."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import secrets

from app.sandbox import unsettled
from app.sandbox.clock import ShopClock
from app.sandbox.config import SandboxConfig
from app.sandbox.faults import FaultInjector, FaultSettings
from app.sandbox.generator import populate
from app.sandbox.ids import PageTokenCodec
from app.sandbox.labels import LabelBook
from app.sandbox.ratelimit import HourlyLimit, RateLimiter
from app.sandbox.state import World
from app.sandbox.webhooks import WebhookHub

TICK_SECONDS = 1.0


class Sandbox:
    """Holds the whole world; `create_app(sandbox)` serves it over HTTP.

    `start()` runs the background work (webhook delivery, the clock's automatic transitions,
    live orders when `order_rate` > 0); the app's lifespan calls `start()` and `stop()`.
    """

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.app_key = config.app_key or secrets.token_hex(7)[:13]
        self.app_secret = config.app_secret or secrets.token_hex(20)
        self.service_id = config.service_id or str(
            random.Random(f"{config.seed}:service").randrange(10**18, 10**19)
        )
        self.clock = ShopClock(config.epoch)
        self.faults = FaultInjector(
            FaultSettings.from_rate(config.faults), default_seed=config.seed
        )
        self.limiter = RateLimiter(config.qps)
        self.hourly = HourlyLimit(config.max_per_hour) if config.max_per_hour else None
        self.page_tokens = PageTokenCodec(hashlib.sha256(f"{config.seed}:page".encode()).digest())
        self.state = World(config.seed)
        self.labels = LabelBook(config)
        populate(self.state, config, self.clock.now())
        unsettled.prepare(self.state, self.clock.now())  # the history's money, before any call
        self.webhooks = WebhookHub(
            self.app_key,
            self.app_secret,
            self.faults,
            self.state.ids,
            self.clock.now,
            config.webhook_time_scale,
        )
        self.state.set_emitter(self.webhooks.emit)
        self._tasks: list[asyncio.Task[None]] = []

    def tick(self) -> None:
        """Catch the world up with the shop clock (called before every request, and each second)."""
        now = self.clock.now()
        self.state.tick(now)
        self.labels.tick(self.state, now)

    async def start(self) -> None:
        if self._tasks:
            return
        await self.webhooks.start()
        self._tasks.append(asyncio.create_task(self._ticker(), name="sandbox-ticker"))
        if self.config.order_rate > 0:
            from app.sandbox.live import run_live

            self._tasks.append(asyncio.create_task(run_live(self), name="sandbox-live"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.webhooks.stop()

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self.tick()
