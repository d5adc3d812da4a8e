"""Check the built app, as a user would start it: the self-test, then the real keyring.

Usage: python packaging/check_bundle.py dist/shopdesk
1. `shopdesk --self-test --json` offscreen: the window on a live demo shop, every tab.
2. When D-Bus and gnome-keyring are installed (always in CI): the bundle's own
   `shopdesk sandbox`, then `shopdesk connect --sandbox URL` inside a private D-Bus session
   with gnome-keyring, then `shopdesk status --json`: the frozen keyring backends work.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def program(folder: Path) -> Path:
    name = "shopdesk.exe" if sys.platform == "win32" else "shopdesk"
    return folder / name


def self_test(exe: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([str(exe), "--self-test", "--json"], env=env, capture_output=True,
                          text=True, timeout=180)
    if proc.returncode != 0:
        raise SystemExit(f"self-test failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def keyring_connect(exe: Path) -> dict | None:
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise SystemExit("CI=true but dbus-run-session or gnome-keyring is missing")
        print("skipped the keyring check: dbus-run-session or gnome-keyring not installed")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "SHOPDESK_HOME": str(home / "data"), "HOME": str(home),
               "XDG_DATA_HOME": str(home / "xdg"), "XDG_RUNTIME_DIR": str(home / "run")}
        (home / "run").mkdir(mode=0o700)
        sandbox = subprocess.Popen([str(exe), "sandbox", "--port", "0", "--orders", "30"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            assert sandbox.stdout is not None
            info = json.loads(sandbox.stdout.readline())
            env["SHOPDESK_APP_SECRET"] = info["app_secret"]
            script = (
                "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
                f"'{exe}' connect --app-key {info['app_key']} --sandbox {info['api_base']} --json"
                f" && '{exe}' import --days 90 --json && '{exe}' status --json"
            )
            proc = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env,
                                  capture_output=True, text=True, timeout=180)
            if proc.returncode != 0:
                raise SystemExit(f"connect with the real keyring failed: {proc.stderr[-2000:]}")
            lines = proc.stdout.strip().splitlines()
            status = json.loads(lines[-1])
            imported = json.loads(lines[-2])
            if not status["connected"] or imported["created"] != 30:
                raise SystemExit(f"unexpected status after connect: {status} {imported}")
            return {"imported": imported["created"], "token_expires": status["token_expires"]}
        finally:
            sandbox.send_signal(signal.SIGTERM)
            sandbox.communicate(timeout=30)


def main(folder: str) -> int:
    exe = program(Path(folder))
    if not exe.exists():
        raise SystemExit(f"no built program at {exe}: run `make dist`")
    report = {"self_test": self_test(exe), "keyring_connect": keyring_connect(exe)}
    if not report["self_test"].get("ok"):
        raise SystemExit(f"self-test reported problems: {report['self_test']}")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/shopdesk"))
