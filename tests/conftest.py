"""Shared fixtures: isolated data folders, in-memory keyring, and a service check for CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import Paths
from app.secrets import SecretStore

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_service(available: bool, reason: str) -> None:
    """Skip when a system service is missing; under CI=true that is a failure instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but a required service is missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def data_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A fresh data folder; SHOPDESK_HOME points at it for subprocesses too."""
    root = tmp_path / "shopdesk-home"
    monkeypatch.setenv("SHOPDESK_HOME", str(root))
    return Paths(root).ensure()


@pytest.fixture
def memory_secrets() -> SecretStore:
    """Secrets kept in this process only (the real keyring has its own integration test)."""
    return SecretStore.in_memory()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long end-to-end tests run first, so the workers finish together instead of one
    waiting alone on a slow test collected last (the suite's wall time on two cores)."""
    items.sort(key=lambda item: 0 if item.nodeid.startswith("tests/integration/") else 1)
