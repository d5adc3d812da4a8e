"""TikTok's webhook subscriptions, one topic at a time, and the address they point at.

Each topic is its own Update Shop Webhook call, and TikTok may refuse one (the app's scopes
do not cover it) while accepting the rest: a refused topic is recorded with TikTok's reason
and left alone, the others stay subscribed. Only failures of the whole exchange (network,
throttling, TikTok's own errors) are worth trying the set again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.relay.receiver import WEBHOOK_PATH
from app.sync.session import ShopSession
from app.tiktok.errors import ReconnectNeeded, ScopeMissing, TikTokError

#: Event-API names of every push we act on (FACTS.md 7.5); type 27 has no name to subscribe.
HANDLED_EVENTS = (
    "ORDER_STATUS_CHANGE",
    "RECIPIENT_ADDRESS_UPDATE",
    "PACKAGE_UPDATE",
    "CANCELLATION_STATUS_CHANGE",
    "RETURN_STATUS_CHANGE",
    "PRODUCT_STATUS_CHANGE",
    "PRODUCT_INFORMATION_CHANGE",
    "PRODUCT_CREATION",
    "PRODUCT_AUDIT_STATUS_CHANGE",
    "SELLER_DEAUTHORIZATION",
    "UPCOMING_AUTHORIZATION_EXPIRATION",
)


@dataclass(frozen=True)
class SubscriptionReport:
    """Where each topic stands after one pass over them."""

    address: str
    subscribed: tuple[str, ...] = ()
    #: Topic -> TikTok's reason, e.g. `105005: Access denied ...`.
    refused: dict[str, str] = field(default_factory=dict)
    changed: int = 0


def webhook_address(public_url: str) -> str:
    """The address TikTok pushes to: the public URL plus the receiver's path, unless the user
    already gave the full address (`https://hooks.example.com/webhooks/tiktok`)."""
    base = public_url.strip().rstrip("/")
    return base if base.endswith(WEBHOOK_PATH) else base + WEBHOOK_PATH


def refusal_text(exc: TikTokError) -> str:
    """TikTok's reason for refusing a topic, with the permission to enable when it says so."""
    text = f"{exc.code}: {exc.message}".strip()
    if isinstance(exc, ScopeMissing):
        text += " (enable the permission the topic needs in Partner Center, then reconnect)"
    return text


def _topic_refused(exc: TikTokError) -> bool:
    """A refusal of this one topic, rather than a failure of the whole exchange."""
    return not exc.retryable and not isinstance(exc, ReconnectNeeded)


async def ensure_subscriptions(
    session: ShopSession, address: str, *, skip: frozenset[str] = frozenset()
) -> SubscriptionReport:
    """Point every handled topic at `address`, one call each; `skip` holds topics TikTok
    already refused for this address (they are not asked again)."""
    current = {w.event_type: w.address for w in await session.api.webhooks()}
    subscribed: list[str] = []
    refused: dict[str, str] = {}
    changed = 0
    for event_type in HANDLED_EVENTS:
        if current.get(event_type) == address:
            subscribed.append(event_type)
            continue
        if event_type in skip:
            continue
        try:
            await session.api.subscribe_webhook(event_type, address)
        except TikTokError as exc:
            if not _topic_refused(exc):
                raise
            refused[event_type] = refusal_text(exc)
            continue
        subscribed.append(event_type)
        changed += 1
    return SubscriptionReport(address, tuple(subscribed), refused, changed)


def describe_refused(refused: dict[str, str]) -> str:
    """One line for the errors tab: which topics, and why (polling still covers them)."""
    parts = [f"{topic} ({reason})" for topic, reason in sorted(refused.items())]
    return f"TikTok Shop refused webhooks for {len(refused)} topic(s): " + "; ".join(parts)
