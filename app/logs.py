"""Logging to a rotating file, with secrets kept out even if a library tries to log them."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

#: Query parameters and JSON keys whose values are secrets wherever they appear.
_SECRET_KEYS = re.compile(
    r"(?i)(app_secret|access_token|refresh_token|x-tts-access-token|auth_code|[?&]code)"
    r"([\"']?\s*[=:]\s*[\"']?)([^&\s\"',}]+)"
)
_TOKEN_SHAPE = re.compile(r"TTP_[A-Za-z0-9_\-]{6,}")

_known_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a secret value so any log line containing it is masked."""
    if value and len(value) >= 6:
        _known_secrets.add(value)


def redact(text: str) -> str:
    """Mask secrets in one line of text."""
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, "***")
    text = _SECRET_KEYS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _TOKEN_SHAPE.sub("TTP_***", text)


class RedactingFilter(logging.Filter):
    """Rewrites every record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def setup_logging(log_dir: Path | None, *, verbose: bool = False) -> None:
    """File logs (rotating, 5 x 2 MB) plus warnings on stderr; HTTP libraries kept quiet."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_shopdesk", False):
            root.removeHandler(handler)
            handler.close()
    redacting = RedactingFilter()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "shopdesk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(fmt)
        handlers.append(file_handler)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handlers.append(console)
    for handler in handlers:
        handler.addFilter(redacting)
        handler._shopdesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # httpx logs full URLs at INFO, and token calls carry the app secret in the query.
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
