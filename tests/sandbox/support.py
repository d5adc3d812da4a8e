"""A small signed TikTok client for the sandbox tests (the real client lives in app/tiktok)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn

from app.tiktok.signing import compact_json, sign

UNSET: Any = object()


class ShopClient:
    """Signs like TikTok's docs say (FACTS.md 1.1) and remembers token and shop cipher."""

    def __init__(self, http: httpx.AsyncClient, app_key: str, app_secret: str) -> None:
        self.http = http
        self.app_key = app_key
        self.app_secret = app_secret
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.cipher: str | None = None
        self.shop_id: str | None = None

    async def authorize_code(self, state: str = "xyz") -> str:
        response = await self.http.post(
            "/oauth/authorize",
            data={
                "app_key": self.app_key,
                "state": state,
                "redirect_uri": "",
                "decision": "approve",
            },
        )
        assert response.status_code == 302, response.text
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["state"] == [state]
        return query["code"][0]

    async def get_token(self, code: str) -> dict[str, Any]:
        response = await self.http.get(
            "/api/v2/token/get",
            params={
                "app_key": self.app_key,
                "app_secret": self.app_secret,
                "auth_code": code,
                "grant_type": "authorized_code",
            },
        )
        return response.json()  # type: ignore[no-any-return]

    async def connect(self) -> None:
        """The whole OAuth dance, then the first authorized shop's cipher."""
        body = await self.get_token(await self.authorize_code())
        assert body["code"] == 0, body
        self.access_token = body["data"]["access_token"]
        self.refresh_token = body["data"]["refresh_token"]
        shops = await self.call("GET", "/authorization/202309/shops", shop=False)
        shop = shops.json()["data"]["shops"][0]
        self.cipher, self.shop_id = shop["cipher"], shop["id"]

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        raw_body: bytes | None = None,
        shop: bool = True,
        token: Any = UNSET,
        timestamp: int | None = None,
        signature: Any = UNSET,
        headers: dict[str, str] | None = None,
        app_secret: str | None = None,
    ) -> httpx.Response:
        query = {
            "app_key": self.app_key,
            "timestamp": str(timestamp if timestamp is not None else int(time.time())),
        }
        if shop:
            assert self.cipher is not None
            query["shop_cipher"] = self.cipher
        query.update(params or {})
        content = (
            raw_body if raw_body is not None else (compact_json(body) if body is not None else b"")
        )
        if signature is UNSET:
            query["sign"] = sign(app_secret or self.app_secret, path, query, content)
        elif signature is not None:
            query["sign"] = signature
        sent_headers = {"content-type": "application/json"}
        access = self.access_token if token is UNSET else token
        if access is not None:
            sent_headers["x-tts-access-token"] = access
        sent_headers.update(headers or {})
        return await self.http.request(
            method, path, params=query, content=content, headers=sent_headers
        )

    async def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """Call and insist on success; returns `data`."""
        response = await self.call(method, path, **kwargs)
        payload = response.json()
        assert response.status_code == 200 and payload["code"] == 0, payload
        return payload["data"]  # type: ignore[no-any-return]


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that records pushes and answers with chosen statuses."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[tuple[dict[str, str], bytes, float]] = []
        self.url = ""
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.arrived = asyncio.Event()

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((headers, body, time.monotonic()))
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def wait_for(self, count: int, within: float = 5.0) -> None:
        deadline = time.monotonic() + within
        while len(self.received) < count:
            assert time.monotonic() < deadline, (
                f"{len(self.received)} pushes arrived, expected {count}"
            )
            await asyncio.sleep(0.01)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body, _ in self.received]

    async def __aenter__(self) -> Receiver:
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_config=None,
            ws="none",
            interface="asgi3",
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            assert not self._task.done()
            await asyncio.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/tiktok/webhook"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task
