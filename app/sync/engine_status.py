"""What the engine reports and is told, without the engine: the GUI's window paints before
the engine's modules (HTTP, the receiver, every service) are imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.changes import Changes
from app.sync.budget_plan import BudgetUse

if TYPE_CHECKING:  # the tunnel's module (asyncio, processes) loads with the engine, not here
    from app.config import Settings
    from app.relay.tunnel import TunnelStatus
    from app.store.stock_levels import StockWarning
    from app.sync.importer import ImportProgress
    from app.sync.outlet import Notice

#: A notice kind: TikTok warned about a tracking number it accepted.
TRACKING_WARNING = "tracking_warning"


@dataclass(frozen=True)
class WebhookHealth:
    """Whether pushes are reaching us, for polling speed and the Health tab."""

    enabled: bool
    tunnel: TunnelStatus | None = None
    receiver_url: str | None = None
    subscribed_url: str | None = None
    last_delivery_at: float | None = None
    per_minute: int = 0
    last_probe_at: float | None = None
    probe_ok: bool = False
    inbox_pending: int = 0
    inbox_failed: int = 0
    #: Topics TikTok refused to subscribe, with its reason (polling covers them).
    refused_topics: tuple[tuple[str, str], ...] = ()
    #: What the public address answered our last probe (None: no answer at all).
    probe_status: int | None = None

    @property
    def not_reaching(self) -> str:
        """ "webhooks not reaching Shopdesk (HTTP 404)" when the public address answers the probe
        with an error page instead of passing it on; "" otherwise."""
        status = self.probe_status
        if status is None or not (status == 404 or status >= 500):
            return ""
        return f"webhooks not reaching Shopdesk (the public address answered HTTP {status})"

    @property
    def healthy(self) -> bool:
        """Tunnel up, subscription pointed at it, and our probe came back through it."""
        from app.relay.tunnel import UP

        return bool(
            self.enabled
            and self.tunnel is not None
            and self.tunnel.state == UP
            and self.subscribed_url
            and self.probe_ok
        )


@dataclass(frozen=True)
class EngineStatus:
    """A snapshot the GUI and CLI show; copied, never shared with the engine thread."""

    running: bool = False
    connected: bool = False
    reconnect_reason: str = ""
    importing: bool = False
    last_poll_at: float | None = None
    last_poll_ok: bool | None = None
    last_error: str = ""
    consecutive_failures: int = 0
    next_poll_at: float | None = None
    api_calls: int = 0
    throttled: int = 0
    poll_interval: float | None = None
    webhooks: WebhookHealth = field(default_factory=lambda: WebhookHealth(enabled=False))
    #: The deep pass (the last two hours re-read): when it last ran well, what it brought in.
    last_deep_poll_at: float | None = None
    deep_poll_changed: int = 0
    deep_poll_interval: float | None = None
    #: The shop's hourly request budget and the calls of the last hour (None: no budget).
    budget: BudgetUse | None = None


@dataclass(frozen=True)
class WebhookOptions:
    """How pushes reach us: settings by default, `shopdesk sync` flags override them."""

    mode: str = "none"  # "command" | "url" | "none"
    command: str = ""
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookOptions:
        """The user's choice from Settings."""
        return cls(
            mode=settings.tunnel_mode,
            command=settings.tunnel_command,
            public_url=settings.public_url,
            host=settings.listen_host,
            port=settings.listen_port,
        )


@dataclass
class EngineCallbacks:
    """Plain callbacks, called on the engine thread; the GUI bridge turns them into signals.

    `on_changes` is the one way changes travel: every write the engine makes (a page, a
    webhook batch, a push, an op run through `run_write`) arrives there as a `Changes`.
    """

    on_progress: Callable[[ImportProgress], None] | None = None
    on_changes: Callable[[Changes], None] | None = None
    on_status: Callable[[EngineStatus], None] | None = None
    on_error: Callable[[str, str], None] | None = None
    on_auth_lost: Callable[[str], None] | None = None
    on_notice: Callable[[Notice], None] | None = None
    on_stock_warnings: Callable[[list[StockWarning]], None] | None = None
