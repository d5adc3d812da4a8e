"""Tokens and shops from the authorization endpoints."""

from __future__ import annotations

from pydantic import Field, SecretStr

from app.tiktok.models.base import Id, RawModel, TikTokModel

#: "Unlimited" authorization ends about 100 years out (a live sample: 4841467787, FACTS.md 9.1);
#: anything past this many years is read as no expiry at all.
UNLIMITED_AFTER_SECONDS = 50 * 365 * 86400
NO_EXPIRY = "no expiry"


def authorization_unlimited(expires_at: float | None, now: float) -> bool:
    """True for the seller's "Unlimited" authorization (no countdown to show)."""
    return expires_at is not None and expires_at - now > UNLIMITED_AFTER_SECONDS


class Token(TikTokModel):
    """An access/refresh token pair; expiries are absolute unix seconds (FACTS.md 3)."""

    access_token: SecretStr
    access_token_expire_in: int
    refresh_token: SecretStr
    refresh_token_expire_in: int
    open_id: str = ""
    seller_name: str = ""
    seller_base_region: str = ""
    user_type: int = 0
    granted_scopes: list[str] = Field(default_factory=list)

    def access_expires_within(self, now: float, seconds: float) -> bool:
        """True when the access token should be refreshed ahead of its expiry."""
        return self.access_token_expire_in - now <= seconds

    def refresh_expired(self, now: float) -> bool:
        """True when only a new authorization can help."""
        return self.refresh_token_expire_in <= now


class Shop(RawModel):
    """One shop the seller authorized for this app; `cipher` goes in `shop_cipher`."""

    id: Id
    name: str = ""
    region: str = ""
    seller_type: str = ""
    cipher: str = ""
    code: str = ""
