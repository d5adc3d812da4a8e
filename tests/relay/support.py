"""Signed pushes and a receiver backed by a real SQLite inbox, for the relay tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import sqlite_utils

from app.relay.receiver import WEBHOOK_PATH, WebhookReceiver
from app.store import inbox
from app.store.db import open_db
from app.tiktok.models import WebhookEvent

APP_KEY = "relaykey"
APP_SECRET = "relay-secret-0123456789"


def sign(body: bytes, key: str = APP_KEY, secret: str = APP_SECRET) -> str:
    """HMAC-SHA256(secret, app_key + body), written out independently of the app."""
    return hmac.new(secret.encode(), key.encode() + body, hashlib.sha256).hexdigest()


def push(type_: int = 1, notification_id: str | None = "7327112393057371910", **data: Any) -> bytes:
    payload: dict[str, Any] = {
        "type": type_,
        "shop_id": "7494049642642441621",
        "timestamp": 1644412885,
        "data": data
        or {"order_id": "576486316948490001", "order_status": "UNPAID", "update_time": 1},
    }
    if notification_id is not None:
        payload["tts_notification_id"] = notification_id
    return json.dumps(payload).encode()


class InboxReceiver:
    """A WebhookReceiver whose accept() commits into a real inbox table."""

    def __init__(self, path) -> None:
        self.db: sqlite_utils.Database = open_db(path)
        self.receiver = WebhookReceiver(APP_KEY, APP_SECRET, self.accept)

    def accept(self, raw: bytes, event: WebhookEvent) -> bool:
        _row, new = inbox.save_received(
            self.db,
            raw,
            notification_id=event.tts_notification_id,
            type_=event.type,
            shop_id=event.shop_id,
            event_time=event.timestamp,
            now=1,
        )
        return new

    def rows(self) -> list[inbox.InboxItem]:
        return inbox.fetch_inbox(self.db)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.receiver), base_url="http://receiver.test"
        )

    async def post(
        self, client: httpx.AsyncClient, body: bytes, signature: str | None = "auto", **headers: str
    ) -> httpx.Response:
        if signature == "auto":
            signature = sign(body)
        if signature is not None:
            headers["authorization"] = signature
        return await client.post(WEBHOOK_PATH, content=body, headers=headers)
