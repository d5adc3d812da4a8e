"""TikTok's error codes with their official messages, and the one envelope every answer uses."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from app.sandbox.ids import request_id

# --- common-errors.md, verbatim -----------------------------------------------------------------
TOO_MANY_REQUESTS = (
    36009002,
    "Too many requests. You've made too many requests in a short period of time.",
)
INTERNAL_ERROR = (
    36009003,
    "Internal error. Please try again. If the issue persists after multiple attempts, "
    "please contact platform support.",
)
INVALID_PATH = (36009009, "Invalid path. The specified path does not match any available endpoint.")
INVALID_METHOD = (
    36009010,
    "Invalid method. The HTTP method used is not supported by this endpoint.",
)
INVALID_BODY_FORMAT = (
    36009022,
    "Invalid request format. The request body format must be `application/json` for structured "
    "data or `multipart/form-data` for binary files.",
)
MISSING_SIGN = (
    36009004,
    "Missing credentials. The request does not include a required signature in the query.",
)
INVALID_TOKEN = (36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.")
INVALID_APP_KEY = (36009004, "Invalid credentials. Invalid `app_key` query parameter.")
TIMESTAMP_NEGATIVE = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not be lesser than 0.",
)
TIMESTAMP_TOO_OLD = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than "
    "5 minutes before the current time.",
)
TIMESTAMP_IN_FUTURE = (
    36009004,
    "Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current "
    "time by more than 30 seconds.",
)
UNEXPECTED_SHOP_CIPHER = (
    36009004,
    "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.",
)
INVALID_SHOP_OR_TOKEN = (
    101000,
    "Invalid query or header. The `category_asset_cipher` query parameter or "
    "`x-tts-access-token` header is invalid.",
)
EXPIRED_TOKEN = (
    105002,
    "Expired credentials. The `access_token` or `x-tts-access-token` header has expired.",
)
MISSING_SCOPE = (
    105005,
    "Access denied. The app is not authorized to access the endpoint because the access scopes "
    "granted for the app or the access token do not contain the required access scope for the "
    "endpoint.",
)
INVALID_SIGN = (106001, "Invalid credentials. The `sign` query parameter is invalid.")
MISSING_SHOP_CIPHER = (
    106013,
    "Missing identifier. The `shop_cipher` query parameter is required to identify the target "
    "shop.",
)
# FACTS.md 2 (api-versioning page).
INVALID_VERSION = (36009014, "The version name is invalid, please check and retry.")

# FACTS.md 3: the codes integrators see from the token endpoints.
REFRESH_TOKEN_EXPIRED = (36004001, "rt has expired")
AUTH_RECORD_NOT_FOUND = (36004005, "can not find related auth record")

#: HTTP statuses that differ from 200 (FACTS.md 2, 8.1; common-errors.md).
HTTP_STATUS: dict[int, int] = {36009009: 404, 36009010: 405, 106001: 401, 36009002: 429}


class ApiError(Exception):
    """A TikTok error answer: code and message in the envelope, HTTP status as TikTok sends it."""

    def __init__(self, code: int, message: str, http_status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status if http_status is not None else HTTP_STATUS.get(code, 200)

    @classmethod
    def of(cls, pair: tuple[int, str], detail: str | None = None) -> ApiError:
        code, message = pair
        return cls(code, f"{message} {detail}" if detail else message)


def param_error(detail: str) -> ApiError:
    """A request parameter the gateway rejects: observed as 36009004 "param body.address is
    missing" (EcomPHP/tiktokshop-php issue 27), so the sandbox uses that form for missing or
    malformed parameters where an endpoint documents no code of its own."""
    return ApiError(36009004, f"param {detail}")


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def envelope(data: Any, *, code: int = 0, message: str = "Success", status: int = 200) -> Response:
    """`{"code", "message", "request_id", "data"}`, the shape of every answer (FACTS.md 2)."""
    body = {"code": code, "message": message, "request_id": request_id(), "data": data}
    return Response(dumps(body), status_code=status, media_type="application/json")


def error_response(error: ApiError) -> Response:
    return envelope(None, code=error.code, message=error.message, status=error.http_status)
