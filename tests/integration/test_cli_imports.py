"""Each `shopdesk` command loads only its own modules: `--help` answers without the sandbox
server, PDF libraries, HTTP client, sync layer or store, and `status` without the network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Runs the real `shopdesk` entry point, then prints what it had imported (even on exit).
CHILD = r"""
import json, sys
from app.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

#: Nothing a parser or `--help` needs.
NOT_FOR_HELP = (
    "app.sandbox.server",
    "app.sandbox.app",
    "reportlab",
    "pypdf",
    "starlette",
    "uvicorn",
    "httpx",
    "app.sync",
    "app.store",
    "app.ops",
    "app.queries",
    "pydantic",
    "sqlite_utils",
    "keyring",
)

#: What reading the local database for `status` has no use for: the server, PDF drawing,
#: the HTTP client and TikTok's API, the engine and its polling, the keyring.
NOT_FOR_STATUS = (
    "app.sandbox.server",
    "app.sandbox.app",
    "reportlab.pdfgen",
    "reportlab.platypus",
    "reportlab.graphics",
    "pypdf",
    "starlette",
    "uvicorn",
    "httpx",
    "app.tiktok.api",
    "app.sync.engine",
    "app.sync.session",
    "app.sync.poller",
    "app.ops.sync",
    "keyring",
)


def _run(*args: str, home: Path) -> tuple[int, str, set[str]]:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SHOPDESK_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    seen = json.loads(child.stderr.strip().splitlines()[-1])
    return seen["code"], child.stdout, set(seen["modules"])


def _loaded(modules: set[str], heavy: tuple[str, ...]) -> list[str]:
    """The heavy packages (or any of their submodules) that were imported."""
    return sorted(h for h in heavy if any(m == h or m.startswith(h + ".") for m in modules))


@pytest.mark.parametrize("args", [["--help"], ["ship", "--help"], ["sandbox", "--help"]])
def test_help_loads_no_command_module(args: list[str], tmp_path: Path) -> None:
    code, out, modules = _run(*args, home=tmp_path)
    assert code == 0 and out.startswith("usage: shopdesk")
    assert _loaded(modules, NOT_FOR_HELP) == []


def test_status_on_an_empty_folder_loads_no_network_or_server_module(tmp_path: Path) -> None:
    code, out, modules = _run("--data-dir", str(tmp_path), "status", "--json", home=tmp_path)
    assert code == 3  # not connected yet
    assert json.loads(out)["connected"] is False
    assert _loaded(modules, NOT_FOR_STATUS) == []


def test_a_command_loads_its_own_modules_when_it_runs(tmp_path: Path) -> None:
    code, _, modules = _run("--data-dir", str(tmp_path), "ship", "1", "--json", home=tmp_path)
    assert code != 0  # no shop connected: refused, with its modules loaded to say so
    assert "app.commands.ship" in modules and "app.commands.labels" not in modules
