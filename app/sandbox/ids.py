"""Identifiers shaped like TikTok's: 19-digit ids, TTP_ tokens, request ids, opaque page tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import string
import time
from typing import Any

_URLSAFE = string.ascii_letters + string.digits + "-_"
_ALNUM_UPPER = string.ascii_uppercase + string.digits


class IdFactory:
    """Unique 19-digit decimal ids (TikTok ids exceed 2^53, so they travel as strings)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self) -> str:
        while True:
            value = str(self._rng.randrange(10**18, 10**19))
            if value not in self._used:
                self._used.add(value)
                return value

    def ascending(self, count: int) -> list[str]:
        """Ids that grow with creation order, as TikTok's roughly do."""
        values = sorted(int(self.new()) for _ in range(count))
        return [str(v) for v in values]


def random_text(rng: random.Random, length: int, alphabet: str = _URLSAFE) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def upper_code(rng: random.Random, length: int) -> str:
    return random_text(rng, length, _ALNUM_UPPER)


def secret_text(length: int) -> str:
    """Unpredictable text for credentials (tokens, codes); never seeded."""
    return "".join(secrets.choice(_URLSAFE) for _ in range(length))


def request_id() -> str:
    """Like `202203070749000101890810281E8C70B7`: UTC time to the second, then 20 hex digits."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(10).upper()


class PageTokenCodec:
    """Opaque page tokens in the standard base64 alphabet, like TikTok's (FACTS.md 2).

    TikTok's sample `next_page_token` holds `/` and `+`; ours look random too, and often end in
    `=`, so a client that forgets to URL-encode them fails here as it would there. A MAC makes
    tampered or foreign tokens fail to decode.
    """

    _MAC_LEN = 8

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        out = b""
        counter = 0
        while len(out) < length:
            out += hmac.new(self._key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
            counter += 1
        return out[:length]

    def encode(self, payload: dict[str, Any]) -> str:
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        mac = hmac.new(self._key, raw, hashlib.sha256).digest()[: self._MAC_LEN]
        masked = bytes(a ^ b for a, b in zip(raw, self._keystream(mac, len(raw)), strict=True))
        pad = mac[0] % 3  # vary the length so some tokens end in "=" and some in "=="
        blob = mac + bytes([pad]) + masked + b"\x00" * pad
        return base64.b64encode(blob).decode("ascii")

    def decode(self, token: str) -> dict[str, Any] | None:
        try:
            blob = base64.b64decode(token.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            return None
        if len(blob) < self._MAC_LEN + 1:
            return None
        mac, pad = blob[: self._MAC_LEN], blob[self._MAC_LEN]
        if pad > 2:
            return None
        body = blob[self._MAC_LEN + 1 :]
        masked = body[: len(body) - pad] if pad else body
        raw = bytes(a ^ b for a, b in zip(masked, self._keystream(mac, len(masked)), strict=True))
        expected = hmac.new(self._key, raw, hashlib.sha256).digest()[: self._MAC_LEN]
        if not hmac.compare_digest(mac, expected):
            return None
        try:
            payload = json.loads(raw)
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None
