"""Secrets handed in through the environment are read once at start and then removed, so no
child process (the tunnel program, a browser, a helper) ever inherits them."""

from __future__ import annotations

import os

ENV_APP_SECRET = "SHOPDESK_APP_SECRET"  # noqa: S105 - a variable name, not a secret
SECRET_VARIABLES = (ENV_APP_SECRET,)

_taken: dict[str, str] = {}


def take_secrets() -> None:
    """Move every secret variable out of `os.environ` (call first thing at start)."""
    for name in SECRET_VARIABLES:
        value = os.environ.pop(name, None)
        if value is not None:
            _taken[name] = value


def app_secret() -> str:
    """The app secret the user exported, or ""."""
    take_secrets()
    return _taken.get(ENV_APP_SECRET, "")


def child_env() -> dict[str, str]:
    """The environment for a child process: ours without any secret variable."""
    take_secrets()
    return {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
