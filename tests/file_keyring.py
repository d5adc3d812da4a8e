"""A keyring backend in a JSON file, for CLI subprocess tests only (PYTHON_KEYRING_BACKEND).

Real users never get this: the app refuses to store secrets outside the OS keyring. Tests that
spawn `shopdesk` processes need secrets to survive between processes without a D-Bus session.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors
from jaraco.classes import properties

ENV_FILE = "SHOPDESK_TEST_KEYRING_FILE"


class FileKeyring(keyring.backend.KeyringBackend):
    """Plain JSON on disk: viable only where a test set its file variable."""

    @properties.classproperty
    def priority(cls) -> float:
        if ENV_FILE not in os.environ:
            raise RuntimeError(f"test backend: needs {ENV_FILE}")
        return 0.1

    @property
    def path(self) -> Path:
        return Path(os.environ[ENV_FILE])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def _store(self, data: dict[str, str]) -> None:
        """Atomically, so another process never reads half a file."""
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._store(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._store(data)
