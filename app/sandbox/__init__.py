"""A local TikTok Shop (Open API 202309): signed API, OAuth, webhooks, faults, seeded data."""

from app.sandbox.app import create_app
from app.sandbox.config import (
    DEFAULT_SCOPES,
    PACKAGE_FIRST_SELLER_TYPE,
    SCOPE_NAMES,
    SandboxConfig,
)
from app.sandbox.core import Sandbox
from app.sandbox.server import (
    SandboxInfo,
    add_arguments,
    run_cli,
    running_sandbox,
    running_sandbox_async,
)

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
