"""One engine per data folder: the desktop app and `shopdesk sync` hold `engine.lock`, so two
of them never both sync one shop (each would move TikTok's webhook subscription to itself).
One-shot commands (status, ship, stock set...) take no lock and stay allowed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app import processes
from app.filelock import FileLock
from app.tiktok.errors import ShopdeskError

LOCK_NAME = "engine.lock"
KINDS = {"gui": "the Shopdesk app", "sync": "`shopdesk sync`", "restore": "`shopdesk restore`"}


class AnotherShopdesk(ShopdeskError):
    """The data folder is in use by another running Shopdesk."""

    def __init__(self, message: str, *, pid: int, kind: str) -> None:
        self.pid = pid
        self.kind = kind
        super().__init__(message)


class EngineLock:
    """Held for as long as this process syncs (or restores) the data folder."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        self._lock = FileLock(root / LOCK_NAME)

    def acquire(self) -> EngineLock:
        """Take the folder, or raise AnotherShopdesk naming who has it."""
        if not self._lock.try_acquire():
            pid, kind = self.holder()
            who = KINDS.get(kind, "another Shopdesk")
            pid_text = f", process {pid}" if pid else ""
            raise AnotherShopdesk(
                f"another Shopdesk uses {self.root} ({who}{pid_text}); stop it first"
                + (" or use `shopdesk sync --once`" if self.kind == "sync" else ""),
                pid=pid,
                kind=kind,
            )
        me = processes.current()
        self._lock.write_owner(json.dumps({"pid": me.pid, "kind": self.kind, "since": time.time()}))
        return self

    def holder(self) -> tuple[int, str]:
        """(pid, kind) of the process holding the lock, as it wrote them."""
        try:
            data = json.loads(self._lock.read_owner() or "{}")
        except ValueError:
            return 0, ""
        return int(data.get("pid") or 0), str(data.get("kind") or "")

    def release(self) -> None:
        """Free the folder (the OS does it too when the process dies)."""
        self._lock.release()
