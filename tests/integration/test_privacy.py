"""Nobody else reads it: the data folder is the user's alone, and the app secret never reaches a
child process (the tunnel program) through the environment."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import ROOT, Cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loose(home: Path) -> list[str]:
    """Everything in the data folder that a group or other user may read or enter."""
    found = []
    for path in [home, *home.rglob("*")]:
        if mode(path) & 0o077:
            found.append(f"{path.relative_to(home.parent)} {oct(mode(path))}")
    return found


def test_the_data_folder_is_private_from_the_first_command_on(tmp_path: Path) -> None:
    old = os.umask(0o022)  # what most desktops use
    try:
        with running_sandbox(SandboxConfig(seed=71, orders=40)) as info:
            cli = Cli(tmp_path / "home", info)
            cli.connect()
            cli.run("import", "--days", "90")
            cli.run("export", "orders", "--out", str(tmp_path / "orders.csv"))
            made = loose(cli.home)
            assert {p.name for p in cli.home.iterdir()} >= {"shopdesk.db", "logs", "settings.json"}
            # An existing folder from an older version is tightened by the next command.
            os.chmod(cli.home, 0o755)  # noqa: S103 - an old, loose folder
            for path in cli.home.rglob("*"):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
            cli.run("status")
            left = loose(cli.home)
    finally:
        os.umask(old)
    assert not made, f"created readable by others: {made}"
    assert not left, f"not tightened: {left}"


DUMP_ENV = """
import json, os, sys, time
with open(sys.argv[1], "w") as out:
    json.dump(dict(os.environ), out)
time.sleep(60)
"""


def test_the_app_secret_never_reaches_the_tunnel_program(tmp_path: Path) -> None:
    script = tmp_path / "tunnel.py"
    script.write_text(DUMP_ENV)
    dumped = tmp_path / "tunnel-env.json"
    with running_sandbox(SandboxConfig(seed=72, orders=10)) as info:
        cli = Cli(tmp_path / "home", info)
        assert cli.env["SHOPDESK_APP_SECRET"] == info.app_secret
        cli.connect()  # connect still reads the secret from the variable
        engine = subprocess.Popen(
            cli.argv(
                "sync",
                "--listen",
                "127.0.0.1:0",
                "--tunnel-command",
                f"{sys.executable} {script} {dumped}",
            ),
            env=cli.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not dumped.exists() or not dumped.read_text():
                assert engine.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
            time.sleep(0.2)
            env = json.loads(dumped.read_text())
        finally:
            engine.terminate()
            engine.wait(timeout=30)
    assert "SHOPDESK_APP_SECRET" not in env
    leaked = [k for k, v in env.items() if info.app_secret in v]
    assert not leaked, f"the app secret is in the tunnel's {leaked}"
