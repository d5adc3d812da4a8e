"""The connected shop: who it is, when its authorization runs out, whether it needs a reconnect."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.tiktok.models import Shop, Token

CONNECTED = "connected"
RECONNECT_NEEDED = "reconnect_needed"


@dataclass(frozen=True)
class ShopRecord:
    """A shop row as the app uses it."""

    id: str
    name: str
    region: str
    cipher: str
    app_key: str
    seller_name: str
    access_expires: int | None
    refresh_expires: int | None
    auth_status: str
    auth_problem: str
    granted_scopes: tuple[str, ...]

    @property
    def needs_reconnect(self) -> bool:
        """True when API calls are paused until the seller authorizes again."""
        return self.auth_status == RECONNECT_NEEDED


def _record(row: dict[str, Any]) -> ShopRecord:
    scopes = tuple(json.loads(row["granted_scopes"] or "[]"))
    return ShopRecord(
        id=row["id"],
        name=row["name"] or "",
        region=row["region"] or "",
        cipher=row["cipher"] or "",
        app_key=row["app_key"],
        seller_name=row["seller_name"] or "",
        access_expires=row["access_expires"],
        refresh_expires=row["refresh_expires"],
        auth_status=row["auth_status"],
        auth_problem=row["auth_problem"] or "",
        granted_scopes=scopes,
    )


def save_connected_shop(
    db: sqlite_utils.Database, shop: Shop, token: Token, app_key: str, *, now: int | None = None
) -> None:
    """Record a freshly authorized shop and make it the current one."""
    stamp = int(now if now is not None else time.time())
    with db.atomic():
        db.execute("UPDATE shops SET is_current = 0 WHERE is_current = 1")
        db.table("shops").upsert(
            {
                "id": shop.id,
                "name": shop.name,
                "region": shop.region,
                "seller_type": shop.seller_type,
                "cipher": shop.cipher,
                "code": shop.code,
                "app_key": app_key,
                "seller_name": token.seller_name,
                "open_id": token.open_id,
                "granted_scopes": json.dumps(token.granted_scopes),
                "access_expires": token.access_token_expire_in,
                "refresh_expires": token.refresh_token_expire_in,
                "auth_status": CONNECTED,
                "auth_problem": "",
                "is_current": 1,
                "connected_at": stamp,
                "updated_at": stamp,
            },
            pk="id",
        )


def save_token_expiry(db: sqlite_utils.Database, shop_id: str, token: Token) -> None:
    """After a refresh: keep the (non-secret) expiries for status and warnings."""
    db.table("shops").update(
        shop_id,
        {
            "access_expires": token.access_token_expire_in,
            "refresh_expires": token.refresh_token_expire_in,
            "updated_at": int(time.time()),
        },
    )


def save_reconnect_needed(db: sqlite_utils.Database, shop_id: str, reason: str) -> None:
    """Pause API calls for this shop and say why."""
    db.table("shops").update(
        shop_id,
        {"auth_status": RECONNECT_NEEDED, "auth_problem": reason, "updated_at": int(time.time())},
    )


def fetch_current_shop(db: sqlite_utils.Database) -> ShopRecord | None:
    """The shop Shopdesk works on, or None before the first connect."""
    rows = list(db.query("SELECT * FROM shops WHERE is_current = 1 LIMIT 1"))
    return _record(rows[0]) if rows else None
