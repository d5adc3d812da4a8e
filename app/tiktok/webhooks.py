"""Check and parse a push exactly as received: raw bytes in, WebhookEvent out."""

from __future__ import annotations

import json

from pydantic import ValidationError

from app.tiktok.errors import ShopdeskError
from app.tiktok.models import WebhookEvent
from app.tiktok.signing import verify_webhook


class WebhookRejected(ShopdeskError):
    """The push is not TikTok's: missing or wrong signature."""


class WebhookMalformed(ShopdeskError):
    """The push verified but its body is not the documented JSON shape."""


def verify_and_parse(
    raw_body: bytes, authorization: str | None, *, app_key: str, app_secret: str
) -> WebhookEvent:
    """Verify the HMAC over the raw body first, then parse; never the other way round."""
    if not authorization or not verify_webhook(app_key, app_secret, raw_body, authorization):
        raise WebhookRejected("webhook signature missing or invalid")
    return parse_event(raw_body)


def parse_event(raw_body: bytes) -> WebhookEvent:
    """Parse a verified body; unknown event types are kept, not rejected.

    TikTok sends UTF-8 JSON. Anything else (another encoding, lone surrogates, nesting
    deeper than the parser allows) is malformed: a 400, never a 500 TikTok would redeliver.
    """
    try:
        text = raw_body.decode("utf-8")
        payload = json.loads(text)
        json.dumps(payload, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise WebhookMalformed(
            f"webhook body is not UTF-8 JSON: {exc.__class__.__name__}"
        ) from None
    if not isinstance(payload, dict):
        raise WebhookMalformed("webhook body is not a JSON object")
    try:
        return WebhookEvent.from_api(payload)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise WebhookMalformed(f"webhook body lacks or mistypes: {fields}") from None
