"""The TikTok API reference data the tests read, kept in the repo (tests/fixtures/tiktok-docs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

API_DOCS = Path(__file__).resolve().parent / "fixtures" / "tiktok-docs"


def spec(group: str, name: str) -> dict[str, Any]:
    """One spec-json document's `document_api_meta`."""
    path = API_DOCS / "spec-json" / group / f"{name}.spec.json"
    return json.loads(path.read_text())["document_api_meta"]


def webhook_examples() -> list[tuple[str, dict[str, Any]]]:
    """Every event example in the webhook guides that is valid JSON (a few have typos)."""
    found = []
    for path in sorted((API_DOCS / "guides" / "webhooks").glob("*/*.md")):
        text = path.read_text()
        for block in re.findall(r"```(?:json|JSON)?\s*\n(\{.*?\})\s*```", text, re.S):
            try:
                found.append((path.name, json.loads(block)))
            except ValueError:
                continue
    return found
