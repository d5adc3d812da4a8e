"""TikTok Shop's production hosts: settings name them without loading the HTTP client."""

from __future__ import annotations

DEFAULT_API_BASE = "https://open-api.tiktokglobalshop.com"
#: Token host (FACTS.md 3); the sandbox serves the same paths.
DEFAULT_AUTH_BASE = "https://auth.tiktok-shops.com"
