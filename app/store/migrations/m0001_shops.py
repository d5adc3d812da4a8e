"""Migration 0001: the connected shop (tokens stay in the keyring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0001_shops")
def m0001_shops(db: sqlite_utils.Database) -> None:
    """Connected shops: ids, cipher and token expiries; the tokens themselves stay in keyring."""
    db.table("shops").create(
        {
            "id": str,
            "name": str,
            "region": str,
            "seller_type": str,
            "cipher": str,
            "code": str,
            "app_key": str,
            "seller_name": str,
            "open_id": str,
            "granted_scopes": str,
            "access_expires": int,
            "refresh_expires": int,
            "auth_status": str,
            "auth_problem": str,
            "is_current": int,
            "connected_at": int,
            "updated_at": int,
        },
        pk="id",
        not_null={"id", "app_key", "auth_status"},
        defaults={"auth_status": "connected", "is_current": 0},
    )
