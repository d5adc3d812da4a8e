"""A scan that fails when a token or secret appears in the database, the logs or the settings."""

from __future__ import annotations

from pathlib import Path

from app.sandbox import SandboxInfo


def issued_secrets(info: SandboxInfo) -> set[str]:
    """The app secret and every access and refresh token the sandbox ever handed out."""
    world = info.sandbox.state
    return {info.app_secret, *world.access_tokens, *world.refresh_tokens}


def files_to_scan(home: Path) -> list[Path]:
    """Everything Shopdesk writes in its data folder: database (with WAL), settings, logs."""
    return [p for p in home.rglob("*") if p.is_file()]


def assert_no_secrets(home: Path, secrets: set[str]) -> int:
    """Fail naming the file and the kind of secret; returns how many files were scanned."""
    files = files_to_scan(home)
    assert files, f"nothing to scan in {home}"
    names = {p.name for p in files}
    assert "shopdesk.db" in names and "settings.json" in names
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            if secret and secret.encode() in data:
                kind = "app secret" if not secret.startswith("TTP_") else "token"
                raise AssertionError(f"a {kind} is written in {path}")
    return len(files)
