"""The CLI's one-shot runs against the shop (no engine): a session, a poll, the catalogue."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from app.store.db import open_db
from app.sync.catalog import sync_catalog
from app.sync.money_sync import MoneyResult, read_money
from app.sync.poller import poll_once
from app.sync.session import ShopSession, open_session

__all__ = [
    "MoneyResult",
    "ShopSession",
    "open_session",
    "open_writable",
    "poll_once",
    "read_money",
    "sync_catalog",
]


def open_writable(path: Path) -> sqlite_utils.Database:
    """The CLI's own connection for a one-shot write (migrated first); the GUI never uses it:
    its writes run on the engine."""
    return open_db(path)
