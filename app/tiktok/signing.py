"""Request and webhook signatures, exactly as TikTok Shop computes them (FACTS.md 1, 7.2)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

#: Query parameters that never take part in the signature (FACTS.md 1.1 step 1).
UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def compact_json(payload: Any) -> bytes:
    """Serialise a body once, compactly, so the bytes signed are the bytes sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def string_to_sign(
    path: str,
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | None = None,
    *,
    multipart: bool = False,
) -> bytes:
    """Build `path + sorted {key}{value} + body`, before it is wrapped in the secret.

    Values are the decoded values; keys sort in byte order like the official Go sample.
    """
    items = params.items() if isinstance(params, Mapping) else params
    pairs = sorted((k, v) for k, v in items if k not in UNSIGNED_PARAMS)
    text = path + "".join(f"{k}{v}" for k, v in pairs)
    raw = text.encode("utf-8")
    if body and not multipart:
        raw += body
    return raw


def sign(
    app_secret: str,
    path: str,
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | None = None,
    *,
    multipart: bool = False,
) -> str:
    """The `sign` query parameter: lowercase hex HMAC-SHA256 over secret + string + secret."""
    secret = app_secret.encode("utf-8")
    message = secret + string_to_sign(path, params, body, multipart=multipart) + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_sign(
    app_secret: str,
    path: str,
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | None,
    given: str,
) -> bool:
    """Constant-time check of a request signature (the sandbox's side of `sign`)."""
    expected = sign(app_secret, path, params, body)
    return hmac.compare_digest(expected, given.lower())


def webhook_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    """The `Authorization` header TikTok puts on a push: HMAC-SHA256(secret, app_key + body)."""
    message = app_key.encode("utf-8") + raw_body
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_webhook(app_key: str, app_secret: str, raw_body: bytes, authorization: str) -> bool:
    """Constant-time check of a push's `Authorization` header against its raw body."""
    expected = webhook_signature(app_key, app_secret, raw_body)
    return hmac.compare_digest(expected.encode("ascii"), authorization.strip().lower().encode())
