"""A local TikTok Shop (Open API 202309): signed API, OAuth, webhooks, faults, seeded data.

The names below load their module on first use (PEP 562), so `shopdesk --help` and the
light `app.sandbox.config`/`app.sandbox.arguments` do not pay for the server.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.sandbox.app import create_app
    from app.sandbox.arguments import add_arguments
    from app.sandbox.config import (
        DEFAULT_SCOPES,
        PACKAGE_FIRST_SELLER_TYPE,
        SCOPE_NAMES,
        SandboxConfig,
    )
    from app.sandbox.core import Sandbox
    from app.sandbox.server import (
        SandboxInfo,
        run_cli,
        running_sandbox,
        running_sandbox_async,
    )

#: Where each public name lives.
_HOMES = {
    "create_app": "app.sandbox.app",
    "add_arguments": "app.sandbox.arguments",
    "DEFAULT_SCOPES": "app.sandbox.config",
    "PACKAGE_FIRST_SELLER_TYPE": "app.sandbox.config",
    "SCOPE_NAMES": "app.sandbox.config",
    "SandboxConfig": "app.sandbox.config",
    "Sandbox": "app.sandbox.core",
    "SandboxInfo": "app.sandbox.server",
    "run_cli": "app.sandbox.server",
    "running_sandbox": "app.sandbox.server",
    "running_sandbox_async": "app.sandbox.server",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_SCOPES",
    "PACKAGE_FIRST_SELLER_TYPE",
    "SCOPE_NAMES",
    "Sandbox",
    "SandboxConfig",
    "SandboxInfo",
    "add_arguments",
    "create_app",
    "run_cli",
    "running_sandbox",
    "running_sandbox_async",
]
