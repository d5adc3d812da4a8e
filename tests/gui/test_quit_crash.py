"""Quitting never crashes: Qt calls keep Python's None alive, and many quits stay clean.

The crash on quit (`Fatal Python error: none_dealloc`) came from the Qt binding itself:
shiboken6 6.12.0 hands back `None` from every Qt method that returns nothing without taking
a reference, which CPython 3.11 (where None is not immortal) counts down until None is
freed, minutes into a session or at quit. PySide6 is pinned to 6.11.2, which does not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 2  # each round opens every tab and quits 8 times: 16 quits (the crash came 1 in 7)


def test_qt_calls_that_return_nothing_leave_none_alone(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    timer = QTimer()
    calls = (
        lambda: label.setText("Connected"),
        lambda: label.setStyleSheet("color: red"),
        lambda: label.setToolTip("tip"),
        lambda: timer.setInterval(5),
        lambda: label.update(),
    )
    before = sys.getrefcount(None)
    for _ in range(2000):
        for call in calls:
            call()
    assert sys.getrefcount(None) - before > -50  # a leak would be -10,000 here


@pytest.mark.service
@pytest.mark.timeout(420)
def test_every_tab_work_and_quit_many_times_in_a_real_window() -> None:
    need_service(
        shutil.which("xvfb-run") is not None and shutil.which("Xvfb") is not None,
        "Xvfb is not installed (Debian: apt install xvfb xauth)",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24"]
    stress = ["-X", "faulthandler", "-m", "tests.gui.quit_stress", str(ROUNDS), "8"]
    result = subprocess.run(
        [*xvfb, sys.executable, *stress],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    output = result.stdout + result.stderr
    assert "Fatal Python error" not in output, output[-3000:]
    assert result.returncode == 0, output[-3000:]
    assert [f"round {n + 1}" in result.stdout for n in range(ROUNDS)] == [True] * ROUNDS
