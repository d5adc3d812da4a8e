"""A second `shopdesk --demo` never deletes the folder a running demo works in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.config import Paths
from app.demo import DEMO_PIDFILE, claimed, demo_paths


def test_a_second_demo_gets_its_own_folder_and_the_running_one_keeps_its_data(
    tmp_path: Path,
) -> None:
    base = Paths(tmp_path / "home")
    first = demo_paths(base)
    assert first.root == base.root / "demo"
    with claimed(first):
        (first.root / "shopdesk.db").write_text("the running demo's data")
        running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            # as if that other process were the demo that claimed the folder
            (first.root / DEMO_PIDFILE).write_text(str(running.pid))
            second = demo_paths(base)
            assert second.root == base.root / "demo-2"
            with claimed(second):
                assert (first.root / "shopdesk.db").read_text() == "the running demo's data"
        finally:
            running.kill()
            running.wait()
        assert demo_paths(base).root == first.root  # its demo ended: the folder is free again
    assert not (first.root / DEMO_PIDFILE).exists()
