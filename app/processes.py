"""Which process is which: a pid plus when it started, so a reused pid is never taken for the
process that claimed a write and then died."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessId:
    """A process as other processes can recognise it later."""

    pid: int
    start: str  # opaque; "" when this platform cannot tell

    def running(self) -> bool:
        """True while this very process (not a later one with its pid) still runs."""
        return is_running(self.pid, self.start)


@functools.cache
def current() -> ProcessId:
    """This process."""
    pid = os.getpid()
    return ProcessId(pid, start_identity(pid) or "")


def is_running(pid: int, start: str = "") -> bool:
    """Is `pid` alive and, when `start` is known, the same process that had that start?"""
    if pid <= 0:
        return False
    found = start_identity(pid)
    if found is None:
        return False
    return not start or not found or found == start


def start_identity(pid: int) -> str | None:
    """When `pid` started (platform-specific text), "" if unknown, None if it is not running."""
    if sys.platform.startswith("linux"):
        return _linux_start(pid)
    if sys.platform == "win32":
        return _windows_start(pid)
    return _ps_start(pid)


def _linux_start(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):  # a zombie has finished
        return None
    return fields[19]  # starttime, in clock ticks since boot


def _ps_start(pid: int) -> str | None:
    try:
        alive = _posix_alive(pid)
    except OSError:
        return ""
    if not alive:
        return None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(  # noqa: S603 - a fixed program and a number, no user input
            ["/bin/ps", "-o", "lstart=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return out.stdout.strip() if out.returncode == 0 else None
    return ""


def _posix_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_start(pid: int) -> str | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None
    try:
        code = wintypes.DWORD()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != 259:
            return None  # exited (259 is STILL_ACTIVE)
        created, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
        if not kernel32.GetProcessTimes(
            handle,
            ctypes.byref(created),
            ctypes.byref(exited),
            ctypes.byref(kernel),
            ctypes.byref(user),
        ):
            return ""
        return f"{created.dwHighDateTime}:{created.dwLowDateTime}"
    finally:
        kernel32.CloseHandle(handle)
