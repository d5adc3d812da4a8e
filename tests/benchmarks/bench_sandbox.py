"""How many 100-order search pages a second the sandbox serves over real loopback HTTP.

The sandbox runs as its own process (`python -m app.sandbox`, so client and server do not share
a GIL) with the rate limit raised out of the way; a plain signed httpx client walks the whole
order history page by page, sorted by update_time as the importer does.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from app.tiktok.signing import compact_json, sign

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 3000
SECONDS = 4.0
APP_KEY = "benchsandbox1"
APP_SECRET = "benchsecret0123456789abcdef0123456789abc"
SEARCH = "/order/202309/orders/search"


def _connect(http: httpx.Client) -> tuple[str, str]:
    """OAuth the way a person would, then the shop cipher: (access token, cipher)."""
    form = {"app_key": APP_KEY, "state": "bench", "decision": "approve"}
    code = parse_qs(urlsplit(http.post("/oauth/authorize", data=form).headers["location"]).query)[
        "code"
    ][0]
    token = http.get(
        "/api/v2/token/get",
        params={
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "auth_code": code,
            "grant_type": "authorized_code",
        },
    ).json()["data"]["access_token"]
    shops = _call(http, token, "GET", "/authorization/202309/shops", {}, None)
    return token, shops["data"]["shops"][0]["cipher"]


def _call(
    http: httpx.Client, token: str, method: str, path: str, params: dict[str, str], body: Any
) -> dict[str, Any]:
    query = {"app_key": APP_KEY, "timestamp": str(int(time.time())), **params}
    content = compact_json(body) if body is not None else b""
    query["sign"] = sign(APP_SECRET, path, query, content)
    headers = {"x-tts-access-token": token, "content-type": "application/json"}
    response = http.request(method, path, params=query, content=content, headers=headers)
    payload: dict[str, Any] = response.json()
    if payload["code"] != 0:
        raise RuntimeError(f"{path}: {payload['code']} {payload['message']}")
    return payload


def _measure(base: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=30.0) as http:
        token, cipher = _connect(http)
        pages, walks, page_times = 0, 0, []
        started = time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            page_token = ""
            while True:
                params = {
                    "shop_cipher": cipher,
                    "page_size": "100",
                    "sort_field": "update_time",
                    "sort_order": "ASC",
                }
                if page_token:
                    params["page_token"] = page_token
                t0 = time.perf_counter()
                data = _call(http, token, "POST", SEARCH, params, {})["data"]
                page_times.append(time.perf_counter() - t0)
                pages += 1
                page_token = data["next_page_token"]
                if not page_token:
                    break
            walks += 1
        elapsed = time.perf_counter() - started
    return {
        "pages": pages,
        "walks": walks,
        "seconds": elapsed,
        "median_ms": statistics.median(page_times) * 1000,
    }


def run() -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "app.sandbox",
        "--port",
        "0",
        "--orders",
        str(ORDERS),
        "--qps",
        "100000",
        "--app-key",
        APP_KEY,
        "--app-secret",
        APP_SECRET,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        result = _measure(info["api_base"])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    rate = result["pages"] / result["seconds"]
    return {
        "name": "sandbox_search_pages_per_s",
        "value": round(rate, 1),
        "unit": "pages/s",
        "budget": ">= 50 (TikTok's default QPS, so the sandbox is never the bottleneck)",
        "detail": (
            f"{result['pages']} pages of 100 orders in {result['seconds']:.1f} s, "
            f"{result['walks']} walks over {ORDERS} orders, "
            f"median {result['median_ms']:.1f} ms a page"
        ),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
