"""`shopdesk --self-test --json`: a fresh process, offscreen, on a live demo shop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shopdesk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHOPDESK_HOME": str(home)}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test picks offscreen by itself
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_self_test_opens_every_tab_and_reports_its_figures(tmp_path: Path) -> None:
    result = shopdesk("--self-test", "--json", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["ok"] and figures["problems"] == []
    assert figures["orders"] > 0 and figures["connected"]
    assert [t.split(" (")[0] for t in figures["tabs"]] == [
        "Orders",
        "Cancellations",
        "Returns",
        "Inventory",
        "Money",
        "Sync queue",
        "Errors",
        "Health",
        "Pack",
        "Settings",
    ]
    assert 0 < figures["seconds_to_first_orders"] < 60
    assert not any(tmp_path.iterdir())  # it never touches the data folder


def test_json_alone_is_a_usage_error(tmp_path: Path) -> None:
    result = shopdesk("--json", home=tmp_path)
    assert result.returncode == 2
    assert "--self-test" in result.stderr
