"""Connecting a shop: keep the chosen shop (keyring, settings, SQLite) on the engine thread.

The connect flow itself (app key check, authorization, the shop list) talks to TikTok from
the GUI's worker; only the save writes, so it runs where every other write of the GUI
process runs. With no engine running (nothing else writes), it runs where it is asked.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from app.changes import Changes
from app.connect import ConnectFlow, ConnectResult
from app.tiktok.models import Shop, Token

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

Saver = Callable[[], Coroutine[Any, Any, ConnectResult]]


def save_connection(
    *,
    engine: SyncEngine | None,
    flow: ConnectFlow,
    token: Token,
    shop: Shop,
    shops: list[Shop],
    elsewhere: Callable[[Saver], concurrent.futures.Future[ConnectResult]],
) -> concurrent.futures.Future[ConnectResult]:
    """Save the shop the creator chose on the engine (or `elsewhere`, with no engine running)."""

    async def save() -> ConnectResult:
        result = flow.save(token, shop, shops)
        if engine is not None:
            engine.outlet.changed(Changes.of(shop=True, connection=True))
        return result

    if engine is not None and engine.status.running:
        return engine.submit(save)
    return elsewhere(save)
