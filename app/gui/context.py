"""What one window works on: the data folder, secrets, settings, and test seams."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.config import Paths, Settings, load_settings
from app.secrets import SecretStore

if TYPE_CHECKING:  # HTTP loads with the engine, after the window has painted
    import httpx


@dataclass
class GuiContext:
    """The data folder and everything the engine and the connect wizard need.

    `transport` is the tests' seam (an in-process sandbox); `demo` marks the built-in demo
    shop, which imports its history on first start and shows a "Demo" badge.
    """

    paths: Paths
    secrets: SecretStore
    settings: Settings = field(default_factory=Settings)
    transport: httpx.AsyncBaseTransport | None = None
    demo: bool = False
    #: Import this many days of history by itself when the shop has no orders yet (demo).
    auto_import_days: int = 0

    @classmethod
    def load(cls, paths: Paths, secrets: SecretStore) -> GuiContext:
        """A context with the settings saved in the data folder."""
        return cls(paths, secrets, load_settings(paths))
